#pragma once
// Checks an object's output path (objectAlias, else objectName) against the rules the host applies
// to every file a provider returns (see sscsi_mount_sink.add_file), so that a bad alias is
// reported as a parameter error naming the object instead of a refused answer.

#include <optional>
#include <string>
#include <string_view>

namespace sscsi::mock {

// Why `path` cannot be an output path, or nullopt when it can. A valid path is relative, clean
// ('/'-separated, no empty, '.' or '..' element, no trailing '/'), at most 4096 bytes with at
// most 255 per element, has no NUL byte, and its first element does not start with ".." (names
// the host's atomic writer keeps for itself, such as "..data").
std::optional<std::string> output_path_problem(std::string_view path);

}  // namespace sscsi::mock
