// sscsi-bench-azure: the sscsi Azure plugin (through sscsi-host over CSI) and the upstream Azure
// provider v1.8.2 (its v1alpha1 Mount RPC) side by side against one Azure emulator on
// 127.0.0.1:443, in rounds, with medians and ratios:
//   1. latency: a mount of N objects (default 20) with a fixed delay on every emulator request
//      (default 20 ms): wall time and wall time in round trips, first mount (cold) and a second
//      pod's mount of the same class (warm);
//   2. requests: P pods (default 100) x M objects (default 10) of one class and service account,
//      first mounts at once and one refresh round, counted by the emulator per request kind.
// Must run inside tests/bench/azure/netns-run (the vault and login host names on loopback);
// tests/bench/azure/run does that. Figures are reported, never judged. Exit status: 0 done;
// 1 could not run; 2 usage; 3 some mounts failed (figures unreliable, problems printed).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "bench_emulator.h"
#include "bench_scenario.h"
#include "interrupt.h"
#include "machine_facts.h"
#include "ours_side.h"
#include "report.h"
#include "samples.h"
#include "upstream_side.h"
#include "work_dir.h"

namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace sscsi::bench;
using namespace sscsi::bench::azure;

struct Options {
  fs::path host, plugin, provider, python, emulator_script, pki_dir, work_dir;
  int rounds = 3;
  int objects = 20;
  int latency_ms = 20;
  int pods = 100;
  int pod_objects = 10;
  int rotation_interval_s = 10;
  int value_bytes = 256;
};

std::optional<Options> parse(int argc, char** argv) {
  Options o;
  po::options_description d(
      "Usage: sscsi-bench-azure [OPTIONS]  (as root, inside netns-run)\n\nOptions");
  // clang-format off
  d.add_options()
    ("help,h", "print this help")
    ("host", po::value<std::string>()->required(), "sscsi-host binary")
    ("plugin", po::value<std::string>()->required(), "libsscsi-provider-azure.so")
    ("provider", po::value<std::string>()->required(), "the upstream provider binary (v1.8.2)")
    ("python", po::value<std::string>()->default_value(SSCSI_BENCH_PYTHON3), "python3 for the emulator")
    ("emulator", po::value<std::string>()->required(), "tests/fixtures/azure_emulator/azure_emulator.py")
    ("pki-dir", po::value<std::string>()->required(), "ca.crt, server.crt, server.key (make-pki)")
    ("work-dir", po::value<std::string>(), "scratch directory (default: new under /tmp, removed)")
    ("rounds", po::value<int>()->default_value(o.rounds), "rounds; every figure is their median")
    ("objects", po::value<int>()->default_value(o.objects), "objects of the latency mount")
    ("latency-ms", po::value<int>()->default_value(o.latency_ms), "delay of every emulator request")
    ("pods", po::value<int>()->default_value(o.pods), "pods of the request count")
    ("pod-objects", po::value<int>()->default_value(o.pod_objects), "objects per pod there")
    ("rotation-interval", po::value<int>()->default_value(o.rotation_interval_s),
     "seconds: sscsi-host's --rotation-poll-interval in the request count")
    ("value-bytes", po::value<int>()->default_value(o.value_bytes), "bytes per secret value");
  // clang-format on
  po::variables_map v;
  po::store(po::parse_command_line(argc, argv, d), v);
  if (v.count("help") != 0) {
    std::cout << d;
    return std::nullopt;
  }
  po::notify(v);
  o.host = v["host"].as<std::string>();
  o.plugin = v["plugin"].as<std::string>();
  o.provider = v["provider"].as<std::string>();
  o.python = v["python"].as<std::string>();
  o.emulator_script = v["emulator"].as<std::string>();
  o.pki_dir = v["pki-dir"].as<std::string>();
  if (v.count("work-dir") != 0) o.work_dir = v["work-dir"].as<std::string>();
  o.rounds = v["rounds"].as<int>();
  o.objects = v["objects"].as<int>();
  o.latency_ms = v["latency-ms"].as<int>();
  o.pods = v["pods"].as<int>();
  o.pod_objects = v["pod-objects"].as<int>();
  o.rotation_interval_s = v["rotation-interval"].as<int>();
  o.value_bytes = v["value-bytes"].as<int>();
  if (o.rounds < 1 || o.objects < 1 || o.latency_ms < 1 || o.pods < 1 || o.pod_objects < 1 ||
      o.pod_objects > o.objects || o.rotation_interval_s < 1 || o.value_bytes < 32) {
    throw po::error(
        "--rounds, --objects, --latency-ms, --pods, --pod-objects and --rotation-interval must be "
        "positive, --pod-objects at most --objects, --value-bytes at least 32");
  }
  return o;
}

// Secret values: "bench-<name>-<tag>-" padded; the tag changes when the bench rotates s01, so a
// volume shows which version it holds. Not secrets of anyone's: bench data.
class Values {
 public:
  explicit Values(int bytes) : bytes_(bytes) {}
  std::string prefix(const std::string& name) const {
    const auto tag = tags_.find(name);
    return fmt::format("bench-{}-{}-", name, tag == tags_.end() ? "v0" : tag->second);
  }
  std::string value(const std::string& name) const {
    std::string text = prefix(name);
    text.resize(static_cast<std::size_t>(bytes_), 'x');
    return text;
  }
  void retag(const std::string& name, std::string tag) { tags_[name] = std::move(tag); }
  std::function<std::string(const std::string&)> prefixes() const {
    return [this](const std::string& name) { return prefix(name); };
  }

 private:
  int bytes_;
  std::map<std::string, std::string> tags_;
};

// Every figure of every round, by side and name, in the order first recorded.
class Figures {
 public:
  void add(const std::string& side, const std::string& name, double value) {
    const std::string key = side + "\x1f" + name;
    if (!values_.contains(key)) order_.push_back({side, name});
    values_[key].push_back(value);
  }
  double median_of(const std::string& side, const std::string& name) const {
    const auto found = values_.find(side + "\x1f" + name);
    return found == values_.end() ? 0 : median(found->second);
  }
  std::string rounds_of(const std::string& side, const std::string& name) const {
    const auto found = values_.find(side + "\x1f" + name);
    if (found == values_.end()) return "-";
    std::string text;
    for (double value : found->second)
      text += fmt::format("{}{:.1f}", text.empty() ? "" : " ", value);
    return text;
  }
  const std::vector<std::pair<std::string, std::string>>& order() const { return order_; }

 private:
  std::map<std::string, std::vector<double>> values_;
  std::vector<std::pair<std::string, std::string>> order_;
};

struct OursVariant {
  std::string label;
  std::vector<std::string> host_args;
  fs::path plugin_config;
};

struct Bench {
  Options options;
  fs::path work;
  BenchEmulator& emulator;
  Values values;
  Figures figures;
  std::vector<std::string> problems;
  int next_dir = 0;
  int rotations = 0;

  fs::path fresh_dir(const std::string& what) {
    return work / fmt::format("{:02}-{}", next_dir++, what);
  }
  void problem(std::string text) {
    std::cout << "  PROBLEM: " << text << "\n";
    problems.push_back(std::move(text));
  }
  void record_counts(const std::string& side, const std::string& phase, const RequestCounts& c) {
    for (const char* kind : {"kv-401-challenge", "openid", "token", "kv-get"}) {
      figures.add(side, fmt::format("{} {}", phase, kind), static_cast<double>(c.of(kind)));
    }
    figures.add(side, phase + " total", static_cast<double>(c.total()));
  }
  void record_mount(const std::string& side, const std::string& phase, double millis,
                    const RequestCounts& counts) {
    figures.add(side, phase + " ms", millis);
    if (phase.ends_with("@0ms")) {
      std::cout << fmt::format("  {:<38} {:<8} {:8.1f} ms (no added latency); requests: {}\n", side,
                               phase, millis, counts.describe());
      return;  // requests are the same as with latency; the wall time is what this is for
    }
    figures.add(side, phase + " round trips", millis / options.latency_ms);
    record_counts(side, phase, counts);
    std::cout << fmt::format("  {:<38} {:<8} {:8.1f} ms = {:5.2f} round trips; requests: {}\n",
                             side, phase, millis, millis / options.latency_ms, counts.describe());
  }

  // 1. Cold and warm mount of the large class with the latency rule on, or (`baseline`) the
  // same mounts with no added latency, to tell the round trips apart from the local work (TLS
  // handshakes, the emulator's Python, the host).
  static std::vector<std::pair<std::string, int>> phases(bool baseline) {
    if (baseline) return {{"cold@0ms", 1}, {"warm@0ms", 2}};
    return {{"cold", 1}, {"warm", 2}};
  }

  void latency_ours(const OursVariant& variant, bool baseline) {
    OursHost host({fresh_dir("ours-latency"), options.host, options.plugin, variant.plugin_config,
                   options.objects, variant.host_args});
    for (const auto& [phase, index] : phases(baseline)) {
      const PodVolume pod = host.make_pod('l', index);
      emulator.clear_requests();
      const CallResult result = host.publish(pod);
      const RequestCounts counts = emulator.counts();
      if (!result.status.ok()) {
        problem(fmt::format("{} {} publish: {}; host log:\n{}", variant.label, phase,
                            describe(result.status), host.log_tail()));
        continue;
      }
      if (std::string bad = host.check_volume(pod, values.prefixes()); !bad.empty()) {
        problem(fmt::format("{} {} volume: {}", variant.label, phase, bad));
      }
      record_mount(variant.label, phase, result.millis, counts);
    }
  }

  void latency_upstream(const std::string& label, bool baseline) {
    const fs::path dir = fresh_dir("upstream-latency");
    fs::create_directories(dir);
    UpstreamProvider provider({dir, options.provider, options.pki_dir / "ca.crt", options.objects});
    for (const auto& [phase, index] : phases(baseline)) {
      const UpstreamPod pod = provider.make_pod('l', index);
      emulator.clear_requests();
      const auto answer = provider.mount(pod);
      const RequestCounts counts = emulator.counts();
      if (std::string bad = provider.check_answer(answer, values.prefixes()); !bad.empty()) {
        problem(fmt::format("{} {} Mount: {}; provider log:\n{}", label, phase, bad,
                            provider.log_tail()));
        continue;
      }
      record_mount(label, phase, answer.call.millis, counts);
    }
  }

  // A new version of s01 between the first mounts and the refresh round, so that the refresh
  // is visible in every volume (and cannot be skipped unnoticed).
  void rotate_s01() {
    values.retag(secret_name(1), fmt::format("r{}", ++rotations));
    emulator.admin("POST", "rotate",
                   {{"vault", kVault},
                    {"type", "secret"},
                    {"name", secret_name(1)},
                    {"value", values.value(secret_name(1))}});
  }

  void print_phase(const std::string& side, const std::string& phase, const RequestCounts& c,
                   double wall_ms) {
    std::cout << fmt::format("  {:<38} {:<14} {:8.1f} ms; requests: {}\n", side, phase, wall_ms,
                             c.describe());
  }

  // 2. P pods at once (first mounts), then the host's own rotation refreshes them all once.
  void requests_ours(const std::string& label, const fs::path& plugin_config) {
    const std::vector<std::string> args = {
        "--enable-secret-rotation=true",
        fmt::format("--rotation-poll-interval={}s", options.rotation_interval_s)};
    OursHost host({fresh_dir("ours-requests"), options.host, options.plugin, plugin_config,
                   options.pod_objects, args});
    std::vector<PodVolume> pods;
    for (int i = 1; i <= options.pods; ++i) pods.push_back(host.make_pod('r', i));
    emulator.clear_requests();
    const auto started = std::chrono::steady_clock::now();
    const StormResult storm = host.publish_all(pods);
    const RequestCounts first = emulator.counts();
    if (storm.failures != 0) {
      problem(fmt::format("{}: {} of {} first mounts failed, first: {}; host log:\n{}", label,
                          storm.failures, pods.size(), storm.first_failure, host.log_tail()));
    }
    for (const PodVolume& pod : pods) {
      if (std::string bad = host.check_volume(pod, values.prefixes()); !bad.empty()) {
        problem(fmt::format("{} first mount: {}", label, bad));
        break;
      }
    }
    record_counts(label, "first mounts", first);
    print_phase(label, "first mounts", first, storm.wall_millis);

    rotate_s01();
    emulator.clear_requests();
    // Every mount is due at its mount + interval + up to 10%; wait for all of them and a margin.
    const auto due = started + std::chrono::milliseconds(options.rotation_interval_s * 1100 + 2000);
    while (std::chrono::steady_clock::now() < due) {
      throw_if_interrupted();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const RequestCounts refresh = emulator.counts();
    const double window_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    int refreshed = 0;
    for (const PodVolume& pod : pods) {
      if (host.check_volume(pod, values.prefixes()).empty()) ++refreshed;
    }
    if (refreshed != options.pods) {
      problem(fmt::format("{}: {} of {} volumes hold the rotated s01 after the refresh round",
                          label, refreshed, options.pods));
    }
    record_counts(label, "refresh", refresh);
    figures.add(label, "refreshed volumes", refreshed);
    print_phase(label, "refresh round", refresh, 0);
    std::cout << fmt::format(
        "  {:<38} {} of {} volumes got the rotated s01; {:.1f} s from the "
        "first mount to the end of the refresh round\n",
        label, refreshed, options.pods, window_s);
  }

  void requests_upstream(const std::string& label) {
    const fs::path dir = fresh_dir("upstream-requests");
    fs::create_directories(dir);
    UpstreamProvider provider(
        {dir, options.provider, options.pki_dir / "ca.crt", options.pod_objects});
    std::vector<UpstreamPod> pods;
    for (int i = 1; i <= options.pods; ++i) pods.push_back(provider.make_pod('r', i));
    for (const char* phase : {"first mounts", "refresh"}) {
      // The refresh: what upstream's driver does for each pod once per rotation interval.
      if (std::string(phase) == "refresh") rotate_s01();
      emulator.clear_requests();
      const MountStormResult storm = provider.mount_all(pods);
      const RequestCounts counts = emulator.counts();
      int good = 0;
      std::string first_bad;
      for (const auto& answer : storm.answers) {
        std::string bad = provider.check_answer(answer, values.prefixes());
        if (bad.empty())
          ++good;
        else if (first_bad.empty())
          first_bad = std::move(bad);
      }
      if (good != options.pods) {
        problem(fmt::format(
            "{} {}: {} of {} Mounts failed or answered old content, first: {}; "
            "provider log:\n{}",
            label, phase, options.pods - good, options.pods, first_bad, provider.log_tail()));
      }
      record_counts(label, phase, counts);
      print_phase(label, std::string(phase) == "refresh" ? "refresh round" : phase, counts,
                  storm.wall_millis);
    }
  }
};

fs::path write_plugin_config(const fs::path& dir, const std::string& name, const fs::path& ca_file,
                             const nlohmann::json& extra) {
  nlohmann::json config = {{"caFile", ca_file.string()},
                           // Every HTTPS name to the emulator on this namespace's loopback.
                           {"connectTo", {":443:127.0.0.1:443"}}};
  config.update(extra);
  const fs::path file = dir / name;
  std::ofstream(file) << config.dump(2) << "\n";
  return file;
}

void setup_emulator(BenchEmulator& emulator, const Options& o, const Values& values) {
  emulator.admin("POST", "vaults", {{"vault", kVault}, {"tenant", kTenant}});
  emulator.admin("POST", "identities",
                 {{"kind", "workloadIdentity"},
                  {"clientId", kClientId},
                  {"subject", workload_subject()},
                  {"audience", kWorkloadAudience},
                  {"vaults", {kVault}}});
  for (int i = 1; i <= o.objects; ++i) {
    emulator.admin(
        "POST", "secrets",
        {{"vault", kVault}, {"name", secret_name(i)}, {"value", values.value(secret_name(i))}});
  }
}

double ratio(double numerator, double denominator) {
  return denominator == 0 ? 0 : numerator / denominator;
}

void print_summary(const Bench& b, const std::vector<OursVariant>& ours,
                   const std::string& upstream) {
  const Figures& f = b.figures;
  const Options& o = b.options;
  fmt::print("\n## 1. Mount of {} objects, {} ms per emulator request (median of {} rounds)\n\n",
             o.objects, o.latency_ms, o.rounds);
  fmt::print(
      "| side | cold ms | cold ms / {0} ms | warm ms | warm ms / {0} ms | cold ms, no latency | "
      "warm ms, no latency | cold: added round trips | warm: added round trips | cold requests | "
      "warm requests |\n",
      o.latency_ms);
  fmt::print("|---|---|---|---|---|---|---|---|---|---|---|\n");
  std::vector<std::string> sides;
  for (const OursVariant& v : ours) sides.push_back(v.label);
  sides.push_back(upstream);
  const auto requests = [&](const std::string& side, const std::string& phase) {
    return fmt::format("{:.0f} (challenge {:.0f}, openid {:.0f}, token {:.0f}, kv-get {:.0f})",
                       f.median_of(side, phase + " total"),
                       f.median_of(side, phase + " kv-401-challenge"),
                       f.median_of(side, phase + " openid"), f.median_of(side, phase + " token"),
                       f.median_of(side, phase + " kv-get"));
  };
  for (const std::string& side : sides) {
    const auto added = [&](const std::string& phase) {
      return (f.median_of(side, phase + " ms") - f.median_of(side, phase + "@0ms ms")) /
             o.latency_ms;
    };
    fmt::print(
        "| {} | {:.1f} | {:.2f} | {:.1f} | {:.2f} | {:.1f} | {:.1f} | {:.2f} | {:.2f} | {} | {} "
        "|\n",
        side, f.median_of(side, "cold ms"), f.median_of(side, "cold round trips"),
        f.median_of(side, "warm ms"), f.median_of(side, "warm round trips"),
        f.median_of(side, "cold@0ms ms"), f.median_of(side, "warm@0ms ms"), added("cold"),
        added("warm"), requests(side, "cold"), requests(side, "warm"));
  }
  fmt::print(
      "\nupstream / ours (wall time; > 1: ours faster)\n\n| ours | cold | warm |\n|---|---|---|\n");
  for (const OursVariant& v : ours) {
    fmt::print("| {} | {:.2f} | {:.2f} |\n", v.label,
               ratio(f.median_of(upstream, "cold ms"), f.median_of(v.label, "cold ms")),
               ratio(f.median_of(upstream, "warm ms"), f.median_of(v.label, "warm ms")));
  }

  fmt::print(
      "\n## 2. {} pods x {} objects, one class and service account (median of {} rounds)\n\n",
      o.pods, o.pod_objects, o.rounds);
  fmt::print("| side | phase | 401 challenges | openid | token | kv-get | all requests |\n");
  fmt::print("|---|---|---|---|---|---|---|\n");
  const std::string ours_label = "ours: sscsi-host (shared fetches)";
  for (const std::string& side : {ours_label, upstream}) {
    for (const std::string phase : {"first mounts", "refresh"}) {
      fmt::print("| {} | {} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.0f} |\n", side, phase,
                 f.median_of(side, phase + " kv-401-challenge"),
                 f.median_of(side, phase + " openid"), f.median_of(side, phase + " token"),
                 f.median_of(side, phase + " kv-get"), f.median_of(side, phase + " total"));
    }
  }
  fmt::print(
      "\nupstream / ours (all requests): first mounts {:.1f}, refresh {:.1f}; "
      "ours token + kv-get on first mounts: {:.0f} (target <= {})\n",
      ratio(f.median_of(upstream, "first mounts total"),
            f.median_of(ours_label, "first mounts total")),
      ratio(f.median_of(upstream, "refresh total"), f.median_of(ours_label, "refresh total")),
      f.median_of(ours_label, "first mounts token") +
          f.median_of(ours_label, "first mounts kv-get"),
      1 + o.pod_objects);

  fmt::print("\n## Every round\n\n");
  for (const auto& [side, name] : f.order()) {
    fmt::print("  {:<38} {:<30} {}\n", side, name, f.rounds_of(side, name));
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> options;
  try {
    options = parse(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "sscsi-bench-azure: " << error.what() << " (--help for usage)\n";
    return 2;
  }
  if (!options) return 0;
  install_interrupt_handlers();
  try {
    WorkDir work(options->work_dir, "sscsi-bench-azure");
    const MachineFacts facts = read_machine_facts();
    print_machine_facts(std::cout, facts);
    const Options& o = *options;
    fmt::print(
        "settings  {} rounds; latency: {} objects, {} ms per emulator request; requests: "
        "{} pods x {} objects, rotation interval {} s; secrets of {} B\n\n",
        o.rounds, o.objects, o.latency_ms, o.pods, o.pod_objects, o.rotation_interval_s,
        o.value_bytes);

    BenchEmulator emulator({o.python, o.emulator_script, o.pki_dir, work.path() / "emulator.log"});
    Bench bench{o, work.path(), emulator, Values(o.value_bytes), {}, {}, 0, 0};
    setup_emulator(emulator, o, bench.values);

    const fs::path ca = o.pki_dir / "ca.crt";
    const fs::path default_config =
        write_plugin_config(work.path(), "azure-default.json", ca, nlohmann::json::object());
    // The default maxParallelFetches is 20; the old default 8 stays in for comparison.
    const fs::path narrow_config =
        write_plugin_config(work.path(), "azure-parallel-8.json", ca, {{"maxParallelFetches", 8}});
    const std::vector<OursVariant> ours = {
        {"ours: sscsi-host", {"--enable-secret-rotation=false"}, default_config},
        {"ours: sscsi-host, window 0s",
         {"--enable-secret-rotation=false", "--shared-fetch-window=0s"},
         default_config},
        {"ours: window 0s, 8 parallel",
         {"--enable-secret-rotation=false", "--shared-fetch-window=0s"},
         narrow_config},
    };
    const std::string upstream = "upstream v1.8.2 provider (Mount RPC)";

    for (int round = 1; round <= o.rounds; ++round) {
      fmt::print("round {} (load {:.2f})\n", round, read_load_average().one);
      // Alternate which side goes first, so neither always meets a warmer emulator.
      const bool ours_first = round % 2 == 1;
      for (const bool baseline : {false, true}) {
        emulator.set_latency(baseline ? 0 : o.latency_ms);
        if (!ours_first) bench.latency_upstream(upstream, baseline);
        for (const OursVariant& variant : ours) {
          throw_if_interrupted();
          bench.latency_ours(variant, baseline);
        }
        if (ours_first) bench.latency_upstream(upstream, baseline);
      }
      emulator.set_latency(0);
      throw_if_interrupted();
      if (!ours_first) bench.requests_upstream(upstream);
      bench.requests_ours("ours: sscsi-host (shared fetches)", default_config);
      if (ours_first) bench.requests_upstream(upstream);
    }
    print_summary(bench, ours, upstream);
    if (!bench.problems.empty()) {
      fmt::print("\n{} problem(s); the figures above are unreliable\n", bench.problems.size());
      return 3;
    }
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "sscsi-bench-azure: " << error.what() << "\n";
    return 1;
  }
}
