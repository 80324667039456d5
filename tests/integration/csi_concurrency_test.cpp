// Many NodePublishVolume calls at once: on distinct targets (every one mounted, then every one
// unmounted) and racing on one target (exactly one tmpfs, never a stacked mount).

#include <gtest/gtest.h>

#include <filesystem>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "csi_host.h"
#include "csi_requests.h"
#include "mount_table.h"
#include "volume_files.h"

namespace sscsi {
namespace {

namespace fs = std::filesystem;
using testing_support::CsiHost;
using testing_support::mock_objects_yaml;
using testing_support::publish_request;
using testing_support::read_volume;
using testing_support::SpcSpec;
using testing_support::volume_id_for;
using testing_support::VolumeFile;

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

}  // namespace
}  // namespace sscsi
