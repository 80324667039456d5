#include "bench_round.h"

#include <csignal>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "child_process.h"
#include "interrupt.h"

namespace sscsi::bench {
namespace {

namespace pb = ::csi::v1;
constexpr std::size_t kProblemsKept = 5;
constexpr auto kHostStartTimeout = std::chrono::seconds(30);
constexpr auto kHostStopTimeout = std::chrono::seconds(30);

std::vector<std::string> host_command(const RoundSettings& settings, const BenchNode& node) {
  std::vector<std::string> argv{
      settings.host_binary.string(),
      "--endpoint=unix://" + node.socket().string(),
      "--nodeid=bench-node",
      "--plugin-dir=" + node.plugin_dir().string(),
      "--spc-dir=" + node.spc_dir().string(),
      "--state-dir=" + node.state_dir().string(),
      "--enable-secret-rotation=false",
      // Any free port: other hosts (tests, other benchmark runs) may hold the default ones.
      "--metrics-addr=127.0.0.1:0",
      "--health-addr=127.0.0.1:0",
  };
  argv.insert(argv.end(), settings.extra_host_args.begin(), settings.extra_host_args.end());
  return argv;
}

// The work of one round, with the node, the host and the client it shares between phases.
class Round {
 public:
  explicit Round(const RoundSettings& settings)
      : settings_(settings),
        node_(settings.root, settings.plugin_file, settings.shape),
        host_(host_command(settings, node_), node_.host_log()) {
    const std::string problem =
        wait_until_ready(node_.socket(), kHostStartTimeout, [&] { return host_.running(); });
    if (!problem.empty()) {
      throw std::runtime_error(fmt::format("sscsi-host did not become ready ({}; {}). Its log:\n{}",
                                           problem, host_.describe_end(),
                                           log_tail(node_.host_log())));
    }
    client_.emplace(node_.socket(), settings.call_timeout);
  }

  RoundResult run() {
    // Let start-up finish its allocations and threads before the idle figure.
    pause(settings_.settle);
    result_.idle = read_proc_status(host_.pid());
    measure_mounted_memory();
    measure_floor();
    measure_latency();
    measure_storm();
    result_.storm_end = read_proc_status(host_.pid());
    pause(settings_.storm_linger);
    result_.after_storm = read_proc_status(host_.pid());
    stop_host();
    return std::move(result_);
  }

 private:
  static void pause(std::chrono::milliseconds duration) {
    const auto end = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < end) {
      throw_if_interrupted();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  void problem(std::string text) {
    if (result_.failed_calls++ < kProblemsKept) result_.problems.push_back(std::move(text));
  }

  // A publish that answered OK must also have produced the volume's files.
  bool published(const PodVolume& volume, const CallResult& call, bool check_contents) {
    if (!call.status.ok()) {
      problem(fmt::format("publish {}: {}", volume.target, describe(call.status)));
      return false;
    }
    if (std::string bad = node_.check_published(volume, check_contents); !bad.empty()) {
      problem(fmt::format("publish {} answered OK but {}", volume.target, bad));
      return false;
    }
    return true;
  }

  bool unpublished(const PodVolume& volume, const CallResult& call) {
    if (!call.status.ok()) {
      problem(fmt::format("unpublish {}: {}", volume.target, describe(call.status)));
      return false;
    }
    try {
      node_.remove_pod(volume);
    } catch (const std::exception& e) {
      problem(fmt::format("unpublish {} answered OK but {}", volume.target, e.what()));
      return false;
    }
    return true;
  }

  std::vector<PodVolume> make_volumes(char phase, int count) const {
    std::vector<PodVolume> volumes;
    volumes.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) volumes.push_back(node_.make_pod_volume(phase, i));
    return volumes;
  }

  void measure_mounted_memory() {
    const std::vector<PodVolume> volumes = make_volumes('m', settings_.mounts);
    const auto start = std::chrono::steady_clock::now();
    std::vector<CallResult> calls;
    calls.reserve(volumes.size());
    for (const PodVolume& volume : volumes) {
      throw_if_interrupted();
      calls.push_back(client_->publish(publish_request(volume, node_.secret_class())));
    }
    result_.mounts_wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    for (std::size_t i = 0; i < volumes.size(); ++i) published(volumes[i], calls[i], i == 0);
    result_.mounted = read_proc_status(host_.pid());
    for (const PodVolume& volume : volumes) {
      unpublished(volume, client_->unpublish(unpublish_request(volume)));
    }
    result_.after_unpublish = read_proc_status(host_.pid());
  }

  void measure_floor() {
    std::vector<double> samples;
    for (int i = 0; i < settings_.floor_calls / 10; ++i) client_->plugin_info();  // warm-up
    for (int i = 0; i < settings_.floor_calls; ++i) {
      if (i % 100 == 0) throw_if_interrupted();
      const CallResult call = client_->plugin_info();
      if (call.status.ok()) {
        samples.push_back(call.millis);
      } else {
        problem(fmt::format("GetPluginInfo: {}", describe(call.status)));
      }
    }
    result_.floor_ms = summarize(std::move(samples));
  }

  // One publish+unpublish cycle on a fresh target; the two calls' times go to the samples.
  void cycle(char phase, int index, std::vector<double>* publish_ms,
             std::vector<double>* unpublish_ms) {
    throw_if_interrupted();
    const PodVolume volume = node_.make_pod_volume(phase, index);
    const pb::NodePublishVolumeRequest publish = publish_request(volume, node_.secret_class());
    const pb::NodeUnpublishVolumeRequest unpublish = unpublish_request(volume);
    const CallResult published_call = client_->publish(publish);
    const bool ok = published(volume, published_call, index == 0);
    const CallResult unpublished_call = client_->unpublish(unpublish);
    if (unpublished(volume, unpublished_call) && ok) {
      if (publish_ms != nullptr) publish_ms->push_back(published_call.millis);
      if (unpublish_ms != nullptr) unpublish_ms->push_back(unpublished_call.millis);
    }
  }

  void measure_latency() {
    for (int i = 0; i < settings_.warmup; ++i) cycle('w', i, nullptr, nullptr);
    std::unique_ptr<ChildProcess> perf = start_perf();
    std::vector<double> publish_ms, unpublish_ms;
    publish_ms.reserve(static_cast<std::size_t>(settings_.cycles));
    unpublish_ms.reserve(static_cast<std::size_t>(settings_.cycles));
    const double cpu_before = read_cpu_seconds(host_.pid());
    for (int i = 0; i < settings_.cycles; ++i) cycle('l', i, &publish_ms, &unpublish_ms);
    result_.cycle_cpu_ms = (read_cpu_seconds(host_.pid()) - cpu_before) * 1000 / settings_.cycles;
    if (perf) stop_perf(*perf);
    result_.publish_ms = summarize(std::move(publish_ms));
    result_.unpublish_ms = summarize(std::move(unpublish_ms));
  }

  void measure_storm() {
    const std::vector<PodVolume> volumes = make_volumes('s', settings_.storm);
    std::vector<pb::NodePublishVolumeRequest> publishes;
    std::vector<pb::NodeUnpublishVolumeRequest> unpublishes;
    for (const PodVolume& volume : volumes) {
      publishes.push_back(publish_request(volume, node_.secret_class()));
      unpublishes.push_back(unpublish_request(volume));
    }
    const double cpu_before = read_cpu_seconds(host_.pid());
    const StormResult up = client_->publish_storm(publishes);
    result_.storm.publish_wall_ms = up.wall_millis;
    result_.storm.publish_calls = summarize(up.call_millis);
    result_.storm.publish_failures = up.failures;
    if (up.failures > 0) {
      problem(fmt::format("storm: {} of {} publishes failed, the first with {}", up.failures,
                          volumes.size(), up.first_failure));
    }
    for (std::size_t i = 0; i < volumes.size(); ++i) {
      if (std::string bad = node_.check_published(volumes[i], i == 0); !bad.empty()) {
        problem(fmt::format("storm: {}", bad));
      }
    }
    const StormResult down = client_->unpublish_storm(unpublishes);
    result_.storm.cpu_ms_per_volume =
        (read_cpu_seconds(host_.pid()) - cpu_before) * 1000 / settings_.storm;
    result_.storm.unpublish_wall_ms = down.wall_millis;
    result_.storm.unpublish_failures = down.failures;
    if (down.failures > 0) {
      problem(fmt::format("storm: {} of {} unpublishes failed, the first with {}", down.failures,
                          volumes.size(), down.first_failure));
    }
    for (const PodVolume& volume : volumes) {
      try {
        node_.remove_pod(volume);
      } catch (const std::exception& e) {
        problem(fmt::format("storm: {}", e.what()));
      }
    }
  }

  std::unique_ptr<ChildProcess> start_perf() {
    if (settings_.perf_output.empty()) return nullptr;
    // DWARF unwinding: the build keeps no frame pointers, so -g alone loses most callers.
    auto perf = std::make_unique<ChildProcess>(
        std::vector<std::string>{"perf", "record", "--call-graph", "dwarf", "-F", "999", "-p",
                                 std::to_string(host_.pid()), "-o", settings_.perf_output.string()},
        node_.root() / "perf.log");
    // perf needs a moment to attach; samples before that would be lost, not wrong.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    if (!perf->running()) {
      throw std::runtime_error(fmt::format("perf record did not start ({}): {}",
                                           perf->describe_end(),
                                           log_tail(node_.root() / "perf.log")));
    }
    return perf;
  }

  void stop_perf(ChildProcess& perf) {
    perf.send_signal(SIGINT);
    if (!perf.wait_for_exit(std::chrono::seconds(60))) {
      throw std::runtime_error("perf record did not stop within 60s of SIGINT");
    }
  }

  void stop_host() {
    host_.send_signal(SIGTERM);
    if (!host_.wait_for_exit(kHostStopTimeout)) {
      result_.host_end =
          fmt::format("still running {}s after SIGTERM (killed)", kHostStopTimeout.count());
      problem(fmt::format("sscsi-host {}", result_.host_end));
      return;
    }
    result_.host_end = host_.describe_end();
    if (result_.host_end != "exit 0") {
      problem(fmt::format("sscsi-host ended with {} after SIGTERM. Its log:\n{}", result_.host_end,
                          log_tail(node_.host_log())));
    }
  }

  const RoundSettings& settings_;
  BenchNode node_;
  ChildProcess host_;  // declared after node_: stopped before the node is taken apart
  std::optional<CsiClient> client_;
  RoundResult result_;
};

}  // namespace

RoundResult run_round(const RoundSettings& settings) {
  const LoadAverage load = read_load_average();
  Round round(settings);
  RoundResult result = round.run();
  result.load_at_start = load;
  return result;
}

}  // namespace sscsi::bench
