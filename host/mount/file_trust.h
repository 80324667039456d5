#pragma once
// Whether a file or directory may steer the host: plugins, plugin configurations, the host's
// --config file, --spc-dir and its class files. Whoever may change one of them could load code
// into the host, send credentials elsewhere or mount other secrets, so each must be owned by
// root or the host's own user and must not be writable by group or others.

#include <sys/stat.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace sscsi::mount {

// Why an entry with status `st` fails that rule (a phrase such as "is world-writable (mode
// 0666); remove that permission (chmod o-w)"), or nullopt.
std::optional<std::string> ownership_problem(const struct stat& st);

// Why someone other than root or the host's user could replace `path` (which exists) through a
// directory above it, or nullopt. Whoever may write a directory may rename what is in it, so
// every directory above `path`, and above its canonical form (a symlink on the way lives in one
// of the first, its target is among the second), must pass ownership_problem. A directory others
// may write that has the sticky bit (/tmp) passes: there only an entry's owner may rename or
// remove it, and that entry is judged in turn. Returns a phrase such as "is inside /srv, which is
// group-writable (mode 0775); remove that permission (chmod g-w)".
std::optional<std::string> ancestor_problem(const std::filesystem::path& path);

// The contents of `file`, a regular file that passes ownership_problem and ancestor_problem and
// holds at most `max_bytes`. The file is opened once and checked through that descriptor, so what
// is checked is what is read; a FIFO does not block. Throws std::runtime_error with a phrase meant
// to follow the file's name ("is not a regular file", "cannot be opened: Permission denied", …).
std::string read_trusted_file(const std::filesystem::path& file, std::size_t max_bytes);

}  // namespace sscsi::mount
