#pragma once
// One round of one driver: the same requests, in the same order, whichever driver it is.
//  1. start (rotation off), settle, memory idle;
//  2. `mounts` volumes published one after another, memory, all unpublished;
//  3. `warmup` + `cycles` publish/unpublish cycles, each a first mount of a fresh target:
//     latency and CPU per cycle;
//  4. a storm of `storm` concurrent publishes, then their unpublishes;
//  5. stop, start again with rotation on (--rotation-poll-interval = rotation_interval), publish
//     `rotations` volumes, wait out the interval, republish each once (as the kubelet does with
//     requiresRepublish): CPU from before the wait to after the republishes, per volume.

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bench_cluster.h"
#include "bench_node.h"
#include "daemon_under_test.h"
#include "machine_facts.h"
#include "samples.h"

namespace sscsi::bench {

struct Workload {
  ClassShape shape;
  int mounts = 1000;
  int warmup = 100;
  int cycles = 1000;
  int storm = 500;
  int rotations = 200;
  std::chrono::milliseconds settle{2000};
  std::chrono::seconds rotation_interval{2};
  std::chrono::seconds call_timeout{120};
};

// Builds the processes of a driver for a node: rotation on or off.
using DaemonFactory = std::function<DaemonSpec(const BenchNode& node, bool rotation)>;

struct DriverFigures {
  LoadAverage load_at_start;
  double rss_idle_mib = 0;
  double rss_mounted_mib = 0;
  double mounts_wall_s = 0;
  Summary publish_ms;
  Summary unpublish_ms;
  double cycle_cpu_ms = 0;  // CPU (all processes) per publish + unpublish cycle
  double storm_wall_s = 0;
  std::size_t storm_failures = 0;
  Summary storm_call_ms;
  double rotation_cpu_ms = 0;  // CPU per rotated volume
  std::size_t failed_calls = 0;
  std::vector<std::string> problems;  // the first few
};

// `root` must not exist; it is removed at the end. Throws when the driver cannot run at all;
// failed calls are counted in the figures.
DriverFigures run_driver_round(const DaemonFactory& factory, const DriverClass& driver_class,
                               const BenchCluster& cluster, const Workload& workload,
                               const std::filesystem::path& root,
                               const std::filesystem::path& plugin_file);

}  // namespace sscsi::bench
