#pragma once
// Reading an object's contentFile. A SecretProviderClass author can name any path, and the plugin
// reads it with the host's privileges (root), so only files whose real path lies inside one of
// the operator's allowedContentDirs are read. The file is read again at every mount: editing it is
// how a demo or test rotates a secret.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "wiped_bytes.h"

namespace sscsi::mock {

// Larger files are refused: 4 MiB is the upstream driver's default gRPC message limit for a
// whole mount answer, so a bigger object could never have been served there either.
inline constexpr std::size_t kMaxContentFileBytes = std::size_t{4} << 20;

// Whether the absolute, lexically normal `path` lies strictly inside the directory `dir` (also
// absolute and normal): compared element by element, so "/a/bc" is not inside "/a/b".
bool is_inside_directory(const std::filesystem::path& path, const std::filesystem::path& dir);

// The bytes of `path_text` (an absolute path), checked against `allowed_dirs` (absolute, lexically
// normal). `what` names the object for messages, e.g. `objects[0] (objectName "db")`.
// Throws MountError: INVALID_PARAMETERS when the path is refused (outside the allowed
// directories, directly or through a symbolic link; not a regular file; too large), NOT_FOUND when
// it does not exist, UNAUTHORIZED when the host may not read it, UNAVAILABLE for other I/O errors.
// The path is checked lexically before the file system is touched, so the existence of files
// outside the allowed directories cannot be probed.
WipedBytes read_content_file(std::string_view path_text,
                             const std::vector<std::filesystem::path>& allowed_dirs,
                             const std::string& what);

}  // namespace sscsi::mock
