#include "plugin_library.h"

#include <dlfcn.h>

#include <stdexcept>

namespace sscsi::mock_test {

PluginLibrary::PluginLibrary(const char* path, std::string what) : what_(std::move(what)) {
  handle_ = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) {
    throw std::runtime_error("cannot load " + what_ + ": " + dlerror());
  }
  entry_ = reinterpret_cast<sscsi_provider_entry_fn>(dlsym(handle_, SSCSI_PROVIDER_ENTRY_SYMBOL));
  if (entry_ == nullptr) throw std::runtime_error(what_ + " has no entry symbol");
}

const sscsi_provider* PluginLibrary::entry(std::uint32_t major, std::uint32_t minor) const {
  return entry_(major, minor);
}

const sscsi_provider& PluginLibrary::table() const {
  const sscsi_provider* table = entry(SSCSI_ABI_MAJOR, SSCSI_ABI_MINOR);
  if (table == nullptr) throw std::runtime_error(what_ + " refused this host's ABI");
  return *table;
}

}  // namespace sscsi::mock_test
