// Secrets never reach the host's logs or its state directory, even at -v 5: service-account
// tokens from the volume context, nodePublishSecretRef contents and file contents, through a
// successful publish, a refresh, a republish, refused requests and failed provider calls.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "csi_host.h"
#include "csi_requests.h"
#include "volume_files.h"

namespace sscsi {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing_support::CsiHost;
using testing_support::CsiHostSetup;
using testing_support::mock_objects_yaml;
using testing_support::publish_request;
using testing_support::SpcSpec;

// A marker no log line could contain by chance.
std::string canary(const std::string& kind) {
  std::random_device random;
  return fmt::format("CANARY-{}-{:08x}{:08x}", kind, random(), random());
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Every regular file below `dir` whose bytes contain `needle`.
std::vector<fs::path> files_containing(const fs::path& dir, const std::string& needle) {
  std::vector<fs::path> found;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() &&
        testing_support::read_text(entry.path()).find(needle) != std::string::npos) {
      found.push_back(entry.path());
    }
  }
  return found;
}

TEST(SecretLogging, CanariesAppearNeitherInTheLogNorInTheStateDirectoryAtVerbosityFive) {
  CsiHost host(CsiHostSetup{
      .extra_args = {"-v", "5", "--enable-secret-rotation", "--rotation-poll-interval", "1s"}});
  host.start();
  const std::string token = canary("TOKEN");
  const std::string secret = canary("SECRET");
  const std::string content = canary("CONTENT");
  const std::string file_content = canary("FILE");
  testing_support::write_text(host.content_dir() / "api-key", file_content);

  const std::string objects = mock_objects_yaml(
      {{{"objectName", "password"}, {"content", content}},
       {{"objectName", "api-key"}, {"contentFile", (host.content_dir() / "api-key").string()}}});
  host.write_spc(SpcSpec{.name = "app", .parameters = {{"objects", objects}}});
  host.write_spc(SpcSpec{.name = "denied",
                         .parameters = {{"objects", objects}, {"failWith", "Unauthorized"}}});
  host.write_spc(
      SpcSpec{.name = "broken", .parameters = {{"objects", "array: [\"" + content + "\""}}});

  auto request_for = [&](const std::string& pod, const std::string& spc) {
    auto request = publish_request(host.kubelet_target(pod), pod, spc);
    (*request.mutable_volume_context())["csi.storage.k8s.io/serviceAccount.tokens"] = fmt::format(
        R"({{"api://AzureADTokenExchange":{{"token":"{}","expirationTimestamp":"2030-01-01T00:00:00Z"}}}})",
        token);
    (*request.mutable_secrets())["clientsecret"] = secret;
    (*request.mutable_secrets())["csi.storage.k8s.io/serviceAccount.tokens"] = token;
    return request;
  };

  const auto good = request_for("pod-good", "app");
  ASSERT_TRUE(host.publish(good).ok()) << host.log();
  const fs::path target = good.target_path();
  EXPECT_EQ(testing_support::read_text(target / "password"), content);
  EXPECT_EQ(testing_support::read_text(target / "api-key"), file_content);
  // A refresh (the poll interval has passed) calls the provider again with the same inputs.
  std::this_thread::sleep_for(1100ms);
  ASSERT_TRUE(host.publish(good).ok());
  ASSERT_TRUE(host.publish(good).ok());  // and a republish before the next refresh is due

  EXPECT_EQ(host.publish(request_for("pod-denied", "denied")).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(host.publish(request_for("pod-broken", "broken")).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  auto not_readonly = request_for("pod-refused", "app");
  not_readonly.set_readonly(false);
  EXPECT_EQ(host.publish(not_readonly).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto leaked_while_mounted = files_containing(host.state_dir(), token).size() +
                                    files_containing(host.state_dir(), secret).size() +
                                    files_containing(host.state_dir(), content).size() +
                                    files_containing(host.state_dir(), file_content).size();
  EXPECT_EQ(leaked_while_mounted, 0u);
  EXPECT_EQ(host.records().size(), 1u);

  ASSERT_TRUE(host.unpublish(good.volume_id(), good.target_path()).ok());
  host.stop();

  const std::string log = host.log() + host.out();
  // The log is verbose: every CSI call and the provider's own debug lines are in it.
  EXPECT_NE(log.find("CSI NodePublishVolume"), std::string::npos) << log;
  // The first mount and the refresh called the provider; the republish before the next refresh
  // was due did not.
  EXPECT_EQ(occurrences(log, "mount: 2 objects, outcome ok"), 2u) << log;
  EXPECT_NE(log.find("outcome Unauthorized"), std::string::npos) << log;
  for (const std::string& marker : {token, secret, content, file_content}) {
    EXPECT_EQ(log.find(marker), std::string::npos) << marker << " was logged:\n" << log;
    for (const fs::path& dir : {host.state_dir(), host.plugin_dir()}) {
      EXPECT_TRUE(files_containing(dir, marker).empty()) << marker << " written below " << dir;
    }
  }
}

}  // namespace
}  // namespace sscsi
