#pragma once
// A provider plugin loaded exactly as sscsi-host loads it (dlopen RTLD_NOW | RTLD_LOCAL, then the
// entry symbol), for tests that drive a built plugin through the C ABI alone. Shared by the mock's
// and the Azure plugin's tests; never unloaded (tests hold pointers into it until exit).

#include <sscsi/provider.h>

#include <cstdint>
#include <string>

namespace sscsi::mock_test {

struct CreateResult {
  sscsi_status status = SSCSI_INTERNAL;
  std::string error;         // the plugin's message when status is not SSCSI_OK
  void* instance = nullptr;  // owned by the caller on success (pass it to table().destroy)
};

class PluginLibrary {
 public:
  // `what` names the plugin in errors ("the mock plugin"). Throws std::runtime_error when the
  // file cannot be loaded or has no entry symbol.
  PluginLibrary(const char* path, std::string what);
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  void* handle() const { return handle_; }
  const sscsi_provider* entry(std::uint32_t major, std::uint32_t minor) const;
  // The table for this test build's ABI; throws when the handshake fails.
  const sscsi_provider& table() const;
  // Calls create with an error buffer of `error_len` bytes (pre-filled with garbage, so an
  // unterminated message is caught: that throws).
  CreateResult create(const sscsi_host_api* host, const char* config_json,
                      std::size_t error_len = 2048) const;

 private:
  std::string what_;
  void* handle_ = nullptr;
  sscsi_provider_entry_fn entry_ = nullptr;
};

}  // namespace sscsi::mock_test
