#pragma once
// Which libcurl failures are worth a retry: the ones a restarting or overloaded API server
// produces (refused, reset, timed out, cut mid-answer or mid-handshake). A certificate that
// does not verify, a bad local file or a malformed URL will fail the same way again, so
// retrying those would only delay the error.

#include <curl/curl.h>

namespace sscsi::kube {

bool is_transient_transport_failure(CURLcode code);

}  // namespace sscsi::kube
