// write_pod_status against a scripted API.
#include "kube/sync/pod_status_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_api_client.h"

namespace sscsi::kube {
namespace {

using nlohmann::json;
using testing::FakeApiClient;
using ::testing::HasSubstr;

constexpr const char* kCollection =
    "/apis/secrets-store.csi.x-k8s.io/v1/namespaces/team/secretproviderclasspodstatuses";
constexpr const char* kPath =
    "/apis/secrets-store.csi.x-k8s.io/v1/namespaces/team/secretproviderclasspodstatuses/"
    "web-1-team-app";

PodStatusInfo info() {
  PodStatusInfo status;
  status.pod_name = "web-1";
  status.namespace_name = "team";
  status.pod_uid = "u-1";
  status.node_name = "node-a";
  status.spc_name = "app";
  status.target_path = "/var/lib/kubelet/pods/u-1/volumes/kubernetes.io~csi/store/mount";
  status.objects = {{"b", "2"}, {"a", "1"}};
  return status;
}

// As stored by the API server: what we would write, plus server fields.
json stored(const PodStatusInfo& status = info()) {
  json object = pod_status_object(status);
  object["metadata"]["uid"] = "spcps-uid";
  object["metadata"]["resourceVersion"] = "9";
  return object;
}

TEST(KubeSyncPodStatusWriter, CreatesTheObject) {
  FakeApiClient api;
  api.expect("GET", kPath, 404);
  api.expect("POST", kCollection, 201, stored().dump());
  const SyncResult result = write_pod_status(api, info());
  EXPECT_EQ(result.outcome, SyncOutcome::Created) << result.error;
  EXPECT_EQ(result.writes, 1);
  EXPECT_EQ(result.uid, "spcps-uid");
  EXPECT_EQ(json::parse(api.requests()[1].body), pod_status_object(info()));
  EXPECT_EQ(api.requests()[1].what, "SecretProviderClassPodStatus team/web-1-team-app");
}

TEST(KubeSyncPodStatusWriter, FirstMountCreatesWithoutReadingFirst) {
  FakeApiClient api;
  api.expect("POST", kCollection, 201, stored().dump());
  const SyncResult result = write_pod_status(api, info(), true);
  EXPECT_EQ(result.outcome, SyncOutcome::Created) << result.error;
  EXPECT_EQ(result.uid, "spcps-uid");
  EXPECT_EQ(api.requests().size(), 1u);
}

TEST(KubeSyncPodStatusWriter, FirstMountOfAnExistingObjectReadsAndCompares) {
  FakeApiClient api;
  api.expect("POST", kCollection, 409);
  api.expect("GET", kPath, 200, stored().dump());
  const SyncResult result = write_pod_status(api, info(), true);
  EXPECT_EQ(result.outcome, SyncOutcome::Unchanged) << result.error;
  EXPECT_EQ(result.writes, 0);
  EXPECT_EQ(api.unanswered(), 0u);
}

TEST(KubeSyncPodStatusWriter, ExistingEqualObjectIsNotWritten) {
  FakeApiClient api;
  api.expect("GET", kPath, 200, stored().dump());
  const SyncResult result = write_pod_status(api, info());
  EXPECT_EQ(result.outcome, SyncOutcome::Unchanged) << result.error;
  EXPECT_EQ(result.writes, 0);
  EXPECT_EQ(result.uid, "spcps-uid");
}

TEST(KubeSyncPodStatusWriter, OmittedEmptyFieldsCompareEqual) {
  // Written by upstream's Go code: omitempty leaves out false and empty values.
  PodStatusInfo status = info();
  status.mounted = false;
  status.objects.clear();
  json existing = stored(status);
  existing["status"].erase("mounted");
  existing["status"].erase("objects");
  FakeApiClient api;
  api.expect("GET", kPath, 200, existing.dump());
  EXPECT_EQ(write_pod_status(api, status).outcome, SyncOutcome::Unchanged);
}

TEST(KubeSyncPodStatusWriter, MovedPodOrNewVersionsAreOnePut) {
  PodStatusInfo old = info();
  old.node_name = "node-b";
  old.objects = {{"a", "0"}};
  json existing = stored(old);
  existing["metadata"]["labels"]["keep"] = "me";
  existing["metadata"]["ownerReferences"].push_back(
      {{"apiVersion", "v1"}, {"kind", "Pod"}, {"name", "stale"}, {"uid", "old"}});
  FakeApiClient api;
  api.expect("GET", kPath, 200, existing.dump());
  api.expect("PUT", kPath, 200);
  const SyncResult result = write_pod_status(api, info());
  EXPECT_EQ(result.outcome, SyncOutcome::Updated) << result.error;
  EXPECT_EQ(result.writes, 1);
  EXPECT_EQ(result.uid, "spcps-uid");
  const json put = json::parse(api.requests()[1].body);
  EXPECT_EQ(put["metadata"]["resourceVersion"], "9");
  EXPECT_EQ(put["metadata"]["labels"],
            json({{"keep", "me"}, {"internal.secrets-store.csi.k8s.io/node-name", "node-a"}}));
  EXPECT_EQ(
      put["metadata"]["ownerReferences"],
      json::array({{{"apiVersion", "v1"}, {"kind", "Pod"}, {"name", "web-1"}, {"uid", "u-1"}}}));
  EXPECT_EQ(put["status"], pod_status_object(info())["status"]);
}

TEST(KubeSyncPodStatusWriter, ConflictOnPutRereadsAndRetries) {
  PodStatusInfo old = info();
  old.mounted = false;
  FakeApiClient api;
  api.expect("GET", kPath, 200, stored(old).dump());
  api.expect("PUT", kPath, 409);
  json newer = stored(old);
  newer["metadata"]["resourceVersion"] = "10";
  api.expect("GET", kPath, 200, newer.dump());
  api.expect("PUT", kPath, 200);
  const SyncResult result = write_pod_status(api, info());
  EXPECT_EQ(result.outcome, SyncOutcome::Updated) << result.error;
  EXPECT_EQ(json::parse(api.requests()[3].body)["metadata"]["resourceVersion"], "10");
}

TEST(KubeSyncPodStatusWriter, CreatedByAnotherBetweenGetAndPostIsReadAgain) {
  FakeApiClient api;
  api.expect("GET", kPath, 404);
  api.expect("POST", kCollection, 409);
  api.expect("GET", kPath, 200, stored().dump());
  const SyncResult result = write_pod_status(api, info());
  EXPECT_EQ(result.outcome, SyncOutcome::Unchanged) << result.error;
  EXPECT_EQ(result.writes, 0);
  EXPECT_EQ(api.unanswered(), 0u);
}

TEST(KubeSyncPodStatusWriter, DeletedBetweenGetAndPutIsCreatedAgain) {
  PodStatusInfo old = info();
  old.mounted = false;
  FakeApiClient api;
  api.expect("GET", kPath, 200, stored(old).dump());
  api.expect("PUT", kPath, 404);
  api.expect("GET", kPath, 404);
  api.expect("POST", kCollection, 201);
  EXPECT_EQ(write_pod_status(api, info()).outcome, SyncOutcome::Created);
}

TEST(KubeSyncPodStatusWriter, EndlessConflictsGiveUp) {
  PodStatusInfo old = info();
  old.mounted = false;
  FakeApiClient api;
  for (int i = 0; i < kMaxPodStatusAttempts; ++i) {
    api.expect("GET", kPath, 200, stored(old).dump());
    api.expect("PUT", kPath, 409);
  }
  const SyncResult result = write_pod_status(api, info());
  EXPECT_EQ(result.outcome, SyncOutcome::Failed);
  EXPECT_EQ(result.error,
            "SecretProviderClassPodStatus team/web-1-team-app: gave up after 5 attempts: the "
            "object kept changing while it was written (409 Conflict)");
  EXPECT_EQ(api.unanswered(), 0u);
}

TEST(KubeSyncPodStatusWriter, ForbiddenAndServerErrorsFailClearly) {
  FakeApiClient api;
  api.expect("GET", kPath, 404);
  api.expect("POST", kCollection, 403);
  EXPECT_THAT(write_pod_status(api, info()).error,
              HasSubstr("POST answered 403 (the driver's ServiceAccount needs create, get and "
                        "update on secretproviderclasspodstatuses"));
  api.expect("GET", kPath, 500);
  const SyncResult result = write_pod_status(api, info());
  EXPECT_EQ(result.outcome, SyncOutcome::Failed);
  EXPECT_EQ(result.error, "SecretProviderClassPodStatus team/web-1-team-app: GET answered 500");
}

}  // namespace
}  // namespace sscsi::kube
