#pragma once
// The filesystem side of the CSI unix socket: everything OS-specific about the listener lives
// behind these functions (socket_file_linux.cpp), so a Windows port replaces one file.

#include <filesystem>

namespace sscsi::csi {

// Makes `path` ready to bind: creates missing parent directories with mode 0750 and removes a
// stale socket left by a previous run. Throws std::runtime_error naming the path and the problem
// when something other than a socket is there (a regular file, directory or symlink is never
// deleted), when a live process still answers on the socket, or on any OS error.
void prepare_socket_path(const std::filesystem::path& path);

// Restricts the listening socket to its owner and group (0660): whoever can connect can ask the
// driver to mount secrets. Throws std::runtime_error on failure.
void restrict_socket_mode(const std::filesystem::path& path);

}  // namespace sscsi::csi
