// The C face of the Azure provider: the table sscsi_provider_entry hands the host, and entry
// points that forward to AzureProvider. Each is noexcept and catches everything, because no C++
// exception may cross the ABI.

#include <sscsi/provider.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string_view>

#include "provider/azure_provider.h"
#include "provider/provider_config.h"

namespace sscsi::azure {
namespace {

void write_error(char* error, std::size_t error_len, std::string_view message) noexcept {
  if (error == nullptr || error_len == 0) return;
  const std::size_t n = std::min(error_len - 1, message.size());
  std::memcpy(error, message.data(), n);
  error[n] = '\0';
}

sscsi_status create(const sscsi_host_api* host, const char* config_json, void** instance,
                    char* error, std::size_t error_len) noexcept {
  if (host == nullptr || instance == nullptr) {
    write_error(error, error_len, "azure provider: create was called without a host table");
    return SSCSI_INTERNAL;
  }
  try {
    *instance = AzureProvider::create(*host, config_json).release();
    return SSCSI_OK;
  } catch (const std::invalid_argument& e) {
    write_error(error, error_len, e.what());
    return SSCSI_INVALID_PARAMETERS;
  } catch (const std::exception& e) {
    write_error(error, error_len, e.what());
    return SSCSI_INTERNAL;
  } catch (...) {
    write_error(error, error_len, "azure provider: create failed unexpectedly");
    return SSCSI_INTERNAL;
  }
}

void mount(void* instance, const sscsi_mount_request* request,
           const sscsi_mount_sink* sink) noexcept {
  if (instance == nullptr || sink == nullptr) return;
  try {
    static_cast<AzureProvider*>(instance)->mount(request, *sink);
  } catch (...) {
    // Only reachable when memory runs out while reporting an outcome.
    sink->set_error(sink->sink_ctx, SSCSI_INTERNAL,
                    "azure provider failed unexpectedly while answering the mount", 0);
  }
}

void destroy(void* instance) noexcept { delete static_cast<AzureProvider*>(instance); }

const char* config_schema() noexcept { return provider_config_schema(); }

constexpr sscsi_provider kProvider = {
    .struct_size = sizeof(sscsi_provider),
    .abi_major = SSCSI_ABI_MAJOR,
    .abi_minor = SSCSI_ABI_MINOR,
    .name = "azure",
    .version = SSCSI_AZURE_VERSION,
    .create = create,
    .mount = mount,
    .destroy = destroy,
    .config_schema = config_schema,
    .health = nullptr,
};

}  // namespace
}  // namespace sscsi::azure

const sscsi_provider* sscsi_provider_entry(uint32_t host_abi_major, uint32_t host_abi_minor) {
  // Built against 1.0, which every 1.x host serves, whatever its minor.
  (void)host_abi_minor;
  return host_abi_major == SSCSI_ABI_MAJOR ? &sscsi::azure::kProvider : nullptr;
}
