#pragma once
// Rules for the relative paths a provider may write inside a volume. One definition, used both
// when a plugin answers (host/plugins) and when files are written (host/mount).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sscsi::mount {

inline constexpr std::size_t kMaxPathBytes = 4096;
inline constexpr std::size_t kMaxPathElementBytes = 255;

// Why `path` may not be written inside a volume, or nullopt when it may. A valid path is
// non-empty, relative, clean ('/'-separated, no empty, '.' or '..' element, no trailing '/'),
// at most 4096 bytes with at most 255 per element, contains no NUL, and its first element does
// not start with ".." (those names belong to the atomic writer: ..data, ..<timestamp>).
std::optional<std::string> path_problem(std::string_view path);

// Why `mode` is not a valid file mode (permission bits 0..0777 only), or nullopt.
std::optional<std::string> mode_problem(std::uint32_t mode);

}  // namespace sscsi::mount
