#pragma once
// Upstream's `keyvault_request` histogram (reference azure-provider.md §8.3), recorded through
// the host's metrics ABI: one observation per object fetch and per version-list call, failures
// included, so existing dashboards keep working.

#include <sscsi/provider.h>

#include <cstdint>
#include <string_view>

namespace sscsi::azure {

class KeyVaultMetrics {
 public:
  // Defines the metric on the host; throws std::runtime_error if the host refuses it.
  explicit KeyVaultMetrics(const sscsi_host_api& host);

  // `error` is "" on success (upstream puts the whole error text there).
  void record(std::string_view object_type, std::string_view object_name, std::string_view error,
              double seconds) const noexcept;

 private:
  const sscsi_host_api& host_;
  uint32_t id_ = 0;
};

}  // namespace sscsi::azure
