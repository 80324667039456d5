#include "plugins/host_services.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string_view>
#include <vector>

#include "metrics/registry.h"
#include "plugins/abi_enum.h"
#include "plugins/call_table.h"
#include "plugins/plugin_text.h"

namespace sscsi::plugins {
namespace {

// Bounds on what a plugin may pass, so that a bad count cannot make the host read far.
constexpr std::size_t kMaxLabels = 32;
constexpr std::size_t kMaxBuckets = 256;
constexpr std::size_t kMaxReportedReasons = 64;

// `level` as the plugin passed it (see abi_enum.h).
spdlog::level::level_enum to_spdlog(int level) noexcept {
  switch (level) {
    case SSCSI_LOG_WARN:
      return spdlog::level::warn;
    case SSCSI_LOG_INFO:
      return spdlog::level::info;
    case SSCSI_LOG_DEBUG:
      return spdlog::level::debug;
    case SSCSI_LOG_TRACE:
      return spdlog::level::trace;
    default:
      break;
  }
  return spdlog::level::err;  // SSCSI_LOG_ERROR, and the contract: unknown levels count as errors
}

HostServices& self(void* ctx) { return *static_cast<HostServices*>(ctx); }

}  // namespace

HostServices::HostServices(std::string plugin_name, std::shared_ptr<spdlog::logger> logger,
                           metrics::Registry& metrics, std::shared_ptr<const CallTable> calls)
    : plugin_name_(std::move(plugin_name)),
      logger_(std::move(logger)),
      calls_(std::move(calls)),
      metrics_(&metrics) {
  api_.struct_size = sizeof(sscsi_host_api);
  api_.abi_major = SSCSI_ABI_MAJOR;
  api_.abi_minor = SSCSI_ABI_MINOR;
  api_.host_ctx = this;
  api_.log = &HostServices::log;
  api_.log_enabled = &HostServices::log_enabled;
  api_.metric_define = &HostServices::metric_define;
  api_.metric_record = &HostServices::metric_record;
  api_.call_cancelled = &HostServices::call_cancelled;
}

void HostServices::detach_metrics() noexcept {
  std::unique_lock lock(metrics_mutex_);
  metrics_ = nullptr;
}

void HostServices::log(void* ctx, sscsi_log_level level, const char* message) noexcept {
  if (ctx == nullptr || message == nullptr) return;
  try {
    spdlog::logger& logger = self(ctx).logger();
    const auto spd_level = to_spdlog(abi_enum_value(level));
    if (!logger.should_log(spd_level)) return;
    logger.log(spd_level, "{}", clean_plugin_text(message));
  } catch (...) {
    // Logging must never fail the plugin, and nothing may unwind into C.
  }
}

bool HostServices::log_enabled(void* ctx, sscsi_log_level level) noexcept {
  if (ctx == nullptr) return false;
  return self(ctx).logger().should_log(to_spdlog(abi_enum_value(level)));
}

sscsi_status HostServices::refuse_metric_call(const char* function,
                                              const std::string& reason) noexcept {
  try {
    std::lock_guard lock(reported_mutex_);
    if (reported_reasons_.size() < kMaxReportedReasons && reported_reasons_.insert(reason).second) {
      logger_->warn("{} refused: {}", function, clean_plugin_text(reason));
    }
  } catch (...) {
    // The status code still tells the plugin; the log line is a courtesy.
  }
  return SSCSI_INVALID_PARAMETERS;
}

sscsi_status HostServices::metric_define(void* ctx, sscsi_metric_kind kind, const char* name,
                                         const char* help, const char* const* label_names,
                                         std::size_t n_labels, const double* buckets,
                                         std::size_t n_buckets, std::uint32_t* metric_id) noexcept {
  if (ctx == nullptr) return SSCSI_INVALID_PARAMETERS;
  HostServices& host = self(ctx);
  const int kind_value = abi_enum_value(kind);
  try {
    if (name == nullptr) return host.refuse_metric_call("metric_define", "metric name is NULL");
    const std::string metric = name;
    const auto refuse = [&](std::string_view problem) {
      return host.refuse_metric_call("metric_define",
                                     fmt::format("metric {}: {}", printable(metric), problem));
    };
    if (metric_id == nullptr) return refuse("metric_id is NULL");
    if (help == nullptr) return refuse("help is NULL");
    if (kind_value != SSCSI_METRIC_COUNTER && kind_value != SSCSI_METRIC_HISTOGRAM) {
      return refuse(fmt::format("unknown metric kind {}", kind_value));
    }
    if (n_labels > kMaxLabels) {
      return refuse(fmt::format("{} labels, more than the limit of {}", n_labels, kMaxLabels));
    }
    if (n_labels > 0 && label_names == nullptr) return refuse("label_names is NULL");
    metrics::Definition definition;
    definition.kind =
        kind_value == SSCSI_METRIC_COUNTER ? metrics::Kind::Counter : metrics::Kind::Histogram;
    definition.name = metric;
    definition.help = help;
    for (std::size_t i = 0; i < n_labels; ++i) {
      if (label_names[i] == nullptr) return refuse(fmt::format("label name {} is NULL", i));
      definition.labels.emplace_back(label_names[i]);
    }
    if (kind_value == SSCSI_METRIC_HISTOGRAM) {
      if (n_buckets > kMaxBuckets) {
        return refuse(fmt::format("{} buckets, more than the limit of {}", n_buckets, kMaxBuckets));
      }
      if (n_buckets > 0 && buckets == nullptr) return refuse("buckets is NULL");
      definition.buckets.assign(buckets, buckets + n_buckets);
    }
    std::shared_lock lock(host.metrics_mutex_);
    if (host.metrics_ == nullptr) return SSCSI_UNAVAILABLE;
    try {
      *metric_id = host.metrics_->define(definition);
    } catch (const std::invalid_argument& e) {
      return host.refuse_metric_call("metric_define", e.what());
    }
    return SSCSI_OK;
  } catch (...) {
    return SSCSI_INTERNAL;
  }
}

sscsi_status HostServices::metric_record(void* ctx, std::uint32_t metric_id,
                                         const char* const* label_values,
                                         std::size_t n_label_values, double value) noexcept {
  if (ctx == nullptr) return SSCSI_INVALID_PARAMETERS;
  HostServices& host = self(ctx);
  try {
    const auto refuse = [&](std::string_view problem) {
      return host.refuse_metric_call("metric_record",
                                     fmt::format("metric id {}: {}", metric_id, problem));
    };
    if (n_label_values > kMaxLabels) {
      return refuse(
          fmt::format("{} label values, more than the limit of {}", n_label_values, kMaxLabels));
    }
    if (n_label_values > 0 && label_values == nullptr) return refuse("label_values is NULL");
    std::vector<std::string_view> values;
    values.reserve(n_label_values);
    for (std::size_t i = 0; i < n_label_values; ++i) {
      if (label_values[i] == nullptr) return refuse(fmt::format("label value {} is NULL", i));
      values.emplace_back(label_values[i]);
    }
    std::shared_lock lock(host.metrics_mutex_);
    if (host.metrics_ == nullptr) return SSCSI_UNAVAILABLE;
    try {
      host.metrics_->record(metric_id, values, value);
    } catch (const std::invalid_argument& e) {
      return host.refuse_metric_call("metric_record", e.what());
    }
    return SSCSI_OK;
  } catch (...) {
    return SSCSI_INTERNAL;
  }
}

bool HostServices::call_cancelled(void* ctx, std::uint64_t call_id) noexcept {
  if (ctx == nullptr) return true;
  return self(ctx).calls_->cancelled(call_id);
}

}  // namespace sscsi::plugins
