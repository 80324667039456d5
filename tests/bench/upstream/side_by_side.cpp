// sscsi-bench-upstream: sscsi-host (cluster mode, mock plugin) and the upstream Go driver
// (sigs.k8s.io/secrets-store-csi-driver, with upstream's fake provider) driven over CSI with the
// same requests against one real apiserver, round after round, and a table of both drivers'
// figures with the ratio ours / upstream. Figures only, nothing is judged. Exit status: 0 done;
// 1 could not run; 2 usage; 3 calls failed (figures unreliable). Needs root (tmpfs mounts).
// tests/bench/upstream/run builds everything and runs it; docs/BENCHMARKS.md has the results.

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <boost/program_options.hpp>

#include "bench_cluster.h"
#include "child_process.h"
#include "comparison_report.h"
#include "driver_round.h"
#include "interrupt.h"
#include "kube_cluster.h"
#include "machine_facts.h"
#include "report.h"
#include "work_dir.h"

namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
namespace ts = sscsi::testing_support;
using namespace sscsi::bench;

constexpr const char* kUpstreamProvider = "fake";

struct Options {
  fs::path host;
  fs::path plugin;
  fs::path upstream_bin;
  fs::path work_dir;  // empty: a new one under /tmp, removed at the end
  Workload workload;
  int rounds = 3;
};

int at_least(const po::variables_map& values, const char* key, int minimum) {
  const int value = values[key].as<int>();
  if (value < minimum) {
    throw po::error(fmt::format("--{} must be at least {}, not {}", key, minimum, value));
  }
  return value;
}

std::optional<Options> parse(int argc, char** argv) {
  Options o;
  po::options_description d(
      "Usage: sscsi-bench-upstream --upstream-bin DIR [OPTIONS]  (as root)\n\nOptions");
  // clang-format off
  d.add_options()
    ("help,h", "print this help")
    ("host", po::value<std::string>()->default_value(SSCSI_BENCH_HOST_BINARY), "sscsi-host binary")
    ("plugin", po::value<std::string>()->default_value(SSCSI_BENCH_MOCK_PLUGIN), "the mock provider plugin")
    ("upstream-bin", po::value<std::string>(),
     "directory with secrets-store-csi-driver and fake-provider (tests/bench/upstream/setup prints it)")
    ("work-dir", po::value<std::string>(),
     "directory for the rounds' node directories (default: a new one under /tmp, removed after)")
    ("rounds", po::value<int>()->default_value(o.rounds), "rounds; each starts both drivers afresh")
    ("mounts", po::value<int>()->default_value(o.workload.mounts), "volumes mounted for the memory figure")
    ("warmup", po::value<int>()->default_value(o.workload.warmup), "warm-up publish/unpublish cycles")
    ("cycles", po::value<int>()->default_value(o.workload.cycles), "measured publish/unpublish cycles")
    ("storm", po::value<int>()->default_value(o.workload.storm), "concurrent publishes in the storm")
    ("rotations", po::value<int>()->default_value(o.workload.rotations), "volumes republished for the rotation figure")
    ("rotation-interval", po::value<int>()->default_value(static_cast<int>(o.workload.rotation_interval.count())),
     "seconds: --rotation-poll-interval of both drivers in the rotation phase");
  // clang-format on
  po::variables_map values;
  po::store(po::parse_command_line(argc, argv, d), values);
  if (values.count("help") != 0) {
    std::cout << d;
    return std::nullopt;
  }
  if (values.count("upstream-bin") == 0) throw po::error("--upstream-bin is required");
  o.host = values["host"].as<std::string>();
  o.plugin = values["plugin"].as<std::string>();
  o.upstream_bin = values["upstream-bin"].as<std::string>();
  if (values.count("work-dir") != 0) o.work_dir = values["work-dir"].as<std::string>();
  o.rounds = at_least(values, "rounds", 1);
  o.workload.mounts = at_least(values, "mounts", 1);
  o.workload.warmup = at_least(values, "warmup", 0);
  o.workload.cycles = at_least(values, "cycles", 1);
  o.workload.storm = at_least(values, "storm", 1);
  o.workload.rotations = at_least(values, "rotations", 1);
  o.workload.rotation_interval = std::chrono::seconds(at_least(values, "rotation-interval", 1));
  for (const fs::path& file : {o.host, o.plugin, o.upstream_bin / "secrets-store-csi-driver",
                               o.upstream_bin / "fake-provider"}) {
    if (!fs::is_regular_file(file)) {
      throw po::error(
          fmt::format("{} does not exist; tests/bench/upstream/run builds it", file.string()));
    }
  }
  return o;
}

std::string trimmed_output(const std::vector<std::string>& argv, const fs::path& scratch) {
  std::string text = run_for_output(argv, scratch, std::chrono::seconds(10));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

std::string interval_flag(const Workload& w) {
  return fmt::format("--rotation-poll-interval={}s", w.rotation_interval.count());
}

DaemonFactory sscsi_factory(const Options& o, const ts::KubeCluster& cluster,
                            const BenchCluster& objects) {
  return [&o, &cluster, &objects](const BenchNode& node, bool rotation) {
    const fs::path socket = node.root() / "csi.sock";
    return DaemonSpec{
        "sscsi",
        socket,
        {{{o.host.string(), "--endpoint=unix://" + socket.string(), "--nodeid=" + objects.node_name,
           "--plugin-dir=" + node.plugin_dir().string(), "--state-dir=" + node.state_dir().string(),
           "--kubeconfig=" + cluster.host_kubeconfig().string(),
           fmt::format("--enable-secret-rotation={}", rotation), interval_flag(o.workload),
           "--metrics-addr=127.0.0.1:0", "--health-addr=127.0.0.1:0"},
          node.root() / fmt::format("sscsi-{}.log", rotation ? "rotation" : "main"),
          {}}}};
  };
}

DaemonFactory upstream_factory(const Options& o, const fs::path& admin_kubeconfig,
                               const fs::path& provider_files, const BenchCluster& objects) {
  return [&o, admin_kubeconfig, provider_files, &objects](const BenchNode& node, bool rotation) {
    const fs::path socket = node.root() / "upstream.sock";
    const fs::path providers = node.root() / "providers";
    fs::create_directories(providers);
    const std::string phase = rotation ? "rotation" : "main";
    ProcessSpec provider{
        {(o.upstream_bin / "fake-provider").string(), "-provider-dir", providers.string(), "-name",
         kUpstreamProvider, "-files-dir", provider_files.string()},
        node.root() / fmt::format("fake-provider-{}.log", phase),
        {}};
    // controller-runtime reads KUBECONFIG; env(1) execs the driver, so the pid stays its own.
    ProcessSpec driver{{"env", "KUBECONFIG=" + admin_kubeconfig.string(),
                        (o.upstream_bin / "secrets-store-csi-driver").string(),
                        "--endpoint=unix://" + socket.string(), "--nodeid=" + objects.node_name,
                        "--provider-volume=" + providers.string(),
                        "--additional-provider-volume-paths=" + providers.string(),
                        fmt::format("--enable-secret-rotation={}", rotation),
                        interval_flag(o.workload), "--metrics-addr=127.0.0.1:0"},
                       node.root() / fmt::format("upstream-{}.log", phase),
                       providers / (std::string(kUpstreamProvider) + ".sock")};
    return DaemonSpec{"upstream", socket, {provider, driver}};
  };
}

int run(const Options& o) {
  print_machine_facts(std::cout, read_machine_facts());
  const Workload& w = o.workload;
  fmt::print(
      std::cout,
      "settings  {} round(s), each starting both drivers afresh (order alternates); class of "
      "{} objects x {} B;\n          {} volumes mounted for memory; {} warm-up + {} measured "
      "first-mount cycles;\n          storm of {} concurrent publishes; {} volumes "
      "republished with rotation on (--rotation-poll-interval={}s)\n",
      o.rounds, w.shape.objects, w.shape.object_bytes, w.mounts, w.warmup, w.cycles, w.storm,
      w.rotations, w.rotation_interval.count());

  const sscsi::bench::WorkDir work(o.work_dir, "sscsi-bench-upstream");
  fmt::print(std::cout, "ours      {} {}\n", o.host.string(),
             trimmed_output({o.host.string(), "--version"}, work.path() / "v1.txt"));
  const fs::path driver = o.upstream_bin / "secrets-store-csi-driver";
  fmt::print(std::cout, "upstream  {} {}\n", driver.string(),
             trimmed_output({driver.string(), "--version"}, work.path() / "v2.txt"));

  ts::KubeCluster cluster;
  fmt::print(std::cout, "cluster   {}\n", cluster.server_url());
  ts::KubeconfigOptions admin_options;
  admin_options.user_name = "bench-admin";
  admin_options.client_cert =
      cluster.issue_client_cert("bench-admin", "bench-admin", {"system:masters"});
  const fs::path admin_kubeconfig =
      cluster.write_kubeconfig(work.path() / "admin.kubeconfig", admin_options);
  const int pods = std::max({w.mounts, w.storm, w.rotations});
  const BenchCluster objects =
      create_bench_cluster(cluster.admin(), w.shape, kUpstreamProvider, pods);
  const fs::path provider_files = work.path() / "provider-files";
  write_provider_files(provider_files, w.shape);
  fmt::print(std::cout,
             "objects   namespace {}, node {}, {} pods, classes {} (mock) and {} ({})\n\n",
             objects.namespace_name, objects.node_name, objects.pods.size(),
             objects.sscsi.class_ref.name, objects.upstream.class_ref.name, kUpstreamProvider);
  std::cout.flush();

  const DaemonFactory ours = sscsi_factory(o, cluster, objects);
  const DaemonFactory theirs = upstream_factory(o, admin_kubeconfig, provider_files, objects);
  std::vector<RoundPair> rounds;
  bool failed = false;
  for (int i = 1; i <= o.rounds; ++i) {
    RoundPair pair;
    const auto run_ours = [&] {
      pair.sscsi = run_driver_round(ours, objects.sscsi, objects, w,
                                    work.path() / fmt::format("round-{}-sscsi", i), o.plugin);
    };
    const auto run_theirs = [&] {
      pair.upstream = run_driver_round(theirs, objects.upstream, objects, w,
                                       work.path() / fmt::format("round-{}-upstream", i), o.plugin);
    };
    // Alternating the order keeps a drift in the machine's load from favouring one driver.
    if (i % 2 == 1) {
      run_ours();
      run_theirs();
    } else {
      run_theirs();
      run_ours();
    }
    for (const auto& [label, f] :
         {std::pair{"sscsi", &pair.sscsi}, std::pair{"upstream", &pair.upstream}}) {
      fmt::print(
          std::cout,
          "round {} {:<8}: load {:.2f}, publish p50 {:.3f} ms p99 {:.3f} ms, storm {:.3f} s, "
          "RSS idle {:.1f} / mounted {:.1f} MiB, rotation CPU {:.3f} ms, {} failed\n",
          i, label, f->load_at_start.one, f->publish_ms.p50, f->publish_ms.p99, f->storm_wall_s,
          f->rss_idle_mib, f->rss_mounted_mib, f->rotation_cpu_ms, f->failed_calls);
      failed = failed || f->failed_calls > 0;
    }
    std::cout.flush();
    rounds.push_back(std::move(pair));
  }
  std::cout << '\n';
  print_comparison(std::cout, rounds);
  if (failed) {
    fmt::print(std::cerr,
               "sscsi-bench-upstream: some calls or checks failed (listed above); the "
               "figures are not comparable\n");
    return 3;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> options;
  try {
    options = parse(argc, argv);
    if (!options) return 0;
  } catch (const std::exception& e) {
    fmt::print(std::cerr, "sscsi-bench-upstream: {} (see --help)\n", e.what());
    return 2;
  }
  if (::geteuid() != 0) {
    fmt::print(std::cerr, "sscsi-bench-upstream: run as root: both drivers mount tmpfs volumes\n");
    return 1;
  }
  install_interrupt_handlers();
  try {
    return run(*options);
  } catch (const std::exception& e) {
    fmt::print(std::cerr, "sscsi-bench-upstream: {}\n", e.what());
    return 1;
  }
}
