#pragma once
// Standard base64 (RFC 4648 §4, with padding) as kubeconfig *-data fields use it.

#include <optional>
#include <string>
#include <string_view>

namespace sscsi::kube {

// Decodes `text`; line breaks and spaces between groups are skipped (PEM-style wrapping). Any
// other character outside the alphabet, bad padding or a truncated group gives nullopt.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace sscsi::kube
