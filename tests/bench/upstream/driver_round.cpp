#include "driver_round.h"

#include <optional>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "csi_client.h"
#include "interrupt.h"

namespace sscsi::bench {
namespace {

namespace pb = ::csi::v1;
constexpr std::size_t kProblemsKept = 5;

double mib(std::uint64_t kib) { return static_cast<double>(kib) / 1024.0; }

void pause(std::chrono::milliseconds duration) {
  const auto end = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < end) {
    throw_if_interrupted();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

class DriverRound {
 public:
  DriverRound(const DaemonFactory& factory, const DriverClass& driver_class,
              const BenchCluster& cluster, const Workload& workload,
              const std::filesystem::path& root, const std::filesystem::path& plugin_file)
      : factory_(factory),
        class_(driver_class),
        cluster_(cluster),
        workload_(workload),
        node_(root, plugin_file, workload.shape) {}

  DriverFigures run() {
    {
      DaemonUnderTest daemon(factory_(node_, false));
      CsiClient client(daemon.spec().csi_socket, workload_.call_timeout);
      pause(workload_.settle);
      figures_.rss_idle_mib = mib(daemon.memory().rss_kib);
      measure_mounted_memory(daemon, client);
      measure_latency(daemon, client);
      measure_storm(client);
      stopped(daemon);
    }
    {
      DaemonUnderTest daemon(factory_(node_, true));
      CsiClient client(daemon.spec().csi_socket, workload_.call_timeout);
      pause(workload_.settle);
      measure_rotation(daemon, client);
      stopped(daemon);
    }
    return std::move(figures_);
  }

 private:
  void problem(std::string text) {
    if (figures_.failed_calls++ < kProblemsKept) figures_.problems.push_back(std::move(text));
  }

  void stopped(DaemonUnderTest& daemon) {
    if (std::string bad = daemon.stop(); !bad.empty()) problem(std::move(bad));
  }

  PodVolume volume(int index) {
    const BenchPod& pod = cluster_.pods[static_cast<std::size_t>(index) % cluster_.pods.size()];
    return pod_volume(node_, pod, class_.volume_name, serial_++);
  }

  std::vector<PodVolume> volumes(int count) {
    if (static_cast<std::size_t>(count) > cluster_.pods.size()) {
      throw std::runtime_error(fmt::format("{} volumes at once need as many pods; there are {}",
                                           count, cluster_.pods.size()));
    }
    std::vector<PodVolume> out;
    for (int i = 0; i < count; ++i) out.push_back(volume(i));
    return out;
  }

  bool published(const PodVolume& v, const CallResult& call, bool check_contents) {
    if (!call.status.ok()) {
      problem(fmt::format("publish {}: {}", v.target, describe(call.status)));
      return false;
    }
    if (std::string bad = node_.check_published(v, check_contents); !bad.empty()) {
      problem(fmt::format("publish {} answered OK but {}", v.target, bad));
      return false;
    }
    return true;
  }

  bool unpublished(const PodVolume& v, const CallResult& call) {
    if (!call.status.ok()) {
      problem(fmt::format("unpublish {}: {}", v.target, describe(call.status)));
      return false;
    }
    try {
      node_.remove_pod(v);
    } catch (const std::exception& e) {
      problem(fmt::format("unpublish {} answered OK but {}", v.target, e.what()));
      return false;
    }
    return true;
  }

  pb::NodePublishVolumeRequest publish(const PodVolume& v) const {
    return publish_request(v, class_.class_ref);
  }

  void measure_mounted_memory(DaemonUnderTest& daemon, CsiClient& client) {
    const std::vector<PodVolume> all = volumes(workload_.mounts);
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < all.size(); ++i) {
      throw_if_interrupted();
      published(all[i], client.publish(publish(all[i])), i == 0);
    }
    figures_.mounts_wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    figures_.rss_mounted_mib = mib(daemon.memory().rss_kib);
    for (const PodVolume& v : all) unpublished(v, client.unpublish(unpublish_request(v)));
  }

  void cycle(CsiClient& client, int index, std::vector<double>* publish_ms,
             std::vector<double>* unpublish_ms) {
    throw_if_interrupted();
    const PodVolume v = volume(index);
    const CallResult up = client.publish(publish(v));
    const bool ok = published(v, up, index == 0);
    const CallResult down = client.unpublish(unpublish_request(v));
    if (unpublished(v, down) && ok) {
      if (publish_ms != nullptr) publish_ms->push_back(up.millis);
      if (unpublish_ms != nullptr) unpublish_ms->push_back(down.millis);
    }
  }

  void measure_latency(DaemonUnderTest& daemon, CsiClient& client) {
    for (int i = 0; i < workload_.warmup; ++i) cycle(client, i, nullptr, nullptr);
    std::vector<double> publish_ms, unpublish_ms;
    const double cpu_before = daemon.cpu_seconds();
    for (int i = 0; i < workload_.cycles; ++i) cycle(client, i, &publish_ms, &unpublish_ms);
    figures_.cycle_cpu_ms = (daemon.cpu_seconds() - cpu_before) * 1000 / workload_.cycles;
    figures_.publish_ms = summarize(std::move(publish_ms));
    figures_.unpublish_ms = summarize(std::move(unpublish_ms));
  }

  void measure_storm(CsiClient& client) {
    const std::vector<PodVolume> all = volumes(workload_.storm);
    std::vector<pb::NodePublishVolumeRequest> ups;
    std::vector<pb::NodeUnpublishVolumeRequest> downs;
    for (const PodVolume& v : all) {
      ups.push_back(publish(v));
      downs.push_back(unpublish_request(v));
    }
    const StormResult up = client.publish_storm(ups);
    figures_.storm_wall_s = up.wall_millis / 1000;
    figures_.storm_failures = up.failures;
    figures_.storm_call_ms = summarize(up.call_millis);
    if (up.failures > 0) {
      problem(fmt::format("storm: {} of {} publishes failed, the first with {}", up.failures,
                          all.size(), up.first_failure));
    }
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (std::string bad = node_.check_published(all[i], i == 0); !bad.empty()) {
        problem(fmt::format("storm: {}", bad));
      }
    }
    const StormResult down = client.unpublish_storm(downs);
    if (down.failures > 0) {
      problem(fmt::format("storm: {} of {} unpublishes failed, the first with {}", down.failures,
                          all.size(), down.first_failure));
    }
    for (const PodVolume& v : all) {
      try {
        node_.remove_pod(v);
      } catch (const std::exception& e) {
        problem(fmt::format("storm: {}", e.what()));
      }
    }
  }

  void measure_rotation(DaemonUnderTest& daemon, CsiClient& client) {
    const std::vector<PodVolume> all = volumes(workload_.rotations);
    std::vector<pb::NodePublishVolumeRequest> requests;
    for (const PodVolume& v : all) requests.push_back(publish(v));
    for (std::size_t i = 0; i < all.size(); ++i) {
      published(all[i], client.publish(requests[i]), i == 0);
    }
    // From here every mount is due for a refresh once the interval has passed; whatever the
    // driver does meanwhile on its own (a scheduler, resyncs) counts too.
    const double cpu_before = daemon.cpu_seconds();
    pause(std::chrono::duration_cast<std::chrono::milliseconds>(workload_.rotation_interval) +
          std::chrono::milliseconds(500));
    for (std::size_t i = 0; i < all.size(); ++i) {
      throw_if_interrupted();
      published(all[i], client.publish(requests[i]), i == 0);
    }
    figures_.rotation_cpu_ms = (daemon.cpu_seconds() - cpu_before) * 1000 / workload_.rotations;
    for (const PodVolume& v : all) unpublished(v, client.unpublish(unpublish_request(v)));
  }

  const DaemonFactory& factory_;
  const DriverClass& class_;
  const BenchCluster& cluster_;
  const Workload& workload_;
  BenchNode node_;
  int serial_ = 0;
  DriverFigures figures_;
};

}  // namespace

DriverFigures run_driver_round(const DaemonFactory& factory, const DriverClass& driver_class,
                               const BenchCluster& cluster, const Workload& workload,
                               const std::filesystem::path& root,
                               const std::filesystem::path& plugin_file) {
  const LoadAverage load = read_load_average();
  DriverRound round(factory, driver_class, cluster, workload, root, plugin_file);
  DriverFigures figures = round.run();
  figures.load_at_start = load;
  return figures;
}

}  // namespace sscsi::bench
