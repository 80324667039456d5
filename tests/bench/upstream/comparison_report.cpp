#include "comparison_report.h"

#include <functional>
#include <string>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "samples.h"

namespace sscsi::bench {
namespace {

struct Figure {
  std::string name;
  std::string unit;
  std::function<double(const DriverFigures&)> value;
  int decimals = 2;
};

std::vector<Figure> figures() {
  using F = const DriverFigures&;
  // clang-format off
  return {
      {"load average (1 min) at start", "", [](F f) { return f.load_at_start.one; }, 2},
      {"publish p50 (first mount)", "ms", [](F f) { return f.publish_ms.p50; }, 3},
      {"publish p99 (first mount)", "ms", [](F f) { return f.publish_ms.p99; }, 3},
      {"unpublish p50", "ms", [](F f) { return f.unpublish_ms.p50; }, 3},
      {"CPU per publish+unpublish", "ms", [](F f) { return f.cycle_cpu_ms; }, 3},
      {"storm: concurrent publishes, wall", "s", [](F f) { return f.storm_wall_s; }, 3},
      {"storm: call p99", "ms", [](F f) { return f.storm_call_ms.p99; }, 1},
      {"storm: failed publishes", "", [](F f) { return double(f.storm_failures); }, 0},
      {"RSS idle", "MiB", [](F f) { return f.rss_idle_mib; }, 1},
      {"RSS with the mounts published", "MiB", [](F f) { return f.rss_mounted_mib; }, 1},
      {"sequential publish of the mounts", "s", [](F f) { return f.mounts_wall_s; }, 2},
      {"CPU per rotation (republish)", "ms", [](F f) { return f.rotation_cpu_ms; }, 3},
  };
  // clang-format on
}

std::string number(double value, int decimals) { return fmt::format("{:.{}f}", value, decimals); }

}  // namespace

void print_comparison(std::ostream& out, const std::vector<RoundPair>& rounds) {
  std::string header = fmt::format("{:<33} {:>4}", "figure", "unit");
  for (std::size_t i = 0; i < rounds.size(); ++i)
    header += fmt::format(" {:>8}", fmt::format("ours {}", i + 1));
  for (std::size_t i = 0; i < rounds.size(); ++i)
    header += fmt::format(" {:>8}", fmt::format("upst {}", i + 1));
  header += fmt::format(" {:>9} {:>9} {:>10}", "ours med", "upst med", "ours/upst");
  fmt::print(out, "{}\n{}\n", header, std::string(header.size(), '-'));
  for (const Figure& figure : figures()) {
    std::vector<double> ours, theirs;
    std::string line = fmt::format("{:<33} {:>4}", figure.name, figure.unit);
    for (const RoundPair& round : rounds) {
      ours.push_back(figure.value(round.sscsi));
      line += fmt::format(" {:>8}", number(ours.back(), figure.decimals));
    }
    for (const RoundPair& round : rounds) {
      theirs.push_back(figure.value(round.upstream));
      line += fmt::format(" {:>8}", number(theirs.back(), figure.decimals));
    }
    const double our_median = median(ours);
    const double their_median = median(theirs);
    line += fmt::format(" {:>9} {:>9}", number(our_median, figure.decimals),
                        number(their_median, figure.decimals));
    line += fmt::format(" {:>10}", their_median > 0 ? number(our_median / their_median, 2) : "");
    fmt::print(out, "{}\n", line);
  }
  for (std::size_t i = 0; i < rounds.size(); ++i) {
    for (const auto& [label, figures] :
         {std::pair{"sscsi", &rounds[i].sscsi}, std::pair{"upstream", &rounds[i].upstream}}) {
      fmt::print(out, "round {} {}: {} failed call(s) or check(s)\n", i + 1, label,
                 figures->failed_calls);
      for (const std::string& problem : figures->problems) fmt::print(out, "  {}\n", problem);
    }
  }
  fmt::print(out,
             "ours/upst below 1.00: sscsi-host is faster or smaller. Memory and CPU count every "
             "process of a driver:\nsscsi-host alone (the mock provider is a plugin in it); the "
             "upstream driver plus its provider process.\n");
}

}  // namespace sscsi::bench
