#include "samples.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace sscsi::bench {

double percentile_of_sorted(const std::vector<double>& sorted, double percent) {
  if (sorted.empty()) return 0;
  // Nearest rank: the smallest sample with at least `percent` % of the samples at or below it,
  // so p99 of 2000 samples is the 1980th, a value that was really measured.
  const auto rank = static_cast<std::size_t>(std::ceil(percent / 100.0 * sorted.size()));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

Summary summarize(std::vector<double> samples) {
  Summary out;
  if (samples.empty()) return out;
  std::sort(samples.begin(), samples.end());
  out.count = samples.size();
  out.p50 = percentile_of_sorted(samples, 50);
  out.p90 = percentile_of_sorted(samples, 90);
  out.p99 = percentile_of_sorted(samples, 99);
  out.max = samples.back();
  out.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / samples.size();
  return out;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

}  // namespace sscsi::bench
