#pragma once
// One benchmark round against a fresh sscsi-host: memory idle, memory with many volumes
// mounted, sequential publish/unpublish latency, and a storm of concurrent publishes. Each
// round has its own node directory and host process, so rounds do not share state or caches
// of the host.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_node.h"
#include "csi_client.h"
#include "machine_facts.h"
#include "proc_status.h"
#include "samples.h"

namespace sscsi::bench {

struct RoundSettings {
  std::filesystem::path host_binary;
  std::filesystem::path plugin_file;
  std::filesystem::path root;  // the round's directory; must not exist yet
  std::vector<std::string> extra_host_args;
  ClassShape shape;
  int floor_calls = 2000;  // GetPluginInfo calls: the floor any call pays
  int warmup = 200;        // publish+unpublish cycles before measuring
  int cycles = 2000;       // measured publish+unpublish cycles, each on a fresh target
  int storm = 500;         // concurrent publishes
  int mounts = 1000;       // volumes mounted at once for the memory figure
  std::chrono::milliseconds settle{1000};  // wait after start before the idle memory figure
  std::chrono::seconds call_timeout{60};
  // Wait after the storm before the "after the storm" memory figure: the host's idle worker
  // threads exit after 30 s, and the figure should show what stays, not what is passing.
  std::chrono::seconds storm_linger{35};
  // When set: `perf record -g` on the host during the measured cycles, written here.
  std::filesystem::path perf_output;
};

struct StormFigures {
  double publish_wall_ms = 0;
  Summary publish_calls;  // each call's send to answer, ms
  std::size_t publish_failures = 0;
  double unpublish_wall_ms = 0;
  std::size_t unpublish_failures = 0;
  double cpu_ms_per_volume = 0;  // host CPU for the storm's publishes and unpublishes, per volume
};

struct RoundResult {
  LoadAverage load_at_start;
  ProcStatus idle;
  double mounts_wall_ms = 0;  // publishing `mounts` volumes one after another
  ProcStatus mounted;         // with `mounts` volumes published
  ProcStatus after_unpublish;
  Summary floor_ms;  // GetPluginInfo
  Summary publish_ms;
  Summary unpublish_ms;
  // Host CPU time (user + system, all threads) per measured publish+unpublish cycle: unlike
  // the latencies, hardly affected by other processes competing for the CPUs.
  double cycle_cpu_ms = 0;
  StormFigures storm;
  ProcStatus storm_end;               // just after the storm's unpublishes answered
  ProcStatus after_storm;             // storm_linger later
  std::string host_end;               // "exit 0" after SIGTERM
  std::size_t failed_calls = 0;       // failed calls and failed checks of published volumes
  std::vector<std::string> problems;  // the first few, with their messages
};

// Throws std::runtime_error when the round cannot run at all (no root, the host does not
// start); failed calls are counted in the result instead.
RoundResult run_round(const RoundSettings& settings);

}  // namespace sscsi::bench
