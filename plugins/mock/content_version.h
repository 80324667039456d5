#pragma once
// The version reported for an object that names no objectVersion.

#include <string>
#include <string_view>

namespace sscsi::mock {

// "fnv1a64:" + 16 lower-case hex digits of the FNV-1a 64-bit hash of `bytes`. A change detector
// for rotation (different content gives a different version with overwhelming likelihood), not
// cryptography: it is trivial to forge and says nothing secret-safe about the content.
std::string content_version(std::string_view bytes);

}  // namespace sscsi::mock
