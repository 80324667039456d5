#pragma once
// The one-line errors ApiResponse::error carries: they name the object, the method, and the
// status with the Kubernetes Status message, or the transport failure. Built only from the
// request's `what`/method, the status, the Status object's message and curl's error text, so a
// token (a header) or a Secret's data (a request body) can never end up in one.

#include <string>
#include <string_view>

namespace sscsi::kube {

// "Forbidden" for 403; "" for codes without a well-known phrase.
std::string_view http_reason_phrase(long status);

// The `message` of a Kubernetes Status object in `body`, on one line and bounded; "" when the
// body is not such an object.
std::string kubernetes_status_message(std::string_view body);

// "Pod default/web-1: GET answered 403 Forbidden: pods \"web-1\" is forbidden: ..."; with
// " after N attempts" when there were retries.
std::string status_error(std::string_view what, std::string_view method, long status,
                         std::string_view body, int attempts);

// "Pod default/web-1: GET to https://10.0.0.1:443 failed after 5 attempts: <failure>".
std::string transport_error(std::string_view what, std::string_view method, std::string_view server,
                            std::string_view failure, int attempts);

}  // namespace sscsi::kube
