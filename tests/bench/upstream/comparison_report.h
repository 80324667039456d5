#pragma once
// The side-by-side table: each figure of each round for both drivers, the medians over the
// rounds, and the ratio sscsi / upstream (below 1: sscsi is faster or smaller).

#include <ostream>
#include <vector>

#include "driver_round.h"

namespace sscsi::bench {

struct RoundPair {
  DriverFigures sscsi;
  DriverFigures upstream;
};

void print_comparison(std::ostream& out, const std::vector<RoundPair>& rounds);

}  // namespace sscsi::bench
