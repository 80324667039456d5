#pragma once
// The results table: every figure of every round, the median over rounds, and the median's
// ratio to the project's target and to the upstream Go driver's figure where one is known.
// Figures are reported, never judged: missing a target is not an error.

#include <ostream>
#include <vector>

#include "bench_round.h"
#include "machine_facts.h"

namespace sscsi::bench {

void print_machine_facts(std::ostream& out, const MachineFacts& facts);
void print_settings(std::ostream& out, const RoundSettings& settings, int rounds);
void print_results(std::ostream& out, const std::vector<RoundResult>& rounds);

}  // namespace sscsi::bench
