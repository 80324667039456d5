// sscsi-bench-csi: publish latency, mount storm and memory of a real sscsi-host, measured over
// its CSI socket with the mock provider. Prints the machine, the settings and a table of every
// round's figures with their median. Never judges: a figure over its target is reported, not
// failed. Exit status: 0 done; 1 could not run; 2 usage; 3 calls failed (figures unreliable).
// Needs root (tmpfs mounts). tests/bench/run builds and runs it; docs/BENCHMARKS.md explains.

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <boost/program_options.hpp>

#include "bench_round.h"
#include "child_process.h"
#include "interrupt.h"
#include "machine_facts.h"
#include "report.h"
#include "work_dir.h"

namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using sscsi::bench::RoundSettings;

struct Options {
  RoundSettings round;
  int rounds = 1;
  fs::path work_dir;
};

int positive(const po::variables_map& values, const char* key, int minimum) {
  const int value = values[key].as<int>();
  if (value < minimum) {
    throw po::error(fmt::format("--{} must be at least {}, not {}", key, minimum, value));
  }
  return value;
}

// nullopt: --help was printed.
std::optional<Options> parse(int argc, char** argv) {
  Options o;
  po::options_description d("Usage: sscsi-bench-csi [OPTIONS]  (run as root)\n\nOptions");
  // clang-format off
  d.add_options()
    ("help,h", "print this help")
    ("host", po::value<std::string>()->default_value(SSCSI_BENCH_HOST_BINARY), "sscsi-host binary")
    ("plugin", po::value<std::string>()->default_value(SSCSI_BENCH_MOCK_PLUGIN),
     "the mock provider plugin (copied into each round's plugin directory)")
    ("work-dir", po::value<std::string>(),
     "directory for the rounds' node directories (default: a new one under /tmp, removed after)")
    ("rounds", po::value<int>()->default_value(1), "rounds, each against a fresh host")
    ("cycles", po::value<int>()->default_value(o.round.cycles), "measured publish+unpublish cycles")
    ("warmup", po::value<int>()->default_value(o.round.warmup), "warm-up cycles")
    ("floor-calls", po::value<int>()->default_value(o.round.floor_calls),
     "measured GetPluginInfo calls (the floor any call pays)")
    ("storm", po::value<int>()->default_value(o.round.storm), "concurrent publishes in the storm")
    ("mounts", po::value<int>()->default_value(o.round.mounts), "volumes mounted for the memory figure")
    ("storm-linger", po::value<int>()->default_value(static_cast<int>(o.round.storm_linger.count())),
     "seconds to wait after the storm before the last memory figure")
    ("objects", po::value<int>()->default_value(o.round.shape.objects), "objects in the class")
    ("object-bytes", po::value<int>()->default_value(o.round.shape.object_bytes), "bytes per object")
    ("perf-record", po::value<std::string>(),
     "record the host with `perf record -g` during the first round's measured cycles into FILE")
    ("host-arg", po::value<std::vector<std::string>>(),
     "extra argument for sscsi-host (repeatable), e.g. --host-arg=--metrics-addr=127.0.0.1:18095");
  // clang-format on
  po::variables_map values;
  po::store(po::parse_command_line(argc, argv, d), values);
  if (values.count("help") != 0) {
    std::cout << d;
    return std::nullopt;
  }
  o.round.host_binary = values["host"].as<std::string>();
  o.round.plugin_file = values["plugin"].as<std::string>();
  if (values.count("work-dir") != 0) o.work_dir = values["work-dir"].as<std::string>();
  o.rounds = positive(values, "rounds", 1);
  o.round.cycles = positive(values, "cycles", 1);
  o.round.warmup = positive(values, "warmup", 0);
  o.round.floor_calls = positive(values, "floor-calls", 1);
  o.round.storm = positive(values, "storm", 1);
  o.round.mounts = positive(values, "mounts", 1);
  o.round.storm_linger = std::chrono::seconds(positive(values, "storm-linger", 0));
  o.round.shape.objects = positive(values, "objects", 1);
  o.round.shape.object_bytes = positive(values, "object-bytes", 1);
  if (values.count("perf-record") != 0) {
    o.round.perf_output = fs::absolute(values["perf-record"].as<std::string>());
  }
  if (values.count("host-arg") != 0) {
    o.round.extra_host_args = values["host-arg"].as<std::vector<std::string>>();
  }
  for (const fs::path& file : {o.round.host_binary, o.round.plugin_file}) {
    if (!fs::is_regular_file(file)) {
      throw po::error(
          fmt::format("{} does not exist; build it first (tests/bench/run does)", file.string()));
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> options;
  try {
    options = parse(argc, argv);
    if (!options) return 0;
  } catch (const std::exception& e) {
    fmt::print(std::cerr, "sscsi-bench-csi: {} (see --help)\n", e.what());
    return 2;
  }
  if (::geteuid() != 0) {
    fmt::print(std::cerr, "sscsi-bench-csi: run as root: the host mounts tmpfs volumes\n");
    return 1;
  }
  sscsi::bench::install_interrupt_handlers();
  try {
    sscsi::bench::print_machine_facts(std::cout, sscsi::bench::read_machine_facts());
    sscsi::bench::print_settings(std::cout, options->round, options->rounds);
    const sscsi::bench::WorkDir work(options->work_dir, "sscsi-bench");
    // Which host was measured: its version line names the commit it was built from.
    std::string version = sscsi::bench::run_for_output(
        {options->round.host_binary.string(), "--version"},
        work.path() / fmt::format("host-version-{}.txt", ::getpid()), std::chrono::seconds(10));
    while (!version.empty() && version.back() == '\n') version.pop_back();
    fmt::print(std::cout, "host      {} {}\n\n", options->round.host_binary.string(), version);
    std::vector<sscsi::bench::RoundResult> results;
    bool failed = false;
    for (int i = 1; i <= options->rounds; ++i) {
      RoundSettings settings = options->round;
      settings.root = work.path() / fmt::format("round-{}-{}", i, ::getpid());
      if (i > 1) settings.perf_output.clear();
      results.push_back(sscsi::bench::run_round(settings));
      const auto& r = results.back();
      failed = failed || r.failed_calls > 0;
      fmt::print(std::cout,
                 "round {} done: load {:.2f}, publish p50 {:.3f} ms p99 {:.3f} ms, storm {:.3f} s, "
                 "RSS idle {:.1f} MiB / {} mounts {:.1f} MiB\n",
                 i, r.load_at_start.one, r.publish_ms.p50, r.publish_ms.p99,
                 r.storm.publish_wall_ms / 1000, r.idle.rss_kib / 1024.0, settings.mounts,
                 r.mounted.rss_kib / 1024.0);
      std::cout.flush();
    }
    std::cout << '\n';
    sscsi::bench::print_results(std::cout, results);
    if (failed) {
      fmt::print(std::cerr,
                 "sscsi-bench-csi: some calls or checks failed (listed above); the figures are not "
                 "comparable\n");
      return 3;
    }
    return 0;
  } catch (const std::exception& e) {
    fmt::print(std::cerr, "sscsi-bench-csi: {}\n", e.what());
    return 1;
  }
}
