// Every way a Node request can be malformed, each with the exact code and message the kubelet
// (and the operator reading kubectl describe) will see.

#include "csi/request_checks.h"

#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "csi/volume_context_keys.h"
#include "csi_test_support.h"

namespace sscsi::csi {
namespace {

namespace pb = ::csi::v1;
using grpc::StatusCode;
using testing::kubelet_target;
using testing::valid_publish_request;

const std::string kTarget = kubelet_target("/var/lib/kubelet", "pod-uid-1");

void erase_key(pb::NodePublishVolumeRequest& request, std::string_view key) {
  request.mutable_volume_context()->erase(std::string(key));
}

void set_key(pb::NodePublishVolumeRequest& request, std::string_view key, std::string value) {
  (*request.mutable_volume_context())[std::string(key)] = std::move(value);
}

struct PublishCase {
  std::string name;
  std::function<void(pb::NodePublishVolumeRequest&)> mutate;
  StatusCode code;
  std::string message;
};

std::string not_kubelet(const std::string& target) {
  return "Target path \"" + target +
         "\" is not a kubelet pod volume path (.../pods/<pod uid>/volumes/kubernetes.io~csi/"
         "<volume name>/mount); run the host with --allow-any-target to publish elsewhere";
}

const std::string kNoPodInfo = "; the CSIDriver object must set podInfoOnMount: true";

std::vector<PublishCase> publish_cases() {
  const std::string long_target = "/" + std::string(5000, 'a');
  return {
      {"NoCapability", [](auto& r) { r.clear_volume_capability(); }, StatusCode::INVALID_ARGUMENT,
       "Volume capability missing in request"},
      {"NoCapabilityCheckedBeforeVolumeId",
       [](auto& r) {
         r.clear_volume_capability();
         r.clear_volume_id();
       },
       StatusCode::INVALID_ARGUMENT, "Volume capability missing in request"},
      {"EmptyVolumeId", [](auto& r) { r.clear_volume_id(); }, StatusCode::INVALID_ARGUMENT,
       "Volume ID missing in request"},
      {"VolumeIdCheckedBeforeTarget",
       [](auto& r) {
         r.clear_volume_id();
         r.clear_target_path();
       },
       StatusCode::INVALID_ARGUMENT, "Volume ID missing in request"},
      {"EmptyTarget", [](auto& r) { r.clear_target_path(); }, StatusCode::INVALID_ARGUMENT,
       "Target path missing in request"},
      {"NoVolumeContext", [](auto& r) { r.clear_volume_context(); }, StatusCode::INVALID_ARGUMENT,
       "Volume attributes missing in request"},
      {"BlockCapability", [](auto& r) { r.mutable_volume_capability()->mutable_block(); },
       StatusCode::INVALID_ARGUMENT,
       "Volume capability asks for block access; secrets-store volumes are mounted directories, "
       "so a mount capability is required"},
      {"CapabilityWithoutAccessType", [](auto& r) { r.mutable_volume_capability()->clear_mount(); },
       StatusCode::INVALID_ARGUMENT,
       "Volume capability has no access type; a mount capability is required"},
      {"RelativeTarget",
       [](auto& r) {
         r.set_target_path("var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/s/mount");
       },
       StatusCode::INVALID_ARGUMENT,
       "Target path \"var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/s/mount\" is not absolute"},
      {"DotRelativeTarget", [](auto& r) { r.set_target_path("./mount"); },
       StatusCode::INVALID_ARGUMENT, "Target path \"./mount\" is not absolute"},
      {"TargetWithDoubleSlash",
       [](auto& r) {
         r.set_target_path("/var/lib/kubelet//pods/u/volumes/kubernetes.io~csi/s/mount");
       },
       StatusCode::INVALID_ARGUMENT,
       "Target path \"/var/lib/kubelet//pods/u/volumes/kubernetes.io~csi/s/mount\" is not clean: "
       "it contains '//'"},
      {"TargetWithDotElement",
       [](auto& r) {
         r.set_target_path("/var/lib/kubelet/./pods/u/volumes/kubernetes.io~csi/s/mount");
       },
       StatusCode::INVALID_ARGUMENT,
       "Target path \"/var/lib/kubelet/./pods/u/volumes/kubernetes.io~csi/s/mount\" is not clean: "
       "it contains a '.' element"},
      {"TargetEscapingWithDotDot",
       [](auto& r) {
         r.set_target_path("/var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/s/../../../../etc");
       },
       StatusCode::INVALID_ARGUMENT,
       "Target path \"/var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/s/../../../../etc\" is not "
       "clean: it contains a '..' element"},
      {"TargetEndingInDotDot", [](auto& r) { r.set_target_path("/var/lib/kubelet/pods/.."); },
       StatusCode::INVALID_ARGUMENT,
       "Target path \"/var/lib/kubelet/pods/..\" is not clean: it contains a '..' element"},
      {"TargetWithTrailingSlash", [](auto& r) { r.set_target_path(kTarget + "/"); },
       StatusCode::INVALID_ARGUMENT,
       "Target path \"" + kTarget + "/\" is not clean: it ends with '/'"},
      {"RootTarget", [](auto& r) { r.set_target_path("/"); }, StatusCode::INVALID_ARGUMENT,
       "Target path \"/\" is the root directory"},
      {"TargetWithNul", [](auto& r) { r.set_target_path(std::string("/var/lib/kubelet\0/x", 19)); },
       StatusCode::INVALID_ARGUMENT, "Target path \"/var/lib/kubelet\\x00/x\" contains a NUL byte"},
      {"TargetTooLong", [long_target](auto& r) { r.set_target_path(long_target); },
       StatusCode::INVALID_ARGUMENT,
       "Target path \"" + long_target + "\" is 5001 bytes long; paths are limited to 4095"},
      {"NoSecretProviderClass", [](auto& r) { erase_key(r, keys::kSecretProviderClass); },
       StatusCode::UNKNOWN, "secretProviderClass is not set"},
      {"EmptySecretProviderClass", [](auto& r) { set_key(r, keys::kSecretProviderClass, ""); },
       StatusCode::UNKNOWN, "secretProviderClass is not set"},
      {"ContextWithOnlyTokens",
       [](auto& r) {
         r.clear_volume_context();
         set_key(r, keys::kServiceAccountTokens, "{}");
       },
       StatusCode::UNKNOWN, "secretProviderClass is not set"},
      {"NoPodName", [](auto& r) { erase_key(r, keys::kPodName); }, StatusCode::INVALID_ARGUMENT,
       "volume_context has no csi.storage.k8s.io/pod.name" + kNoPodInfo},
      {"NoPodNamespace", [](auto& r) { erase_key(r, keys::kPodNamespace); },
       StatusCode::INVALID_ARGUMENT,
       "volume_context has no csi.storage.k8s.io/pod.namespace" + kNoPodInfo},
      {"NoPodUid", [](auto& r) { erase_key(r, keys::kPodUid); }, StatusCode::INVALID_ARGUMENT,
       "volume_context has no csi.storage.k8s.io/pod.uid" + kNoPodInfo},
      {"EmptyPodUid", [](auto& r) { set_key(r, keys::kPodUid, ""); }, StatusCode::INVALID_ARGUMENT,
       "volume_context has no csi.storage.k8s.io/pod.uid" + kNoPodInfo},
      {"NoPodInfoAtAll",
       [](auto& r) {
         erase_key(r, keys::kPodName);
         erase_key(r, keys::kPodNamespace);
         erase_key(r, keys::kPodUid);
       },
       StatusCode::INVALID_ARGUMENT,
       "volume_context has no csi.storage.k8s.io/pod.name" + kNoPodInfo},
      {"ReadonlyFalse", [](auto& r) { r.set_readonly(false); }, StatusCode::INVALID_ARGUMENT,
       "Readonly is not true in request"},
      {"TargetOutsideKubelet", [](auto& r) { r.set_target_path("/tmp/secrets"); },
       StatusCode::INVALID_ARGUMENT, not_kubelet("/tmp/secrets")},
      {"TargetNotEndingInMount",
       [](auto& r) {
         r.set_target_path("/var/lib/kubelet/pods/pod-uid-1/volumes/kubernetes.io~csi/s/data");
       },
       StatusCode::INVALID_ARGUMENT,
       not_kubelet("/var/lib/kubelet/pods/pod-uid-1/volumes/kubernetes.io~csi/s/data")},
      {"TargetOfAnotherVolumePlugin",
       [](auto& r) {
         r.set_target_path(
             "/var/lib/kubelet/pods/pod-uid-1/volumes/kubernetes.io~empty-dir/s/mount");
       },
       StatusCode::INVALID_ARGUMENT,
       not_kubelet("/var/lib/kubelet/pods/pod-uid-1/volumes/kubernetes.io~empty-dir/s/mount")},
      {"TargetWithVolumeMisspelt",
       [](auto& r) {
         r.set_target_path("/var/lib/kubelet/pods/pod-uid-1/volume/kubernetes.io~csi/s/mount");
       },
       StatusCode::INVALID_ARGUMENT,
       not_kubelet("/var/lib/kubelet/pods/pod-uid-1/volume/kubernetes.io~csi/s/mount")},
      {"TargetWithPodsMisspelt",
       [](auto& r) {
         r.set_target_path("/var/lib/kubelet/pod/pod-uid-1/volumes/kubernetes.io~csi/s/mount");
       },
       StatusCode::INVALID_ARGUMENT,
       not_kubelet("/var/lib/kubelet/pod/pod-uid-1/volumes/kubernetes.io~csi/s/mount")},
      {"TargetWithoutVolumeName",
       [](auto& r) {
         r.set_target_path("/var/lib/kubelet/pods/pod-uid-1/volumes/kubernetes.io~csi/mount");
       },
       StatusCode::INVALID_ARGUMENT,
       not_kubelet("/var/lib/kubelet/pods/pod-uid-1/volumes/kubernetes.io~csi/mount")},
      {"TargetIsThePodsDirectory", [](auto& r) { r.set_target_path("/var/lib/kubelet/pods"); },
       StatusCode::INVALID_ARGUMENT, not_kubelet("/var/lib/kubelet/pods")},
      {"PodUidMismatch", [](auto& r) { set_key(r, keys::kPodUid, "pod-uid-2"); },
       StatusCode::INVALID_ARGUMENT,
       "Target path \"" + kTarget +
           "\" belongs to pod uid \"pod-uid-1\", but volume_context csi.storage.k8s.io/pod.uid "
           "is \"pod-uid-2\""},
      {"PodUidDiffersOnlyInCase", [](auto& r) { set_key(r, keys::kPodUid, "POD-UID-1"); },
       StatusCode::INVALID_ARGUMENT,
       "Target path \"" + kTarget +
           "\" belongs to pod uid \"pod-uid-1\", but volume_context csi.storage.k8s.io/pod.uid "
           "is \"POD-UID-1\""},
      {"PodUidWithNewlineIsEscaped", [](auto& r) { set_key(r, keys::kPodUid, "pod-uid-1\nx"); },
       StatusCode::INVALID_ARGUMENT,
       "Target path \"" + kTarget +
           "\" belongs to pod uid \"pod-uid-1\", but volume_context csi.storage.k8s.io/pod.uid "
           "is \"pod-uid-1\\nx\""},
      {"OtherPodsTarget",
       [](auto& r) { r.set_target_path(kubelet_target("/var/lib/kubelet", "victim-uid")); },
       StatusCode::INVALID_ARGUMENT,
       "Target path \"" + kubelet_target("/var/lib/kubelet", "victim-uid") +
           "\" belongs to pod uid \"victim-uid\", but volume_context csi.storage.k8s.io/pod.uid "
           "is \"pod-uid-1\""},
  };
}

// gtest prints a parameter in the test's log; the name is what identifies the case.
void PrintTo(const PublishCase& kase, std::ostream* out) { *out << kase.name; }

class PublishCheck : public ::testing::TestWithParam<PublishCase> {};

TEST_P(PublishCheck, AnswersExactCodeAndMessage) {
  pb::NodePublishVolumeRequest request = valid_publish_request();
  GetParam().mutate(request);
  const auto result = check_node_publish(request, TargetPolicy{});
  ASSERT_TRUE(std::holds_alternative<RequestError>(result)) << "the request was accepted";
  const auto& error = std::get<RequestError>(result);
  EXPECT_EQ(error.code, GetParam().code);
  EXPECT_EQ(error.message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(CsiRequestChecks, PublishCheck, ::testing::ValuesIn(publish_cases()),
                         [](const auto& test_info) { return test_info.param.name; });

struct UnpublishCase {
  std::string name;
  std::string volume_id;
  std::string target;
  std::string message;
};

std::vector<UnpublishCase> unpublish_cases() {
  return {
      {"EmptyVolumeId", "", kTarget, "Volume ID missing in request"},
      {"EmptyVolumeIdAndTarget", "", "", "Volume ID missing in request"},
      {"EmptyTarget", "vol", "", "Target path missing in request"},
      {"RelativeTarget", "vol", "pods/u/volumes/kubernetes.io~csi/s/mount",
       "Target path \"pods/u/volumes/kubernetes.io~csi/s/mount\" is not absolute"},
      {"DotDotTarget", "vol", kTarget + "/../../../..",
       "Target path \"" + kTarget + "/../../../..\" is not clean: it contains a '..' element"},
      {"RootTarget", "vol", "/", "Target path \"/\" is the root directory"},
      {"NulTarget", "vol", std::string("/a\0b", 4), "Target path \"/a\\x00b\" contains a NUL byte"},
      {"TargetOutsideKubelet", "vol", "/etc", not_kubelet("/etc")},
  };
}

void PrintTo(const UnpublishCase& kase, std::ostream* out) { *out << kase.name; }

class UnpublishCheck : public ::testing::TestWithParam<UnpublishCase> {};

TEST_P(UnpublishCheck, AnswersInvalidArgumentWithExactMessage) {
  pb::NodeUnpublishVolumeRequest request;
  request.set_volume_id(GetParam().volume_id);
  request.set_target_path(GetParam().target);
  const auto result = check_node_unpublish(request, TargetPolicy{});
  ASSERT_TRUE(std::holds_alternative<RequestError>(result)) << "the request was accepted";
  EXPECT_EQ(std::get<RequestError>(result).code, StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(std::get<RequestError>(result).message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(CsiRequestChecks, UnpublishCheck, ::testing::ValuesIn(unpublish_cases()),
                         [](const auto& test_info) { return test_info.param.name; });

TEST(CsiRequestChecks, StageRequiresVolumeIdStagingPathAndCapability) {
  pb::NodeStageVolumeRequest request;
  request.set_volume_id("vol");
  request.set_staging_target_path("/staging");
  request.mutable_volume_capability()->mutable_mount();
  EXPECT_FALSE(check_node_stage(request).has_value());

  auto no_id = request;
  no_id.clear_volume_id();
  ASSERT_TRUE(check_node_stage(no_id).has_value());
  EXPECT_EQ(check_node_stage(no_id)->code, StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(check_node_stage(no_id)->message, "Volume ID missing in request");

  auto no_path = request;
  no_path.clear_staging_target_path();
  ASSERT_TRUE(check_node_stage(no_path).has_value());
  EXPECT_EQ(check_node_stage(no_path)->code, StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(check_node_stage(no_path)->message, "Staging target path missing in request");

  auto no_capability = request;
  no_capability.clear_volume_capability();
  ASSERT_TRUE(check_node_stage(no_capability).has_value());
  EXPECT_EQ(check_node_stage(no_capability)->code, StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(check_node_stage(no_capability)->message, "Volume capability missing in request");
}

TEST(CsiRequestChecks, UnstageRequiresVolumeIdAndStagingPath) {
  pb::NodeUnstageVolumeRequest request;
  request.set_volume_id("vol");
  request.set_staging_target_path("/staging");
  EXPECT_FALSE(check_node_unstage(request).has_value());

  auto no_id = request;
  no_id.clear_volume_id();
  ASSERT_TRUE(check_node_unstage(no_id).has_value());
  EXPECT_EQ(check_node_unstage(no_id)->code, StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(check_node_unstage(no_id)->message, "Volume ID missing in request");

  auto no_path = request;
  no_path.clear_staging_target_path();
  ASSERT_TRUE(check_node_unstage(no_path).has_value());
  EXPECT_EQ(check_node_unstage(no_path)->code, StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(check_node_unstage(no_path)->message, "Staging target path missing in request");
}

TEST(CsiRequestChecks, ValidPublishBecomesPublishRequestWithEverythingCopied) {
  pb::NodePublishVolumeRequest request = valid_publish_request();
  (*request.mutable_secrets())["clientid"] = "id-1";
  (*request.mutable_secrets())["clientsecret"] = "s3cr3t";
  set_key(request, keys::kServiceAccountTokens, R"({"aud":{"token":"t"}})");
  request.mutable_volume_capability()->mutable_mount()->add_mount_flags("ro");
  request.mutable_volume_capability()->mutable_mount()->add_mount_flags("noexec");

  const auto result = check_node_publish(request, TargetPolicy{});
  ASSERT_TRUE(std::holds_alternative<publish::PublishRequest>(result))
      << std::get<RequestError>(result).message;
  const auto& out = std::get<publish::PublishRequest>(result);
  EXPECT_EQ(out.volume_id, "csi-0123456789abcdef");
  EXPECT_EQ(out.target_path, kTarget);
  EXPECT_TRUE(out.readonly);
  EXPECT_EQ(out.volume_context.size(), static_cast<std::size_t>(request.volume_context().size()));
  EXPECT_EQ(out.volume_context.at(std::string(keys::kSecretProviderClass)), "azure-kv");
  EXPECT_EQ(out.volume_context.at(std::string(keys::kServiceAccountTokens)),
            R"({"aud":{"token":"t"}})");
  EXPECT_EQ(out.secrets,
            (std::map<std::string, std::string>{{"clientid", "id-1"}, {"clientsecret", "s3cr3t"}}));
  EXPECT_EQ(out.mount_flags, (std::vector<std::string>{"ro", "noexec"}));
}

TEST(CsiRequestChecks, KubeletPathUnderACustomRootIsAccepted) {
  const auto request = valid_publish_request("/var/snap/microk8s/common/var/lib/kubelet", "u-9");
  EXPECT_TRUE(
      std::holds_alternative<publish::PublishRequest>(check_node_publish(request, TargetPolicy{})));
}

TEST(CsiRequestChecks, AllowAnyTargetAcceptsOtherPathsButStillRequiresCleanAbsoluteOnes) {
  const TargetPolicy any{true};
  auto request = valid_publish_request();
  request.set_target_path("/tmp/csi/mount");
  EXPECT_TRUE(std::holds_alternative<publish::PublishRequest>(check_node_publish(request, any)));

  // The uid in a kubelet-shaped path is not compared either.
  request = valid_publish_request();
  set_key(request, keys::kPodUid, "someone-else");
  EXPECT_TRUE(std::holds_alternative<publish::PublishRequest>(check_node_publish(request, any)));

  request.set_target_path("relative/mount");
  const auto relative = check_node_publish(request, any);
  ASSERT_TRUE(std::holds_alternative<RequestError>(relative));
  EXPECT_EQ(std::get<RequestError>(relative).message,
            "Target path \"relative/mount\" is not absolute");

  request.set_target_path("/tmp/../etc");
  const auto unclean = check_node_publish(request, any);
  ASSERT_TRUE(std::holds_alternative<RequestError>(unclean));
  EXPECT_EQ(std::get<RequestError>(unclean).message,
            "Target path \"/tmp/../etc\" is not clean: it contains a '..' element");

  pb::NodeUnpublishVolumeRequest unpublish;
  unpublish.set_volume_id("vol");
  unpublish.set_target_path("/tmp/csi/mount");
  const auto unpublished = check_node_unpublish(unpublish, any);
  ASSERT_TRUE(std::holds_alternative<UnpublishTarget>(unpublished));
  EXPECT_EQ(std::get<UnpublishTarget>(unpublished).target_path, "/tmp/csi/mount");
  EXPECT_EQ(std::get<UnpublishTarget>(unpublished).volume_id, "vol");
}

TEST(CsiRequestChecks, ErrorMessagesNeverQuoteSecretsOrTokens) {
  const std::string canary = "CANARY-7f3a9c";
  for (const auto& kase : publish_cases()) {
    pb::NodePublishVolumeRequest request = valid_publish_request();
    kase.mutate(request);
    (*request.mutable_secrets())["key"] = canary;
    set_key(request, keys::kServiceAccountTokens, canary);
    const auto result = check_node_publish(request, TargetPolicy{});
    if (const auto* error = std::get_if<RequestError>(&result)) {
      EXPECT_EQ(error->message.find(canary), std::string::npos) << kase.name;
    }
  }
}

}  // namespace
}  // namespace sscsi::csi
