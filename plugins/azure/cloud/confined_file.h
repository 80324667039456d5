#pragma once
// Opening the file a SecretProviderClass names in cloudEnvFileName. The plugin runs as root in a
// privileged container that sees other pods' volumes, /proc and /dev: only files inside the
// operator's allowedCloudEnvDirs are opened, and a path outside them is refused before the file
// system is touched, so a refusal reveals nothing about the node.

#include <cstddef>
#include <string>
#include <vector>

namespace sscsi::azure {

// The contents of `path` (absolute; the caller has checked that), read only when
//  - `allowed_dirs` (clean absolute directories) is not empty,
//  - `path` is lexically clean and lies inside one of them (element by element),
//  - every directory on the way, opened one at a time below the allowed one, really lies at or
//    inside an allowed directory (a symbolic link to elsewhere is refused),
//  - the last element is not a symbolic link (O_NOFOLLOW) and is a regular file, opened
//    O_NONBLOCK so that a FIFO does not hang the mount, whose real path is still inside,
//  - it holds at most `max_bytes`.
// Throws MountError(SSCSI_INVALID_PARAMETERS); a refused path gets
// "cloudEnvFileName "<path>" is outside the directories the azure plugin may read cloud files
// from (allowedCloudEnvDirs in its configuration: <dirs>)". Errors inside an allowed directory
// use Go's wording ("open <path>: no such file or directory"), as upstream.
std::string read_confined_file(const std::string& path,
                               const std::vector<std::string>& allowed_dirs, std::size_t max_bytes);

}  // namespace sscsi::azure
