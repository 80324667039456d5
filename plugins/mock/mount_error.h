#pragma once
// The one way a mount ends early inside the plugin: the code, the message the sink gets, and the
// retry hint. It never leaves the plugin: the entry point turns it into sink->set_error.

#include <sscsi/provider.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace sscsi::mock {

class MountError : public std::runtime_error {
 public:
  MountError(sscsi_status code, const std::string& message, std::uint32_t retry_after_ms = 0)
      : std::runtime_error(message), code_(code), retry_after_ms_(retry_after_ms) {}

  sscsi_status code() const noexcept { return code_; }
  std::uint32_t retry_after_ms() const noexcept { return retry_after_ms_; }

 private:
  sscsi_status code_;
  std::uint32_t retry_after_ms_;
};

// Shorthand for the most common case: the SecretProviderClass parameters are wrong.
inline MountError invalid_parameters(const std::string& message) {
  return MountError(SSCSI_INVALID_PARAMETERS, message);
}

}  // namespace sscsi::mock
