// Secrets the host holds are wiped before their memory is freed (docs/SECURITY.md, section 7).
// Each test plants a value of its own and asks FreedMemoryScan how many freed blocks still
// held it. The first two tests show that the scan does see an unwiped value.

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <variant>

#include "csi/request_checks.h"
#include "csi/request_wipe.h"
#include "csi/volume_context_keys.h"
#include "freed_memory_scan.h"
#include "mount/payload.h"
#include "plugins/mount_job.h"
#include "plugins/provider.h"
#include "publish/attributes.h"
#include "publish/remembered_requests.h"

namespace sscsi {
namespace {

using testing::FreedMemoryScan;
namespace keys = csi::keys;

// Longer than a short string's inline buffer, so it lives in a heap block of its own.
std::string long_canary(const std::string& name) {
  return "canary-" + name + "-0123456789abcdefghijklmnopqrstuvwxyz";
}
// Fits a short string's inline buffer (15 characters): it lives inside its owner.
std::string short_canary(const std::string& name) { return ("c!" + name).substr(0, 12); }

mount::SecretBytes bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

TEST(FreedMemoryScan, SeesAStringFreedWithItsValue) {
  const std::string canary = long_canary("plain-string");
  FreedMemoryScan scan(canary);
  { const std::string copy = canary; }
  EXPECT_GE(scan.hits(), 1u);
}

TEST(FreedMemoryScan, SeesAShortValueInsideAFreedMapNode) {
  const std::string canary = short_canary("mapnode");
  FreedMemoryScan scan(canary);
  { std::map<std::string, std::string> entries{{"k", canary}}; }
  EXPECT_GE(scan.hits(), 1u);
}

TEST(Wipe, SecretBytesAreWipedWhenReleased) {
  const std::string canary = long_canary("secret-bytes");
  FreedMemoryScan scan(canary);
  { const mount::SecretBytes bytes = bytes_of(canary); }
  EXPECT_EQ(scan.hits(), 0u);
}

TEST(Wipe, SecretBytesWipeTheBufferAGrowingVectorDrops) {
  const std::string canary = long_canary("growing-bytes");
  FreedMemoryScan scan(canary);
  {
    mount::SecretBytes bytes = bytes_of(canary);
    const auto* first_buffer = bytes.data();
    for (int i = 0; i < 4096; ++i) bytes.push_back(0x2a);
    ASSERT_NE(bytes.data(), first_buffer) << "the vector never reallocated";
  }
  EXPECT_EQ(scan.hits(), 0u);
}

TEST(Wipe, PublishRequestCopiesWipeTokensAndSecretsLongAndShort) {
  const std::string token = long_canary("token");
  const std::string secret = short_canary("sp-secret");
  for (const std::string& canary : {token, secret}) {
    FreedMemoryScan scan(canary);
    {
      publish::PublishRequest request;
      request.target_path = "/t";
      request.volume_context[std::string(keys::kServiceAccountTokens)] = token;
      request.secrets["clientsecret"] = secret;
      const publish::PublishRequest copy = request;
      publish::PublishRequest moved = std::move(request);
      std::vector<publish::PublishRequest> grown;
      for (int i = 0; i < 8; ++i) grown.push_back(copy);  // reallocates: moves the elements
    }
    EXPECT_EQ(scan.hits(), 0u) << canary;
  }
}

TEST(Wipe, RememberedRequestsWipeReplacedAndForgottenCopies) {
  const std::string token = long_canary("remembered");
  FreedMemoryScan scan(token);
  {
    publish::RememberedRequests remembered;
    publish::PublishRequest request;
    request.target_path = "/t";
    request.volume_context[std::string(keys::kServiceAccountTokens)] = token;
    remembered.remember(request);
    remembered.remember(request);  // replaces the first copy
    remembered.forget("/t");
  }
  EXPECT_EQ(scan.hits(), 0u);
}

::csi::v1::NodePublishVolumeRequest kubelet_request(const std::string& token,
                                                    const std::string& secret) {
  ::csi::v1::NodePublishVolumeRequest request;
  request.set_volume_id("csi-0123456789abcdef");
  request.set_target_path("/var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~csi/kv/mount");
  request.set_readonly(true);
  request.mutable_volume_capability()->mutable_mount();
  request.mutable_volume_capability()->mutable_access_mode()->set_mode(
      ::csi::v1::VolumeCapability::AccessMode::SINGLE_NODE_READER_ONLY);
  auto& context = *request.mutable_volume_context();
  context[std::string(keys::kSecretProviderClass)] = "azure-kv";
  context[std::string(keys::kPodName)] = "web-0";
  context[std::string(keys::kPodNamespace)] = "default";
  context[std::string(keys::kPodUid)] = "uid-1";
  context[std::string(keys::kServiceAccountName)] = "default";
  context[std::string(keys::kServiceAccountTokens)] = token;
  (*request.mutable_secrets())["clientid"] = "id-1";
  (*request.mutable_secrets())["clientsecret"] = secret;
  return request;
}

// What the host does with a kubelet's request up to the plugin call, as NodePublishVolume and
// the pipeline do it: check it, build the provider's JSON texts, hand them to a mount job.
void handle_like_the_host(const ::csi::v1::NodePublishVolumeRequest& request) {
  auto checked = csi::check_node_publish(request, csi::TargetPolicy{});
  ASSERT_TRUE(std::holds_alternative<publish::PublishRequest>(checked));
  const auto& publish_request = std::get<publish::PublishRequest>(checked);
  plugins::MountCall call;
  call.attributes_json = publish::attributes_json(
      {{"keyvaultName", "kv"}}, publish_request.volume_context, publish_request.secrets);
  call.secrets_json = publish::secrets_json(publish_request.secrets);
  call.target_path = publish_request.target_path;
  const plugins::MountCall kept = call;
  const auto deadline = std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto job = std::make_shared<plugins::MountJob>("demo", kept, 1, deadline);
  // strstr, not a std::string: a copy of the text would be freed unwiped by this test itself.
  ASSERT_NE(std::strstr(job->request()->secrets_json, "clientsecret"), nullptr);
}

TEST(Wipe, AKubeletRequestLeavesNoTokenOrSecretInFreedMemory) {
  const std::string token = long_canary("kubelet-token");
  const std::string long_secret = long_canary("kubelet-secret");
  const std::string short_secret = short_canary("k-secret");
  for (const std::string& secret : {long_secret, short_secret}) {
    for (const std::string& canary : {token, secret}) {
      FreedMemoryScan scan(canary);
      {
        auto request =
            std::make_unique<::csi::v1::NodePublishVolumeRequest>(kubelet_request(token, secret));
        handle_like_the_host(*request);
        const csi::WipeOnReturn wipe(*request);
      }
      EXPECT_EQ(scan.hits(), 0u) << canary;
    }
  }
}

TEST(Wipe, WithoutWipeOnReturnTheKubeletRequestWouldLeaveItsToken) {
  // The control for the test above: the scan does reach the protobuf message's own strings.
  const std::string token = long_canary("unwiped-token");
  FreedMemoryScan scan(token);
  { const auto request = kubelet_request(token, "x"); }
  EXPECT_GE(scan.hits(), 1u);
}

TEST(Wipe, AttributesRefusedForInvalidUtf8LeaveNoCopyOfTheOtherValues) {
  const std::string token = long_canary("utf8-token");
  FreedMemoryScan scan(token);
  {
    // Filled entry by entry: an initializer list would make (and free) copies of its own.
    std::map<std::string, std::string> context;
    context[std::string(keys::kServiceAccountTokens)] = token;
    context["zz"] = "bad\xff";
    EXPECT_THROW(publish::attributes_json({}, context, {}), std::invalid_argument);
    publish::PublishRequest owner;  // wipes the values when it goes, as the host's request does
    owner.volume_context = std::move(context);
  }
  EXPECT_EQ(scan.hits(), 0u);
}

}  // namespace
}  // namespace sscsi
