#pragma once
// One plugin shared object, loaded from an already opened and checked file descriptor through
// "/proc/self/fd/<fd>", so that the file that was checked is the file that loads.
//
// The descriptor stays open while the library is loaded: the dynamic linker recognises loaded
// objects by name, and a reused descriptor number would otherwise make a later dlopen of
// "/proc/self/fd/<same number>" return the old library.

#include <boost/dll/shared_library.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "mount/unique_fd.h"
#include "plugins/outcome.h"

namespace sscsi::plugins {

using mount::UniqueFd;

class LoadedLibrary {
 public:
  // dlopen with RTLD_NOW | RTLD_LOCAL. `shown_as` is the path used in messages. Refused with
  // the dynamic linker's message, or when the linker hands back an object that was already
  // loaded under another name (the same file reached twice).
  static Outcome<std::unique_ptr<LoadedLibrary>> load(UniqueFd fd,
                                                      const std::filesystem::path& shown_as);

  ~LoadedLibrary();  // dlclose, then close the descriptor once nothing is mapped under its name
  LoadedLibrary(const LoadedLibrary&) = delete;
  LoadedLibrary& operator=(const LoadedLibrary&) = delete;

  // Address of an exported symbol, or nullptr.
  void* symbol(const char* name) const noexcept;

 private:
  LoadedLibrary(UniqueFd fd, std::string proc_path);

  UniqueFd fd_;
  std::string proc_path_;
  boost::dll::shared_library library_;
};

}  // namespace sscsi::plugins
