// Secret sync, pod status and events against the real apiserver and garbage collector.

#include <fmt/format.h>

#include "../volume_files.h"
#include "kube_host_test.h"
#include "kube_objects.h"

namespace sscsi::testing_support {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json secret_object(const std::string& name, const std::string& type, const json& data,
                   const json& labels = json::object(), const json& annotations = json::object()) {
  json object = {{"secretName", name}, {"type", type}, {"data", data}};
  if (!labels.empty()) object["labels"] = labels;
  if (!annotations.empty()) object["annotations"] = annotations;
  return object;
}

json data_item(const std::string& object_name, const std::string& key) {
  return {{"objectName", object_name}, {"key", key}};
}

std::string resource_version(const ApiResponse& response) {
  return response.body["metadata"].value("resourceVersion", "");
}

class KubeSyncTest : public KubeHostTest {};

TEST_F(KubeSyncTest, PublishCreatesTheSecretAndThePodStatus) {
  start_host();
  const json replica_set = create_replica_set(admin(), ns_, "web-rs", {{"app", "web"}});
  const TestPod pod = make_pod("web-1", json::array({owner_reference(replica_set, true)}));
  make_spc("db",
           {{{"objectName", "password"}, {"content", "s3cret"}},
            {{"objectName", "user"}, {"content", "admin"}}},
           json::array({secret_object(
               "db-creds", "Opaque",
               json::array({data_item("password", "pw"), data_item("user", "username")}),
               {{"environment", "test"}}, {{"team", "payments"}})}));

  const grpc::Status status = publish(pod, "db");
  ASSERT_TRUE(status.ok()) << status.error_message() << host().log();
  EXPECT_EQ(read_volume(pod.target).at("password").content, "s3cret");

  const ApiResponse secret = get_core("secrets/db-creds");
  ASSERT_TRUE(secret.ok()) << secret.describe();
  EXPECT_EQ(secret.body["type"], "Opaque");
  EXPECT_EQ(secret.body["metadata"]["labels"],
            (json{{"environment", "test"}, {"secrets-store.csi.k8s.io/managed", "true"}}));
  EXPECT_EQ(secret.body["metadata"]["annotations"], (json{{"team", "payments"}}));
  EXPECT_EQ(secret_data("db-creds"),
            (std::map<std::string, std::string>{{"pw", "s3cret"}, {"username", "admin"}}));
  // The pod's owner, not the pod: the Secret lives as long as the workload.
  const json& owners = secret.body["metadata"]["ownerReferences"];
  ASSERT_EQ(owners.size(), 1u) << owners.dump();
  EXPECT_EQ(owners[0]["kind"], "ReplicaSet");
  EXPECT_EQ(owners[0]["name"], "web-rs");
  EXPECT_EQ(owners[0]["uid"], replica_set["metadata"]["uid"]);

  const ApiResponse pod_status = get_pod_status(fmt::format("web-1-{}-db", ns_));
  ASSERT_TRUE(pod_status.ok()) << pod_status.describe();
  EXPECT_EQ(pod_status.body["metadata"]["labels"]["internal.secrets-store.csi.k8s.io/node-name"],
            kNodeName);
  const json& status_owner = pod_status.body["metadata"]["ownerReferences"];
  ASSERT_EQ(status_owner.size(), 1u);
  EXPECT_EQ(status_owner[0]["kind"], "Pod");
  EXPECT_EQ(status_owner[0]["uid"], pod.uid);
  const json& st = pod_status.body["status"];
  EXPECT_EQ(st["podName"], "web-1");
  EXPECT_EQ(st["secretProviderClassName"], "db");
  EXPECT_EQ(st["mounted"], true);
  EXPECT_EQ(st["targetPath"], pod.target.string());
  ASSERT_EQ(st["objects"].size(), 2u);
  EXPECT_EQ(st["objects"][0]["id"], "mock/password");  // sorted by id
  EXPECT_EQ(st["objects"][1]["id"], "mock/user");
}

TEST_F(KubeSyncTest, DeletingTheOwnerLetsTheGarbageCollectorRemoveTheSecret) {
  start_host();
  const json replica_set = create_replica_set(admin(), ns_, "gc-rs", {{"app", "gc"}});
  const TestPod pod = make_pod("gc-1", json::array({owner_reference(replica_set, true)}));
  make_spc("gc", {{{"objectName", "token"}, {"content", "t0k"}}},
           json::array(
               {secret_object("gc-secret", "Opaque", json::array({data_item("token", "token")}))}));
  ASSERT_TRUE(publish(pod, "gc").ok()) << host().log();
  ASSERT_TRUE(get_core("secrets/gc-secret").ok());

  const ApiResponse deleted =
      admin().request("DELETE", fmt::format("/apis/apps/v1/namespaces/{}/replicasets/gc-rs", ns_),
                      json{{"propagationPolicy", "Background"}});
  ASSERT_TRUE(deleted.ok()) << deleted.describe();
  EXPECT_TRUE(wait_until([&] { return get_core("secrets/gc-secret").status == 404; }, 60s))
      << "the garbage collector did not remove the Secret: " << cluster().logs_tail();
}

TEST_F(KubeSyncTest, BarePodSecretIsOwnedByThePodStatusAndGoesWithThePod) {
  start_host();
  const TestPod pod = make_pod("bare");
  make_spc("bare", {{{"objectName", "key"}, {"content", "k"}}},
           json::array(
               {secret_object("bare-secret", "Opaque", json::array({data_item("key", "key")}))}));
  ASSERT_TRUE(publish(pod, "bare").ok()) << host().log();
  const ApiResponse secret = get_core("secrets/bare-secret");
  ASSERT_TRUE(secret.ok());
  const json& owners = secret.body["metadata"]["ownerReferences"];
  ASSERT_EQ(owners.size(), 1u);
  EXPECT_EQ(owners[0]["kind"], "SecretProviderClassPodStatus");
  EXPECT_EQ(owners[0]["name"], fmt::format("bare-{}-bare", ns_));
  const ApiResponse pod_status = get_pod_status(fmt::format("bare-{}-bare", ns_));
  ASSERT_TRUE(pod_status.ok());
  EXPECT_EQ(owners[0]["uid"], pod_status.body["metadata"]["uid"]);

  // No kubelet runs: delete the pod at once; the collector then removes the status and the
  // Secret it owns.
  ASSERT_TRUE(admin()
                  .request("DELETE", fmt::format("/api/v1/namespaces/{}/pods/bare", ns_),
                           json{{"gracePeriodSeconds", 0}})
                  .ok());
  EXPECT_TRUE(wait_until([&] { return get_core("secrets/bare-secret").status == 404; }, 60s))
      << cluster().logs_tail();
}

TEST_F(KubeSyncTest, RepublishWritesNothingUntilTheContentChangesThenUpdatesOnce) {
  start_proxy();
  start_host({"--enable-secret-rotation", "--rotation-poll-interval", "1ms"}, proxy_kubeconfig());
  const TestPod pod = make_pod("rot-1");
  const auto file = write_content("rot-password", "v1");
  make_spc("rot", {{{"objectName", "password"}, {"contentFile", file.string()}}},
           json::array({secret_object("rot-secret", "Opaque",
                                      json::array({data_item("password", "password")}))}));
  ASSERT_TRUE(publish(pod, "rot").ok()) << host().log();
  const std::string secret_version = resource_version(get_core("secrets/rot-secret"));
  const std::string status_version =
      resource_version(get_pod_status(fmt::format("rot-1-{}-rot", ns_)));

  proxy().reset();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(publish(pod, "rot").ok());
  EXPECT_EQ(resource_version(get_core("secrets/rot-secret")), secret_version);
  EXPECT_EQ(resource_version(get_pod_status(fmt::format("rot-1-{}-rot", ns_))), status_version);
  for (const ProxiedRequest& r : proxy().requests()) {
    EXPECT_EQ(r.method, "GET") << "a write on an unchanged refresh: " << r.method << ' ' << r.path;
  }

  write_content("rot-password", "v2");
  proxy().reset();
  ASSERT_TRUE(publish(pod, "rot").ok());
  EXPECT_EQ(read_volume(pod.target).at("password").content, "v2");
  EXPECT_EQ(secret_data("rot-secret").at("password"), "v2");
  EXPECT_EQ(proxy().requests_matching("PUT /api/v1/namespaces/" + ns_ + "/secrets/").size(), 1u);
  EXPECT_EQ(proxy().requests_matching("POST /api/v1/namespaces/" + ns_ + "/secrets").size(), 0u);
  EXPECT_FALSE(wait_for_event(pod, "MountRotationComplete").empty());
  EXPECT_FALSE(wait_for_event(pod, "SecretRotationComplete").empty());
}

// Every Secret write answered 409 Conflict: a first mount gives up after its bounded rounds and
// leaves nothing (no volume, no record, no Secret); once the conflicts stop the kubelet's retry
// mounts and syncs. During a rotation the same storm never fails the republish, and the Secret
// catches up once it ends.
TEST_F(KubeSyncTest, ConflictStormOnSecretWritesLeavesNothingThenCatchesUp) {
  start_proxy();
  // Rotation on, so that a republish refreshes (1 ms: every republish is due).
  start_host({"--enable-secret-rotation", "--rotation-poll-interval", "1ms"}, proxy_kubeconfig());
  const TestPod pod = make_pod("conflict-1");
  const auto file = write_content("conflict-password", "v1");
  make_spc("conflict", {{{"objectName", "password"}, {"contentFile", file.string()}}},
           json::array({secret_object("conflict-secret", "Opaque",
                                      json::array({data_item("password", "password")}))}));
  const std::string writes = "^(POST|PUT) /api/v1/namespaces/" + ns_ + "/secrets";
  proxy().add_rule(FaultRule::answer(writes, 409, -1));

  const grpc::Status failed = publish(pod, "conflict");
  EXPECT_FALSE(failed.ok());
  EXPECT_NE(failed.error_message().find("conflict-secret"), std::string::npos)
      << failed.error_message();
  EXPECT_FALSE(target_state(pod.target).exists) << describe(target_state(pod.target));
  EXPECT_TRUE(host().records().empty());
  EXPECT_EQ(get_core("secrets/conflict-secret").status, 404);
  const std::string secrets_path = "/api/v1/namespaces/" + ns_ + "/secrets";
  const std::size_t attempts = proxy().requests_matching("POST " + secrets_path).size() +
                               proxy().requests_matching("PUT " + secrets_path).size();
  EXPECT_GE(attempts, 1u);
  EXPECT_LE(attempts, 10u) << "conflicts must be retried a bounded number of times";

  proxy().reset();
  ASSERT_TRUE(publish(pod, "conflict").ok()) << host().log();
  EXPECT_EQ(secret_data("conflict-secret").at("password"), "v1");

  // A rotation during the storm: the republish is answered OK and the volume keeps one whole
  // version; the Secret keeps the old value until the storm ends, then catches up.
  write_content("conflict-password", "v2");
  proxy().add_rule(FaultRule::answer(writes, 409, -1));
  const grpc::Status republished = publish(pod, "conflict");
  EXPECT_TRUE(republished.ok()) << republished.error_message();
  const std::string in_volume = read_volume(pod.target).at("password").content;
  EXPECT_TRUE(in_volume == "v1" || in_volume == "v2") << in_volume;
  EXPECT_EQ(secret_data("conflict-secret").at("password"), "v1");

  proxy().reset();
  ASSERT_TRUE(publish(pod, "conflict").ok()) << host().log();
  EXPECT_EQ(read_volume(pod.target).at("password").content, "v2");
  EXPECT_EQ(secret_data("conflict-secret").at("password"), "v2");
}

TEST_F(KubeSyncTest, UnmanagedSecretOfTheSameNameIsNeverTouched) {
  start_host();
  const TestPod pod = make_pod("clash");
  create_secret(admin(), ns_, "theirs", {{"password", "keep-me"}});
  const std::string before = resource_version(get_core("secrets/theirs"));
  make_spc("clash", {{{"objectName", "password"}, {"content", "ours"}}},
           json::array({secret_object("theirs", "Opaque",
                                      json::array({data_item("password", "password")}))}));
  const grpc::Status status = publish(pod, "clash");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find(fmt::format("Secret {}/theirs", ns_)), std::string::npos)
      << status.error_message();
  EXPECT_NE(status.error_message().find("not managed"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(resource_version(get_core("secrets/theirs")), before);
  EXPECT_EQ(secret_data("theirs").at("password"), "keep-me");
  EXPECT_FALSE(target_state(pod.target).exists) << describe(target_state(pod.target));
  EXPECT_NE(wait_for_event(pod, "FailedToCreateSecret").find("theirs"), std::string::npos);
}

TEST_F(KubeSyncTest, V1alpha1ClassesAreServedToo) {
  start_host();
  const TestPod pod = make_pod("old");
  make_spc("old", {{{"objectName", "a"}, {"content", "alpha"}}}, json::array(), "v1alpha1");
  ASSERT_TRUE(publish(pod, "old").ok()) << host().log();
  EXPECT_EQ(read_volume(pod.target).at("a").content, "alpha");
}

}  // namespace
}  // namespace sscsi::testing_support
