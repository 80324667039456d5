// Many NodePublishVolume calls at once: on distinct targets (every one mounted, then every one
// unmounted), racing on one target (exactly one tmpfs, never a stacked mount), and publishes mixed
// with unpublishes on shared targets while rotation rewrites them (every volume whole; the host's
// descriptors, threads and mounts back to where they started).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "csi_host.h"
#include "csi_requests.h"
#include "eventually.h"
#include "mount_table.h"
#include "volume_files.h"

namespace sscsi {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing_support::CsiHost;
using testing_support::eventually;
using testing_support::mock_objects_yaml;
using testing_support::publish_request;
using testing_support::read_volume;
using testing_support::SpcSpec;
using testing_support::volume_id_for;
using testing_support::VolumeFile;
using testing_support::write_file_atomically;

const std::map<std::string, VolumeFile> kExpected = {
    {"token", {"t0ken", 0644}},
    {"tls/tls.crt", {"-----BEGIN CERTIFICATE-----\n", 0440}},
};

SpcSpec app_class(const std::string& latency = "") {
  SpcSpec spec{.name = "app",
               .parameters = {{"objects", mock_objects_yaml({
                                              {{"objectName", "token"}, {"content", "t0ken"}},
                                              {{"objectName", "cert"},
                                               {"objectAlias", "tls/tls.crt"},
                                               {"filePermission", "0440"},
                                               {"content", "-----BEGIN CERTIFICATE-----\n"}},
                                          })}}};
  if (!latency.empty()) spec.parameters["latency"] = latency;
  return spec;
}

// Runs `call(i)` for i in [0, n) on n threads released at the same moment.
template <typename Call>
std::vector<grpc::Status> all_at_once(int n, Call call) {
  std::vector<grpc::Status> results(static_cast<std::size_t>(n));
  std::latch start(n);
  std::vector<std::jthread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[static_cast<std::size_t>(i)] = call(i);
    });
  }
  threads.clear();  // joins
  return results;
}

std::string pod_uid(int i) { return fmt::format("pod-{:03}", i); }

TEST(Concurrency, TwoHundredPublishesOnDistinctTargetsThenTwoHundredUnpublishes) {
  constexpr int kVolumes = 200;
  CsiHost host;
  host.start();
  host.write_spc(app_class());
  std::vector<fs::path> targets;
  for (int i = 0; i < kVolumes; ++i) targets.push_back(host.kubelet_target(pod_uid(i)));

  const auto published = all_at_once(kVolumes, [&](int i) {
    return host.publish(publish_request(targets[static_cast<std::size_t>(i)], pod_uid(i), "app"));
  });
  for (int i = 0; i < kVolumes; ++i) {
    const grpc::Status& status = published[static_cast<std::size_t>(i)];
    EXPECT_TRUE(status.ok()) << pod_uid(i) << ": " << status.error_code() << " "
                             << status.error_message();
  }
  EXPECT_EQ(testing_support::mounts_under(host.root()).size(), static_cast<std::size_t>(kVolumes));
  for (const fs::path& target : targets) {
    EXPECT_EQ(testing_support::mount_count_at(target), 1u) << target;
    EXPECT_EQ(read_volume(target), kExpected) << target;
  }
  EXPECT_EQ(host.records().size(), static_cast<std::size_t>(kVolumes));

  const auto unpublished = all_at_once(kVolumes, [&](int i) {
    return host.unpublish(volume_id_for(pod_uid(i)), targets[static_cast<std::size_t>(i)].string());
  });
  for (int i = 0; i < kVolumes; ++i) {
    const grpc::Status& status = unpublished[static_cast<std::size_t>(i)];
    EXPECT_TRUE(status.ok()) << pod_uid(i) << ": " << status.error_message();
  }
  EXPECT_TRUE(testing_support::mounts_under(host.root()).empty());
  EXPECT_TRUE(host.records().empty());
  for (const fs::path& target : targets) EXPECT_FALSE(fs::exists(target)) << target;
}

TEST(Concurrency, FiftyPublishesRacingOnOneTargetMakeExactlyOneMount) {
  constexpr int kCallers = 50;
  CsiHost host;
  host.start();
  // The first caller holds the target while the provider takes its time; the others queue.
  host.write_spc(app_class("200ms"));
  const fs::path target = host.kubelet_target("pod-race");
  const auto request = publish_request(target, "pod-race", "app");

  const auto results = all_at_once(kCallers, [&](int) { return host.publish(request); });
  for (int i = 0; i < kCallers; ++i) {
    const grpc::Status& status = results[static_cast<std::size_t>(i)];
    EXPECT_TRUE(status.ok()) << "caller " << i << ": " << status.error_code() << " "
                             << status.error_message();
  }
  EXPECT_EQ(testing_support::mount_count_at(target), 1u);
  EXPECT_EQ(testing_support::mounts_under(host.root()).size(), 1u);
  EXPECT_EQ(read_volume(target), kExpected);
  EXPECT_EQ(host.records().size(), 1u);

  const grpc::Status unpublished = host.unpublish(volume_id_for("pod-race"), target.string());
  ASSERT_TRUE(unpublished.ok()) << unpublished.error_message();
  EXPECT_FALSE(fs::exists(target));
  EXPECT_TRUE(testing_support::mounts_under(host.root()).empty());
  EXPECT_TRUE(host.records().empty());
}

// Open file descriptors of process `pid`.
std::size_t open_descriptors(pid_t pid) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry :
       fs::directory_iterator(fmt::format("/proc/{}/fd", pid))) {
    ++count;
  }
  return count;
}

// Threads of process `pid` ("Threads:" of /proc/<pid>/status).
std::size_t thread_count(pid_t pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("Threads:")) return std::stoul(line.substr(8));
  }
  throw std::runtime_error(fmt::format("no thread count for process {}", pid));
}

// 500 callers at once, each alternating publish and unpublish on one of 25 shared targets for
// at least 3 s, while a secret changes every 25 ms and rotation (1 s) rewrites the mounted
// volumes (5 more volumes stay mounted throughout, so that rotation always has work). Every call
// succeeds (after retries of RESOURCE_EXHAUSTED, as the kubelet retries); afterwards each target is either mounted once with one whole version and a record,
// or gone without a record; once everything is unpublished the host's open descriptors, threads
// and mounts are back to their counts before the storm.
TEST(Concurrency, FiveHundredPublishesAndUnpublishesOnSharedTargetsWhileRotationRuns) {
  constexpr int kCallers = 500;
  constexpr int kTargets = 25;
  constexpr int kSteady = 5;  // targets kTargets.. kTargets + kSteady - 1: mounted throughout
  constexpr auto kStormLength = 3s;
  CsiHost host(testing_support::CsiHostSetup{
      .extra_args = {"--enable-secret-rotation", "--rotation-poll-interval", "1s", "-v", "1"},
      .read_volumes_after_publish = false});
  host.start();
  const fs::path content = host.content_dir() / "value";
  write_file_atomically(content, testing_support::versioned_content(0));
  host.write_spc(
      SpcSpec{.name = "rotating",
              .parameters = {{"objects", mock_objects_yaml({{{"objectName", "value"},
                                                             {"contentFile", content.string()}}})},
                             {"latency", "20ms"}}});
  std::vector<fs::path> targets;
  for (int i = 0; i < kTargets + kSteady; ++i) targets.push_back(host.kubelet_target(pod_uid(i)));
  const auto publish = [&](int t) {
    return host.publish(
        publish_request(targets[static_cast<std::size_t>(t)], pod_uid(t), "rotating"));
  };
  const auto unpublish = [&](int t) {
    return host.unpublish(volume_id_for(pod_uid(t)), targets[static_cast<std::size_t>(t)].string());
  };

  // One publish and unpublish first, so that what the host starts lazily (its plugin worker,
  // gRPC's threads for a connection) is part of the baseline; then let idle workers settle.
  ASSERT_TRUE(publish(0).ok());
  ASSERT_TRUE(unpublish(0).ok());
  const pid_t pid = host.pid();
  const std::size_t descriptors_before = open_descriptors(pid);
  const std::size_t threads_before = thread_count(pid);
  for (int t = kTargets; t < kTargets + kSteady; ++t) ASSERT_TRUE(publish(t).ok()) << pod_uid(t);

  std::jthread rotator([&](std::stop_token stop) {
    for (int version = 1; !stop.stop_requested(); ++version) {
      write_file_atomically(content, testing_support::versioned_content(version % 10000));
      std::this_thread::sleep_for(25ms);
    }
  });
  const auto storm_end = std::chrono::steady_clock::now() + kStormLength;
  std::atomic<int> calls{0};
  // gRPC answers RESOURCE_EXHAUSTED when its thread quota (--max-concurrent-calls, 512) is
  // momentarily used up: threads of calls that just ended still count until they are back. The
  // kubelet retries that; so do these callers, and the test counts how often it happened.
  std::atomic<int> exhausted{0};
  const auto with_retry = [&](const auto& call) {
    for (;;) {
      const grpc::Status status = call();
      if (status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) return status;
      ++exhausted;
      std::this_thread::sleep_for(20ms);
    }
  };
  const auto results = all_at_once(kCallers, [&](int i) {
    const int t = i % kTargets;
    bool publishing = (i / kTargets) % 2 == 0;
    for (int round = 0; round < 2 || std::chrono::steady_clock::now() < storm_end; ++round) {
      const grpc::Status status = publishing ? with_retry([&] { return publish(t); })
                                             : with_retry([&] { return unpublish(t); });
      ++calls;
      if (!status.ok()) return status;
      publishing = !publishing;
    }
    return grpc::Status::OK;
  });
  RecordProperty("resource_exhausted_retries", exhausted.load());
  RecordProperty("calls", calls.load());
  rotator.request_stop();
  rotator.join();
  for (int i = 0; i < kCallers; ++i) {
    const grpc::Status& status = results[static_cast<std::size_t>(i)];
    EXPECT_TRUE(status.ok()) << "caller " << i << ": " << status.error_code() << " "
                             << status.error_message();
  }
  EXPECT_GE(calls.load(), 2 * kCallers);
  EXPECT_NE(host.log().find("] refreshed "), std::string::npos)
      << "no scheduled rotation ran during the storm";

  for (int t = kTargets; t < kTargets + kSteady; ++t) {
    const std::map<std::string, VolumeFile> files =
        read_volume(targets[static_cast<std::size_t>(t)]);
    ASSERT_EQ(files.size(), 1u) << pod_uid(t);
    EXPECT_GT(testing_support::whole_version_of(files.begin()->second.content), 0)
        << pod_uid(t) << " was not rotated";
  }
  std::size_t mounted = 0;
  for (const fs::path& target : targets) {
    const std::size_t mounts = testing_support::mount_count_at(target);
    ASSERT_LE(mounts, 1u) << target;
    if (mounts == 0) {
      EXPECT_FALSE(fs::exists(target)) << target << " is left without its volume";
      continue;
    }
    ++mounted;
    const std::map<std::string, VolumeFile> files = read_volume(target);
    ASSERT_EQ(files.size(), 1u) << target;
    EXPECT_GE(testing_support::whole_version_of(files.begin()->second.content), 0) << target;
  }
  EXPECT_EQ(host.records().size(), mounted);

  for (int t = 0; t < kTargets + kSteady; ++t) ASSERT_TRUE(unpublish(t).ok()) << pod_uid(t);
  EXPECT_TRUE(testing_support::mounts_under(host.root()).empty());
  EXPECT_TRUE(host.records().empty());
  // Idle plugin workers exit 30 s after their last job; gRPC's extra threads when idle.
  EXPECT_TRUE(eventually([&] { return open_descriptors(pid) == descriptors_before; }, 60s))
      << "descriptors: " << descriptors_before << " before, " << open_descriptors(pid) << " after";
  EXPECT_TRUE(eventually([&] { return thread_count(pid) == threads_before; }, 90s))
      << "threads: " << threads_before << " before, " << thread_count(pid) << " after";
}

}  // namespace
}  // namespace sscsi
