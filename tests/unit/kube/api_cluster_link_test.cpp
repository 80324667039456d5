// The cluster side of a mount against scripted API servers: the pod check, the pod status, the
// Secret owners, and the events each outcome posts.

#include "kube/api_cluster_link.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../kube_sync/fake_api_client.h"

namespace sscsi::kube {
namespace {

using nlohmann::json;
using testing::FakeApiClient;

constexpr const char* kPod = "/api/v1/namespaces/team/pods/web-1";
constexpr const char* kStatus =
    "/apis/secrets-store.csi.x-k8s.io/v1/namespaces/team/secretproviderclasspodstatuses/"
    "web-1-team-db";
constexpr const char* kStatuses =
    "/apis/secrets-store.csi.x-k8s.io/v1/namespaces/team/secretproviderclasspodstatuses";
constexpr const char* kSecret = "/api/v1/namespaces/team/secrets/db-secret";
constexpr const char* kSecrets = "/api/v1/namespaces/team/secrets";

json pod_json(const std::string& uid = "u-1", const json& owners = json::array()) {
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", "web-1"}, {"namespace", "team"}, {"uid", uid}}},
              {"spec", {{"nodeName", "node-a"}, {"serviceAccountName", "web"}}},
              {"status", {{"phase", "Running"}}}};
  if (!owners.empty()) pod["metadata"]["ownerReferences"] = owners;
  return pod;
}

const json kReplicaSet = {{"apiVersion", "apps/v1"},
                          {"kind", "ReplicaSet"},
                          {"name", "web-rs"},
                          {"uid", "rs-1"},
                          {"controller", true}};

EventRecorderOptions recorder_options() {
  EventRecorderOptions options;
  options.node_name = "node-a";
  return options;
}

class ApiClusterLinkTest : public ::testing::Test {
 protected:
  ApiClusterLinkTest() : events_(event_api_, recorder_options()), link_(api_, events_, "node-a") {
    event_api_.answer_all(201, "{}");
    spc_.name = "db";
    spc_.namespace_name = "team";
    spc_.provider = "mock";
  }

  MountedVolume volume(bool refresh = false, bool changed = false) {
    MountedVolume v;
    v.pod = pod_;
    v.spc = &spc_;
    v.target_path = "/var/lib/kubelet/pods/u-1/volumes/kubernetes.io~csi/s/mount";
    v.objects = {{"mock/password", "v1"}};
    v.files = [](const std::string& path) -> std::optional<std::string_view> {
      if (path == "password") return std::string_view("s3cret");
      return std::nullopt;
    };
    v.refresh = refresh;
    v.content_changed = changed;
    return v;
  }

  void sync_password() {
    spc_.secret_objects = {{"db-secret", "Opaque", {}, {}, {{"password", "pw"}}}};
  }

  // Reasons of the events posted so far.
  std::vector<std::string> event_reasons() {
    events_.flush();
    std::vector<std::string> reasons;
    for (const ApiRequest& r : event_api_.requests()) {
      reasons.push_back(json::parse(r.body).value("reason", ""));
    }
    return reasons;
  }

  FakeApiClient api_;
  FakeApiClient event_api_;
  EventRecorder events_;
  ApiClusterLink link_;
  PodRef pod_{.name = "web-1", .namespace_name = "team", .uid = "u-1", .service_account = "web"};
  SecretProviderClass spc_;
};

TEST_F(ApiClusterLinkTest, PodThatMatchesPasses) {
  api_.expect("GET", kPod, 200, pod_json().dump());
  EXPECT_EQ(link_.check_pod(pod_), std::nullopt);
}

TEST_F(ApiClusterLinkTest, PodProblemsHaveTheirKinds) {
  struct Case {
    long status;
    std::string body;
    LinkError::Kind kind;
    std::string message;
  };
  json terminating = pod_json();
  terminating["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  json finished = pod_json();
  finished["status"]["phase"] = "Succeeded";
  json elsewhere = pod_json();
  elsewhere["spec"]["nodeName"] = "node-b";
  json other_account = pod_json();
  other_account["spec"]["serviceAccountName"] = "batch";
  for (const Case& c : std::vector<Case>{
           {404, "", LinkError::Kind::NotFound, "Pod team/web-1 not found in the API server"},
           {403, "", LinkError::Kind::Forbidden, "Pod team/web-1: GET answered 403"},
           {0, "", LinkError::Kind::Unavailable, "Pod team/web-1: GET failed"},
           {200, pod_json("u-2").dump(), LinkError::Kind::Mismatch,
            "Pod team/web-1 has uid u-2, but the request is for pod uid u-1"},
           {200, terminating.dump(), LinkError::Kind::Mismatch, "is terminating"},
           {200, elsewhere.dump(), LinkError::Kind::Mismatch,
            "Pod team/web-1 is scheduled to node node-b, not to this node (node-a)"},
           {200, other_account.dump(), LinkError::Kind::Mismatch,
            "Pod team/web-1 runs as service account batch, but the request names service "
            "account web"},
           {200, finished.dump(), LinkError::Kind::Mismatch, "is Succeeded"},
           {200, "{]", LinkError::Kind::Unavailable, "unusable answer"},
           {200, json{{"kind", "Pod"}}.dump(), LinkError::Kind::Unavailable, "metadata"}}) {
    api_.expect("GET", kPod, c.status, c.body);
    const auto error = link_.check_pod(pod_);
    ASSERT_TRUE(error.has_value()) << c.status << c.body;
    EXPECT_EQ(error->kind, c.kind) << error->message;
    EXPECT_NE(error->message.find(c.message), std::string::npos) << error->message;
  }
}

// Without a node name (the host was given none) or a service account in the request, or before
// the pod is scheduled, there is nothing to compare.
TEST_F(ApiClusterLinkTest, NodeAndServiceAccountAreComparedOnlyWhenBothSidesHaveThem) {
  json unscheduled = pod_json();
  unscheduled["spec"].erase("nodeName");
  api_.expect("GET", kPod, 200, unscheduled.dump());
  EXPECT_EQ(link_.check_pod(pod_), std::nullopt);

  json other_account = pod_json();
  other_account["spec"]["serviceAccountName"] = "batch";
  PodRef silent = pod_;
  silent.service_account.clear();
  api_.expect("GET", kPod, 200, other_account.dump());
  EXPECT_EQ(link_.check_pod(silent), std::nullopt);

  ApiClusterLink nameless(api_, events_, "");
  json elsewhere = pod_json();
  elsewhere["spec"]["nodeName"] = "node-b";
  api_.expect("GET", kPod, 200, elsewhere.dump());
  EXPECT_EQ(nameless.check_pod(pod_), std::nullopt);
}

TEST_F(ApiClusterLinkTest, ARequestWithoutItsPodIsRefusedWithoutARequest) {
  const auto error = link_.check_pod(
      {.name = "", .namespace_name = "team", .uid = "u-1", .service_account = "web"});
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, LinkError::Kind::Invalid);
  EXPECT_NE(error->message.find("podInfoOnMount"), std::string::npos);
  EXPECT_TRUE(api_.requests().empty());
}

TEST_F(ApiClusterLinkTest, MountWritesThePodStatusWithoutReadingThePodAgain) {
  api_.expect("GET", kPod, 200, pod_json().dump());
  ASSERT_EQ(link_.check_pod(pod_), std::nullopt);
  api_.expect("POST", kStatuses, 201, R"({"metadata":{"uid":"st-1"}})");
  EXPECT_EQ(link_.mounted(volume()), std::nullopt);
  const json written = json::parse(api_.requests()[1].body);
  EXPECT_EQ(written["status"]["objects"],
            json::parse(R"([{"id":"mock/password","version":"v1"}])"));
  EXPECT_EQ(written["metadata"]["labels"]["internal.secrets-store.csi.k8s.io/node-name"], "node-a");
  EXPECT_TRUE(event_reasons().empty());
}

TEST_F(ApiClusterLinkTest, SyncedSecretIsOwnedByThePodsOwners) {
  sync_password();
  api_.expect("GET", kPod, 200, pod_json("u-1", json::array({kReplicaSet})).dump());
  ASSERT_EQ(link_.check_pod(pod_), std::nullopt);
  api_.expect("POST", kStatuses, 201, R"({"metadata":{"uid":"st-1"}})");
  api_.expect("GET", kSecret, 404);
  api_.expect("POST", kSecrets, 201, "{}");
  EXPECT_EQ(link_.mounted(volume()), std::nullopt);
  const json secret = json::parse(api_.requests()[3].body);
  EXPECT_EQ(secret["metadata"]["ownerReferences"],
            json::parse(
                R"([{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-rs","uid":"rs-1"}])"));
  EXPECT_EQ(secret["data"]["pw"], "czNjcmV0");
}

TEST_F(ApiClusterLinkTest, BarePodSecretIsOwnedByItsPodStatus) {
  sync_password();
  api_.expect("GET", kPod, 200, pod_json().dump());  // read on demand: no check_pod before
  api_.expect("POST", kStatuses, 201, R"({"metadata":{"uid":"st-1"}})");
  api_.expect("GET", kSecret, 404);
  api_.expect("POST", kSecrets, 201, "{}");
  EXPECT_EQ(link_.mounted(volume()), std::nullopt);
  const json secret = json::parse(api_.requests()[3].body);
  EXPECT_EQ(secret["metadata"]["ownerReferences"],
            json::parse(R"([{"apiVersion":"secrets-store.csi.x-k8s.io/v1",
                              "kind":"SecretProviderClassPodStatus","name":"web-1-team-db",
                              "uid":"st-1"}])"));
}

TEST_F(ApiClusterLinkTest, UnmanagedSecretIsAConflictAndAnEvent) {
  sync_password();
  api_.expect("GET", kPod, 200, pod_json().dump());
  ASSERT_EQ(link_.check_pod(pod_), std::nullopt);
  api_.expect("POST", kStatuses, 201, R"({"metadata":{"uid":"st-1"}})");
  api_.expect("GET", kSecret, 200,
              R"({"kind":"Secret","type":"Opaque","metadata":{"name":"db-secret","uid":"x"}})");
  const auto error = link_.mounted(volume());
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, LinkError::Kind::Conflict);
  EXPECT_EQ(error->reason, "FailedToCreateSecret");
  EXPECT_NE(error->message.find("Secret team/db-secret exists and is not managed"),
            std::string::npos)
      << error->message;
  EXPECT_EQ(event_reasons(), std::vector<std::string>{"FailedToCreateSecret"});
}

TEST_F(ApiClusterLinkTest, SecretThatCannotBeBuiltIsInvalid) {
  spc_.secret_objects = {{"db-secret", "Opaque", {}, {}, {{"nothere", "pw"}}}};
  api_.expect("GET", kPod, 200, pod_json().dump());
  api_.expect("GET", kStatus, 404);
  api_.expect("POST", kStatuses, 201, R"({"metadata":{"uid":"st-1"}})");
  const auto error = link_.mounted(volume(true, true));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, LinkError::Kind::Invalid);
  EXPECT_NE(error->message.find("nothere"), std::string::npos) << error->message;
  // A refresh: the rotation happened, the Secret could not follow.
  EXPECT_EQ(event_reasons(),
            (std::vector<std::string>{"MountRotationComplete", "SecretRotationFailed"}));
}

TEST_F(ApiClusterLinkTest, PodStatusFailureIsReportedWithItsKind) {
  api_.expect("GET", kPod, 200, pod_json().dump());
  api_.expect("POST", kStatuses, 403);
  const auto error = link_.mounted(volume());
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, LinkError::Kind::Forbidden);
  EXPECT_EQ(error->reason, "FailedToWritePodStatus");
}

TEST_F(ApiClusterLinkTest, RotationEvents) {
  sync_password();
  api_.expect("GET", kPod, 200, pod_json().dump());
  api_.expect("GET", kStatus, 404);
  api_.expect("POST", kStatuses, 201, R"({"metadata":{"uid":"st-1"}})");
  api_.expect(
      "GET", kSecret, 200,
      json{{"kind", "Secret"},
           {"type", "Opaque"},
           {"data", {{"pw", "b2xk"}}},
           {"metadata",
            {{"name", "db-secret"},
             {"uid", "s-1"},
             {"resourceVersion", "3"},
             {"labels", {{"secrets-store.csi.k8s.io/managed", "true"}}},
             {"ownerReferences", json::parse(R"([{"apiVersion":"secrets-store.csi.x-k8s.io/v1",
                              "kind":"SecretProviderClassPodStatus","name":"web-1-team-db",
                              "uid":"st-1"}])")}}}}
          .dump());
  api_.expect("PUT", kSecret, 200, "{}");
  EXPECT_EQ(link_.mounted(volume(true, true)), std::nullopt);
  link_.refresh_failed(pod_, "vault down");
  EXPECT_EQ(event_reasons(),
            (std::vector<std::string>{"MountRotationComplete", "SecretRotationComplete",
                                      "MountRotationFailed"}));
}

}  // namespace
}  // namespace sscsi::kube
