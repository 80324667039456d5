#include "report.h"

#include <functional>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "samples.h"

namespace sscsi::bench {
namespace {

double mib(std::uint64_t kib) { return static_cast<double>(kib) / 1024.0; }

struct Figure {
  std::string name;
  std::string unit;
  std::function<double(const RoundResult&)> value;
  std::optional<double> target;    // the project's target: the figure should be at most this
  std::optional<double> upstream;  // the upstream Go driver's figure, where known
  int decimals = 2;
};

std::optional<double> none() { return std::nullopt; }

// Upstream figures (same machine class): publish p50 5.3 ms; the driver process ~40 MiB, not
// counting its provider process (8-12 MiB more), which sscsi runs in-process.
std::vector<Figure> figures() {
  using R = const RoundResult&;
  // clang-format off
  return {
      {"load average (1 min) at start", "", [](R r) { return r.load_at_start.one; }, none(), none(), 2},
      {"GetPluginInfo p50 (call floor)", "ms", [](R r) { return r.floor_ms.p50; }, none(), none(), 3},
      {"publish p50", "ms", [](R r) { return r.publish_ms.p50; }, 0.5, 5.3, 3},
      {"publish p90", "ms", [](R r) { return r.publish_ms.p90; }, none(), none(), 3},
      {"publish p99", "ms", [](R r) { return r.publish_ms.p99; }, 2.0, none(), 3},
      {"publish max", "ms", [](R r) { return r.publish_ms.max; }, none(), none(), 3},
      {"publish mean", "ms", [](R r) { return r.publish_ms.mean; }, none(), none(), 3},
      {"unpublish p50", "ms", [](R r) { return r.unpublish_ms.p50; }, none(), none(), 3},
      {"unpublish p99", "ms", [](R r) { return r.unpublish_ms.p99; }, none(), none(), 3},
      {"host CPU per publish+unpublish", "ms", [](R r) { return r.cycle_cpu_ms; }, none(), none(), 3},
      {"storm: publish wall time", "s", [](R r) { return r.storm.publish_wall_ms / 1000; }, 2.0, none(), 3},
      {"storm: publish call p50", "ms", [](R r) { return r.storm.publish_calls.p50; }, none(), none(), 1},
      {"storm: publish call p99", "ms", [](R r) { return r.storm.publish_calls.p99; }, none(), none(), 1},
      {"storm: failed publishes", "", [](R r) { return double(r.storm.publish_failures); }, none(), none(), 0},
      {"storm: unpublish wall time", "s", [](R r) { return r.storm.unpublish_wall_ms / 1000; }, none(), none(), 3},
      {"storm: host CPU per volume", "ms", [](R r) { return r.storm.cpu_ms_per_volume; }, none(), none(), 3},
      {"RSS idle after start", "MiB", [](R r) { return mib(r.idle.rss_kib); }, 18.0, 40.0, 1},
      {"  of which anonymous (heap, stacks)", "MiB", [](R r) { return mib(r.idle.rss_anon_kib); }, none(), none(), 1},
      {"  of which file-backed (code)", "MiB", [](R r) { return mib(r.idle.rss_file_kib); }, none(), none(), 1},
      {"threads idle", "", [](R r) { return double(r.idle.threads); }, none(), none(), 0},
      {"sequential publish of the mounts", "s", [](R r) { return r.mounts_wall_ms / 1000; }, none(), none(), 3},
      {"RSS with the mounts published", "MiB", [](R r) { return mib(r.mounted.rss_kib); }, 30.0, none(), 1},
      {"  of which anonymous", "MiB", [](R r) { return mib(r.mounted.rss_anon_kib); }, none(), none(), 1},
      {"HWM with the mounts published", "MiB", [](R r) { return mib(r.mounted.hwm_kib); }, none(), none(), 1},
      {"RSS after unpublishing them", "MiB", [](R r) { return mib(r.after_unpublish.rss_kib); }, none(), none(), 1},
      {"RSS at the end of the storm", "MiB", [](R r) { return mib(r.storm_end.rss_kib); }, none(), none(), 1},
      {"threads at the end of the storm", "", [](R r) { return double(r.storm_end.threads); }, none(), none(), 0},
      {"HWM (peak over the round)", "MiB", [](R r) { return mib(r.after_storm.hwm_kib); }, none(), none(), 1},
      {"RSS some time after the storm", "MiB", [](R r) { return mib(r.after_storm.rss_kib); }, none(), none(), 1},
      {"  of which anonymous", "MiB", [](R r) { return mib(r.after_storm.rss_anon_kib); }, none(), none(), 1},
      {"threads some time after the storm", "", [](R r) { return double(r.after_storm.threads); }, none(), none(), 0},
  };
  // clang-format on
}

std::string number(double value, int decimals) { return fmt::format("{:.{}f}", value, decimals); }

}  // namespace

void print_machine_facts(std::ostream& out, const MachineFacts& facts) {
  fmt::print(out,
             "date      {}\n"
             "cpu       {} x {}\n"
             "memory    {} MiB\n"
             "kernel    {}\n"
             "load avg  {:.2f} {:.2f} {:.2f} (1, 5, 15 min) at start\n",
             facts.date_utc, facts.cpus, facts.cpu_model, facts.memory_mib, facts.kernel,
             facts.load.one, facts.load.five, facts.load.fifteen);
}

void print_settings(std::ostream& out, const RoundSettings& s, int rounds) {
  fmt::print(
      out,
      "settings  {} round(s), each a fresh sscsi-host; SecretProviderClass of {} objects x "
      "{} B inline;\n"
      "          {} GetPluginInfo calls; {} warm-up + {} measured publish/unpublish cycles on "
      "fresh targets;\n"
      "          storm of {} concurrent publishes, memory again {} s after it; {} volumes "
      "mounted for the memory figure\n",
      rounds, s.shape.objects, s.shape.object_bytes, s.floor_calls, s.warmup, s.cycles, s.storm,
      s.storm_linger.count(), s.mounts);
}

void print_results(std::ostream& out, const std::vector<RoundResult>& rounds) {
  std::string header = fmt::format("{:<34} {:>4}", "figure", "unit");
  for (std::size_t i = 0; i < rounds.size(); ++i)
    header += fmt::format(" {:>9}", fmt::format("round {}", i + 1));
  header += fmt::format(" {:>9} {:>7} {:>10} {:>8} {:>13}", "median", "target", "med/target",
                        "upstream", "upstream/med");
  fmt::print(out, "{}\n{}\n", header, std::string(header.size(), '-'));
  for (const Figure& figure : figures()) {
    std::vector<double> values;
    std::string line = fmt::format("{:<34} {:>4}", figure.name, figure.unit);
    for (const RoundResult& round : rounds) {
      values.push_back(figure.value(round));
      line += fmt::format(" {:>9}", number(values.back(), figure.decimals));
    }
    const double mid = median(values);
    line += fmt::format(" {:>9}", number(mid, figure.decimals));
    line += fmt::format(" {:>7}", figure.target ? number(*figure.target, 1) : "");
    line += fmt::format(" {:>10}", figure.target ? number(mid / *figure.target, 2) : "");
    line += fmt::format(" {:>8}", figure.upstream ? number(*figure.upstream, 1) : "");
    line += fmt::format(" {:>13}",
                        figure.upstream && mid > 0 ? number(*figure.upstream / mid, 1) + "x" : "");
    fmt::print(out, "{}\n", line);
  }
  for (std::size_t i = 0; i < rounds.size(); ++i) {
    const RoundResult& round = rounds[i];
    fmt::print(out, "round {}: sscsi-host {}; {} failed call(s) or check(s)\n", i + 1,
               round.host_end, round.failed_calls);
    for (const std::string& problem : round.problems) fmt::print(out, "  {}\n", problem);
  }
  fmt::print(out,
             "med/target <= 1.00 meets the target. upstream: the Go driver's publish p50 and its "
             "process RSS\n(without its provider process, 8-12 MiB more; sscsi runs providers "
             "in-process).\n");
}

}  // namespace sscsi::bench
