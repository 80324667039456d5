#pragma once
// One instance of the mock provider: what create makes and mount uses. The C entry points in
// provider_entry.cpp forward here and catch everything.

#include <sscsi/provider.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "call_counter.h"
#include "parsed_objects_cache.h"
#include "provider_config.h"

namespace sscsi::mock {

inline constexpr const char* kMountMetricName = "mock_provider_mount_total";

class MockProvider {
 public:
  // Validates the host table and the config, defines the metric. Throws std::invalid_argument
  // for a bad config (the host reports it as SSCSI_INVALID_PARAMETERS) and std::runtime_error
  // when the host refuses the metric or its table is too small (SSCSI_INTERNAL).
  static std::unique_ptr<MockProvider> create(const sscsi_host_api& host, const char* config_json);

  // Answers one mount through `sink`. Safe to call concurrently.
  void mount(const sscsi_mount_request* request, const sscsi_mount_sink& sink);

 private:
  struct Outcome {
    sscsi_status status = SSCSI_OK;
    std::size_t objects = 0;  // how many the parameters listed (0 when they did not parse)
  };

  MockProvider(const sscsi_host_api& host, ProviderConfig config, std::uint32_t metric_id);

  Outcome answer(const sscsi_mount_request& request, const sscsi_mount_sink& sink);
  void record(const Outcome& outcome);

  const sscsi_host_api& host_;
  const ProviderConfig config_;
  const std::uint32_t mount_metric_;
  CallCounter calls_per_target_;
  ParsedObjectsCache parsed_objects_;
};

}  // namespace sscsi::mock
