#pragma once
// The one way a mount ends early inside the Azure plugin: the status, the message the sink gets
// (actionable, never a secret), and the retry hint. It never crosses the C ABI: the entry point
// turns it into sink->set_error.

#include <sscsi/provider.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace sscsi::azure {

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

// The SecretProviderClass parameters (or the request's attributes/secrets) are wrong.
inline MountError invalid_parameters(const std::string& message) {
  return MountError(SSCSI_INVALID_PARAMETERS, message);
}

}  // namespace sscsi::azure
