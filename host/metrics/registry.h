#pragma once
// A small metric registry (counters and histograms with labels) and its Prometheus text
// exposition. prometheus-cpp is not packaged for Debian 12, so this is ours. Used by the host's
// own instrumentation and, through the plugin ABI, by provider plugins.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sscsi::metrics {

enum class Kind { Counter, Histogram };

struct Definition {
  Kind kind = Kind::Counter;
  std::string name;                 // [a-zA-Z_:][a-zA-Z0-9_:]*
  std::string help;                 // one line
  std::vector<std::string> labels;  // [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__"
  std::vector<double> buckets;      // histograms: finite, strictly increasing; +Inf implicit
};

using MetricId = std::uint32_t;

// Thread-safe. Metrics are never removed; series are created on first use, up to a limit per
// metric, so that a label fed from open-ended text (an error message, say) cannot grow the
// exposition without bound. Samples of a new series beyond the limit are dropped and counted in
// kDroppedSeriesMetric{metric="<name>"}.
class Registry {
 public:
  static constexpr std::size_t kDefaultMaxSeriesPerMetric = 1000;
  static constexpr const char* kDroppedSeriesMetric = "sscsi_metric_samples_dropped_total";

  Registry();  // kDefaultMaxSeriesPerMetric
  explicit Registry(std::size_t max_series_per_metric);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Defines a metric, or returns the id of an identical existing definition.
  // Throws std::invalid_argument (with a message naming the problem) for a bad name, label or
  // bucket list, or a name already defined differently.
  MetricId define(const Definition& definition);

  // Adds to a counter (value >= 0) or observes in a histogram, by the metric's kind. Label values
  // may be any bytes: they are stored as valid UTF-8 (valid_utf8 in metrics/text_format.h), so
  // values that differ only in invalid bytes share a series. A sample for a new series beyond the
  // metric's limit is dropped and counted (see the class comment). Throws std::invalid_argument for
  // an unknown id, a wrong number of label values, a negative counter increment or a non-finite
  // value; the sample is then dropped.
  void record(MetricId id, std::span<const std::string_view> label_values, double value);

  // The whole registry in the Prometheus text exposition format 0.0.4, metrics sorted by name
  // and series by label values, so output is deterministic.
  std::string expose() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sscsi::metrics
