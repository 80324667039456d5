#pragma once
// The library search path a shared object carries for its own dependencies (DT_RPATH and
// DT_RUNPATH), read from its ELF headers before the linker sees it. Whoever can write a
// directory on that path can hand the host code with the plugin's next dlopen, so the loader
// holds those directories to the plugin directory's rules.

#include <string>
#include <vector>

namespace sscsi::plugins {

// The entries of DT_RPATH, then DT_RUNPATH, of the 64-bit native-endian ELF file open at `fd`,
// split at ':' and unexpanded ("$ORIGIN/lib" stays as written). Empty for a file without either,
// and for a file that is not such an ELF file (the linker then refuses it with its own message).
// Throws std::runtime_error with a phrase meant to follow the file's name when the file claims
// to be one but its headers or dynamic section cannot be read. Reads with pread: the
// descriptor's offset is left alone.
std::vector<std::string> elf_library_search_path(int fd);

}  // namespace sscsi::plugins
