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

CreateResult PluginLibrary::create(const sscsi_host_api* host, const char* config_json,
                                   std::size_t error_len) const {
  std::string buffer(error_len, '\x7f');
  CreateResult result;
  result.status = table().create(host, config_json, &result.instance, buffer.data(), buffer.size());
  if (result.status != SSCSI_OK && error_len > 0) {
    const std::size_t end = buffer.find('\0');
    if (end == std::string::npos) throw std::runtime_error("create left the error unterminated");
    result.error = buffer.substr(0, end);
  }
  return result;
}

}  // namespace sscsi::mock_test
