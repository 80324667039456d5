#pragma once
// Summaries of latency samples: nearest-rank percentiles, and the median used to combine the
// figures of several rounds.

#include <cstddef>
#include <vector>

namespace sscsi::bench {

struct Summary {
  std::size_t count = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double max = 0;
  double mean = 0;
};

// Nearest-rank percentiles of `samples` (any unit; the summary keeps it). Empty input gives
// an all-zero summary with count 0.
Summary summarize(std::vector<double> samples);

// The nearest-rank `percent` (0 < percent <= 100) of already sorted samples.
double percentile_of_sorted(const std::vector<double>& sorted, double percent);

// The median of `values` (the mean of the middle two for an even count); 0 for none.
double median(std::vector<double> values);

}  // namespace sscsi::bench
