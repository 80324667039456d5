#pragma once
// Reads files that hold credentials (tokens, keys, CA bundles) into wiped memory, with an error
// that names the file and the OS reason. The bytes are never logged.

#include <filesystem>
#include <string>
#include <variant>

#include "kube/client/secret_string.h"

namespace sscsi::kube {

// Files larger than this are refused: a token, a key or a CA bundle is far smaller, and a
// pointed-at device or log file must not be read into memory.
inline constexpr std::uintmax_t kMaxCredentialFileBytes = 4 * 1024 * 1024;

// The whole file, or an error such as "/x/token: cannot read: No such file or directory".
std::variant<SecretString, std::string> read_credential_file(const std::filesystem::path& path);

// A bearer token as stored in a file: surrounding whitespace (the trailing newline many tools
// write) removed.
SecretString trim_token(std::string_view text);

}  // namespace sscsi::kube
