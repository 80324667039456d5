#pragma once
// Standard base64 (RFC 4648 with padding), the encoding of a Secret's `data` values in JSON.

#include <optional>
#include <string>
#include <string_view>

namespace sscsi::kube {

std::string base64_encode(std::string_view bytes);

// nullopt when `text` is not canonical padded base64 (wrong length, characters outside the
// alphabet, misplaced padding).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sscsi::kube
