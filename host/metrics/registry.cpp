#include "metrics/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>

#include "metrics/text_format.h"

namespace sscsi::metrics {
namespace {

bool is_name_char(char c, bool first, bool allow_colon) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  if (allow_colon && c == ':') return true;
  return alpha || (!first && c >= '0' && c <= '9');
}

bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!is_name_char(name[i], i == 0, allow_colon)) return false;
  }
  return true;
}

void check_definition(const Definition& d) {
  if (!valid_name(d.name, true)) {
    throw std::invalid_argument(
        fmt::format("metric name '{}' is not a valid Prometheus name", d.name));
  }
  if (d.help.find('\n') != std::string::npos) {
    throw std::invalid_argument(fmt::format("metric {}: help text has a newline", d.name));
  }
  for (std::size_t i = 0; i < d.labels.size(); ++i) {
    const std::string& label = d.labels[i];
    if (!valid_name(label, false) || label.starts_with("__")) {
      throw std::invalid_argument(
          fmt::format("metric {}: label name '{}' is not valid", d.name, label));
    }
    if (d.kind == Kind::Histogram && label == "le") {
      throw std::invalid_argument(
          fmt::format("metric {}: label 'le' is reserved for histogram buckets", d.name));
    }
    if (std::find(d.labels.begin(), d.labels.begin() + i, label) != d.labels.begin() + i) {
      throw std::invalid_argument(fmt::format("metric {}: label '{}' repeated", d.name, label));
    }
  }
  if (d.kind == Kind::Histogram) {
    if (d.buckets.empty()) {
      throw std::invalid_argument(fmt::format("histogram {} has no buckets", d.name));
    }
    for (std::size_t i = 0; i < d.buckets.size(); ++i) {
      if (!std::isfinite(d.buckets[i]) || (i > 0 && d.buckets[i] <= d.buckets[i - 1])) {
        throw std::invalid_argument(
            fmt::format("histogram {}: buckets must be finite and strictly increasing", d.name));
      }
    }
  }
}

bool same_definition(const Definition& a, const Definition& b) {
  const auto& buckets_a = a.kind == Kind::Histogram ? a.buckets : std::vector<double>{};
  const auto& buckets_b = b.kind == Kind::Histogram ? b.buckets : std::vector<double>{};
  return a.kind == b.kind && a.help == b.help && a.labels == b.labels && buckets_a == buckets_b;
}

struct Series {
  double sum = 0;                            // counter value, or histogram sum
  std::uint64_t count = 0;                   // histogram observations
  std::vector<std::uint64_t> bucket_counts;  // per bucket, not cumulative
};

struct Metric {
  Definition definition;
  std::map<std::vector<std::string>, Series> series;
};

Definition dropped_series_definition() {
  return Definition{Kind::Counter,
                    Registry::kDroppedSeriesMetric,
                    "Samples dropped because their metric already had the most series (label "
                    "value combinations) the host keeps per metric.",
                    {"metric"},
                    {}};
}

}  // namespace

struct Registry::Impl {
  explicit Impl(std::size_t max_series) : max_series_per_metric(max_series) {}

  // A checked definition; the lock is held.
  MetricId define_locked(const Definition& definition) {
    if (auto it = by_name.find(definition.name); it != by_name.end()) {
      if (!same_definition(metrics[it->second].definition, definition)) {
        throw std::invalid_argument(fmt::format(
            "metric {} is already defined with a different kind, help, labels or buckets",
            definition.name));
      }
      return it->second;
    }
    const auto id = static_cast<MetricId>(metrics.size());
    metrics.push_back(Metric{definition, {}});
    by_name.emplace(definition.name, id);
    return id;
  }

  // Counts a sample `metric` dropped at its series limit; the lock is held. Never throws for
  // the count itself: a plugin may have taken the name, and then drops go uncounted.
  // `metric` is a copy: defining the counter may move every Metric.
  void count_dropped(std::string metric) {
    try {
      Metric& dropped = metrics[define_locked(dropped_series_definition())];
      auto series = dropped.series.find(std::vector<std::string>{metric});
      if (series == dropped.series.end()) {
        if (dropped.series.size() >= max_series_per_metric) return;
        series = dropped.series.emplace(std::vector<std::string>{metric}, Series{}).first;
      }
      series->second.sum += 1;
    } catch (const std::invalid_argument&) {
    }
  }

  const std::size_t max_series_per_metric;
  mutable std::mutex mutex;
  std::vector<Metric> metrics;  // index = MetricId
  std::map<std::string, MetricId, std::less<>> by_name;
};

Registry::Registry() : Registry(kDefaultMaxSeriesPerMetric) {}
Registry::Registry(std::size_t max_series_per_metric)
    : impl_(std::make_unique<Impl>(max_series_per_metric)) {}
Registry::~Registry() = default;

MetricId Registry::define(const Definition& definition) {
  check_definition(definition);
  std::lock_guard lock(impl_->mutex);
  return impl_->define_locked(definition);
}

void Registry::record(MetricId id, std::span<const std::string_view> label_values, double value) {
  if (!std::isfinite(value)) throw std::invalid_argument("metric value is not finite");
  std::lock_guard lock(impl_->mutex);
  if (id >= impl_->metrics.size()) {
    throw std::invalid_argument(fmt::format("unknown metric id {}", id));
  }
  Metric& metric = impl_->metrics[id];
  const Definition& d = metric.definition;
  if (label_values.size() != d.labels.size()) {
    throw std::invalid_argument(fmt::format("metric {} takes {} label values, not {}", d.name,
                                            d.labels.size(), label_values.size()));
  }
  if (d.kind == Kind::Counter && value < 0) {
    throw std::invalid_argument(fmt::format("counter {} cannot decrease", d.name));
  }
  std::vector<std::string> key;
  key.reserve(label_values.size());
  for (const std::string_view label_value : label_values) key.push_back(valid_utf8(label_value));
  auto found = metric.series.find(key);
  if (found == metric.series.end()) {
    if (metric.series.size() >= impl_->max_series_per_metric) {
      impl_->count_dropped(d.name);  // may add a metric: `metric` and `d` are not used after
      return;
    }
    found = metric.series.emplace(std::move(key), Series{}).first;
  }
  Series& series = found->second;
  series.sum += value;
  if (d.kind == Kind::Histogram) {
    if (series.bucket_counts.empty()) series.bucket_counts.resize(d.buckets.size());
    series.count++;
    const auto bucket = std::lower_bound(d.buckets.begin(), d.buckets.end(), value);
    if (bucket != d.buckets.end()) series.bucket_counts[bucket - d.buckets.begin()]++;
  }
}

std::string Registry::expose() const {
  std::lock_guard lock(impl_->mutex);
  std::string out;
  for (const auto& [name, id] : impl_->by_name) {
    const Metric& metric = impl_->metrics[id];
    const Definition& d = metric.definition;
    // Help texts come from plugins too; the exposition as a whole must be UTF-8.
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(valid_utf8(d.help)), name,
                       d.kind == Kind::Counter ? "counter" : "histogram");
    for (const auto& [values, series] : metric.series) {
      const std::string labels = format_labels(d.labels, values);
      if (d.kind == Kind::Counter) {
        out += fmt::format("{}{} {}\n", name, labels, format_value(series.sum));
        continue;
      }
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < d.buckets.size(); ++i) {
        cumulative += series.bucket_counts[i];
        out += fmt::format("{}_bucket{} {}\n", name,
                           format_labels(d.labels, values, format_value(d.buckets[i])), cumulative);
      }
      out += fmt::format("{}_bucket{} {}\n", name, format_labels(d.labels, values, "+Inf"),
                         series.count);
      out += fmt::format("{}_sum{} {}\n", name, labels, format_value(series.sum));
      out += fmt::format("{}_count{} {}\n", name, labels, series.count);
    }
  }
  return out;
}

}  // namespace sscsi::metrics
