#pragma once
// The services table (sscsi_host_api) one plugin instance receives at create: logging through a
// logger named after the plugin, metrics through the host's registry, and call cancellation.
// Every entry is noexcept and catches everything, because it is called from C.

#include <sscsi/provider.h>

#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>

namespace spdlog {
class logger;
}

namespace sscsi::metrics {
class Registry;
}

namespace sscsi::plugins {

class CallTable;

class HostServices {
 public:
  // `logger` should be a clone of the application's logger renamed after the plugin, so the
  // application's sinks, format and level apply.
  HostServices(std::string plugin_name, std::shared_ptr<spdlog::logger> logger,
               metrics::Registry& metrics, std::shared_ptr<const CallTable> calls);
  HostServices(const HostServices&) = delete;
  HostServices& operator=(const HostServices&) = delete;

  // The table handed to the plugin; it points back at this object, which must outlive it.
  const sscsi_host_api* api() const noexcept { return &api_; }
  spdlog::logger& logger() const noexcept { return *logger_; }

  // Stops using the metrics registry (it may be destroyed next); later metric calls answer
  // SSCSI_UNAVAILABLE. For plugins left loaded at shutdown, which may still call in.
  void detach_metrics() noexcept;

 private:
  static void log(void* ctx, sscsi_log_level level, const char* message) noexcept;
  static bool log_enabled(void* ctx, sscsi_log_level level) noexcept;
  static sscsi_status metric_define(void* ctx, sscsi_metric_kind kind, const char* name,
                                    const char* help, const char* const* label_names,
                                    std::size_t n_labels, const double* buckets,
                                    std::size_t n_buckets, std::uint32_t* metric_id) noexcept;
  static sscsi_status metric_record(void* ctx, std::uint32_t metric_id,
                                    const char* const* label_values, std::size_t n_label_values,
                                    double value) noexcept;
  static bool call_cancelled(void* ctx, std::uint64_t call_id) noexcept;

  // Logs a refused metric call at warn, once per distinct reason, so that a plugin recording a
  // bad sample on every mount does not flood the log.
  sscsi_status refuse_metric_call(const char* function, const std::string& reason) noexcept;

  std::string plugin_name_;
  std::shared_ptr<spdlog::logger> logger_;
  std::shared_ptr<const CallTable> calls_;
  sscsi_host_api api_{};

  std::shared_mutex metrics_mutex_;  // shared for metric calls, exclusive to detach
  metrics::Registry* metrics_;

  std::mutex reported_mutex_;
  std::set<std::string> reported_reasons_;
};

}  // namespace sscsi::plugins
