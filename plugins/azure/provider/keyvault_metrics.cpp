#include "provider/keyvault_metrics.h"

#include <array>
#include <stdexcept>
#include <string>

namespace sscsi::azure {

KeyVaultMetrics::KeyVaultMetrics(const sscsi_host_api& host) : host_(host) {
  static constexpr std::array<const char*, 6> kLabels = {
      "object_type", "object_name", "error", "os_type", "provider", "service_name"};
  static constexpr std::array<double, 14> kBuckets = {0.1, 0.2, 0.3, 0.4, 0.5, 1,  1.5,
                                                      2,   2.5, 3,   5,   10,  15, 30};
  const sscsi_status status = host.metric_define(
      host.host_ctx, SSCSI_METRIC_HISTOGRAM, "keyvault_request",
      "Distribution of how long it took to get from keyvault", kLabels.data(), kLabels.size(),
      kBuckets.data(), kBuckets.size(), &id_);
  if (status != SSCSI_OK) {
    throw std::runtime_error("the host refused the keyvault_request metric (status " +
                             std::to_string(static_cast<int>(status)) + ")");
  }
}

void KeyVaultMetrics::record(std::string_view object_type, std::string_view object_name,
                             std::string_view error, double seconds) const noexcept {
  try {
    const std::string type(object_type), name(object_name), err(error);
    const std::array<const char*, 6> values = {type.c_str(), name.c_str(), err.c_str(),
                                               "linux",      "azure",      "csi-secrets-store-provider-azure"};
    host_.metric_record(host_.host_ctx, id_, values.data(), values.size(), seconds);
  } catch (...) {
    // Out of memory while building labels: a lost sample is better than a failed mount.
  }
}

}  // namespace sscsi::azure
