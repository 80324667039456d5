#pragma once
// REST paths of the objects the host reads and writes. Path segments are percent-encoded, so a
// malformed name from a request can never address a different object or inject a query.

#include <string>
#include <string_view>

namespace sscsi::kube {

std::string pod_path(std::string_view namespace_name, std::string_view name);
std::string secrets_path(std::string_view namespace_name);
std::string secret_path(std::string_view namespace_name, std::string_view name);
std::string pod_statuses_path(std::string_view namespace_name);
std::string pod_status_path(std::string_view namespace_name, std::string_view name);
std::string events_path(std::string_view namespace_name);

// Everything except RFC 3986 unreserved characters becomes %XX.
std::string escape_path_segment(std::string_view segment);

}  // namespace sscsi::kube
