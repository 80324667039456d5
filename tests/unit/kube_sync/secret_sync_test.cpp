// sync_secret against a scripted API: create, no-op, update, owners, ownership, conflicts,
// RBAC and server errors, type changes.
#include "kube/sync/secret_sync.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_api_client.h"
#include "kube/objects/base64.h"

namespace sscsi::kube {
namespace {

using nlohmann::json;
using testing::FakeApiClient;
using ::testing::HasSubstr;

constexpr const char* kPath = "/api/v1/namespaces/team/secrets/db";
constexpr const char* kCollection = "/api/v1/namespaces/team/secrets";

DesiredSecret desired() {
  DesiredSecret secret;
  secret.name = "db";
  secret.type = "Opaque";
  secret.labels = {{"team", "a"}, {"secrets-store.csi.k8s.io/managed", "true"}};
  secret.data.emplace("password", SecretBytes("s3cret"));
  return secret;
}

const OwnerReference kReplicaSet{"apps/v1", "ReplicaSet", "web-5d", "rs-1", true, true};
const OwnerReference kOtherReplicaSet{"apps/v1", "ReplicaSet", "web-7f", "rs-2", true, true};

json owner_json(const OwnerReference& owner) {
  return {{"apiVersion", owner.api_version},
          {"kind", owner.kind},
          {"name", owner.name},
          {"uid", owner.uid}};
}

// The Secret as the API server would return it, matching desired() unless changed.
json stored(const std::vector<OwnerReference>& owners = {kReplicaSet}) {
  json secret = {{"apiVersion", "v1"},
                 {"kind", "Secret"},
                 {"metadata",
                  {{"name", "db"},
                   {"namespace", "team"},
                   {"uid", "secret-uid"},
                   {"resourceVersion", "41"},
                   {"creationTimestamp", "2024-05-01T12:00:00Z"},
                   {"labels", {{"team", "a"}, {"secrets-store.csi.k8s.io/managed", "true"}}}}},
                 {"type", "Opaque"},
                 {"data", {{"password", base64_encode("s3cret")}}}};
  for (const OwnerReference& owner : owners) {
    secret["metadata"]["ownerReferences"].push_back(owner_json(owner));
  }
  return secret;
}

json body_of(const ApiRequest& request) { return json::parse(request.body); }

TEST(KubeSyncSecretSync, CreatesAMissingSecretWithEverything) {
  FakeApiClient api;
  api.expect("GET", kPath, 404);
  api.expect("POST", kCollection, 201, stored().dump());
  const SyncResult result = sync_secret(api, "team", desired(), {kReplicaSet});
  EXPECT_EQ(result.outcome, SyncOutcome::Created) << result.error;
  EXPECT_EQ(result.writes, 1);
  EXPECT_EQ(result.uid, "secret-uid");
  const json body = body_of(api.requests()[1]);
  EXPECT_EQ(body, json::parse(R"({
    "apiVersion": "v1", "kind": "Secret",
    "metadata": {"name": "db", "namespace": "team",
                 "labels": {"team": "a", "secrets-store.csi.k8s.io/managed": "true"},
                 "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                      "name": "web-5d", "uid": "rs-1"}]},
    "type": "Opaque",
    "data": {"password": "czNjcmV0"}
  })"));
  EXPECT_EQ(api.requests()[1].what, "Secret team/db");
}

TEST(KubeSyncSecretSync, SameContentWritesNothing) {
  FakeApiClient api;
  api.expect("GET", kPath, 200, stored().dump());
  const SyncResult result = sync_secret(api, "team", desired(), {kReplicaSet});
  EXPECT_EQ(result.outcome, SyncOutcome::Unchanged) << result.error;
  EXPECT_EQ(result.writes, 0);
  EXPECT_EQ(result.uid, "secret-uid");
  EXPECT_EQ(api.requests().size(), 1u);
}

TEST(KubeSyncSecretSync, ChangedDataIsExactlyOnePutWithTheResourceVersion) {
  FakeApiClient api;
  json existing = stored();
  existing["data"]["password"] = base64_encode("old");
  existing["data"]["stale"] = base64_encode("gone");
  existing["metadata"]["labels"]["extra"] = "kept";
  existing["metadata"]["annotations"] = {{"kubectl", "kept"}};
  api.expect("GET", kPath, 200, existing.dump());
  api.expect("PUT", kPath, 200);
  const SyncResult result = sync_secret(api, "team", desired(), {kReplicaSet});
  EXPECT_EQ(result.outcome, SyncOutcome::Updated) << result.error;
  EXPECT_EQ(result.writes, 1);
  ASSERT_EQ(api.requests().size(), 2u);
  const json put = body_of(api.requests()[1]);
  EXPECT_EQ(put["metadata"]["resourceVersion"], "41");
  EXPECT_EQ(put["data"], json({{"password", base64_encode("s3cret")}}));
  EXPECT_EQ(put["metadata"]["labels"]["extra"], "kept");
  EXPECT_EQ(put["metadata"]["annotations"], json({{"kubectl", "kept"}}));
}

TEST(KubeSyncSecretSync, ChangedLabelOrAnnotationIsAnUpdate) {
  FakeApiClient api;
  DesiredSecret secret = desired();
  secret.annotations["rotated"] = "yes";
  api.expect("GET", kPath, 200, stored().dump());
  api.expect("PUT", kPath, 200);
  EXPECT_EQ(sync_secret(api, "team", secret, {kReplicaSet}).outcome, SyncOutcome::Updated);
  EXPECT_EQ(body_of(api.requests()[1])["metadata"]["annotations"], json({{"rotated", "yes"}}));
}

TEST(KubeSyncSecretSync, OwnersAreAddedNeverDropped) {
  FakeApiClient api;
  api.expect("GET", kPath, 200, stored({kReplicaSet}).dump());
  api.expect("PUT", kPath, 200);
  const SyncResult result = sync_secret(api, "team", desired(), {kOtherReplicaSet});
  EXPECT_EQ(result.outcome, SyncOutcome::Updated) << result.error;
  EXPECT_EQ(body_of(api.requests()[1])["metadata"]["ownerReferences"],
            json::array({owner_json(kReplicaSet), owner_json(kOtherReplicaSet)}));
}

TEST(KubeSyncSecretSync, KnownOwnersAndNoOwnersWriteNothing) {
  FakeApiClient api;
  api.expect("GET", kPath, 200, stored({kReplicaSet, kOtherReplicaSet}).dump());
  api.expect("GET", kPath, 200, stored({kReplicaSet, kOtherReplicaSet}).dump());
  EXPECT_EQ(sync_secret(api, "team", desired(), {kOtherReplicaSet}).outcome,
            SyncOutcome::Unchanged);
  EXPECT_EQ(sync_secret(api, "team", desired(), {}).outcome, SyncOutcome::Unchanged);
}

TEST(KubeSyncSecretSync, UnmanagedSecretIsLeftUntouched) {
  FakeApiClient api;
  json existing = stored();
  existing["metadata"]["labels"].erase("secrets-store.csi.k8s.io/managed");
  api.expect("GET", kPath, 200, existing.dump());
  const SyncResult result = sync_secret(api, "team", desired(), {kReplicaSet});
  EXPECT_EQ(result.outcome, SyncOutcome::Failed);
  EXPECT_EQ(result.writes, 0);
  EXPECT_EQ(api.requests().size(), 1u);
  EXPECT_EQ(result.error,
            "Secret team/db exists and is not managed by the driver (no label "
            "secrets-store.csi.k8s.io/managed=true), so it is left untouched: delete or rename "
            "it, or choose another secretName");
}

TEST(KubeSyncSecretSync, ManagedLabelMustBeExactlyTrue) {
  FakeApiClient api;
  json existing = stored();
  existing["metadata"]["labels"]["secrets-store.csi.k8s.io/managed"] = "True";
  api.expect("GET", kPath, 200, existing.dump());
  EXPECT_EQ(sync_secret(api, "team", desired(), {}).outcome, SyncOutcome::Failed);
}

TEST(KubeSyncSecretSync, ConflictRereadsAndRetries) {
  FakeApiClient api;
  json existing = stored();
  existing["data"]["password"] = base64_encode("old");
  api.expect("GET", kPath, 200, existing.dump());
  api.expect("PUT", kPath, 409);
  existing["metadata"]["resourceVersion"] = "42";
  api.expect("GET", kPath, 200, existing.dump());
  api.expect("PUT", kPath, 200);
  const SyncResult result = sync_secret(api, "team", desired(), {});
  EXPECT_EQ(result.outcome, SyncOutcome::Updated) << result.error;
  EXPECT_EQ(result.writes, 1);
  EXPECT_EQ(body_of(api.requests()[3])["metadata"]["resourceVersion"], "42");
}

TEST(KubeSyncSecretSync, ConflictThatMadeItRightNeedsNoWrite) {
  FakeApiClient api;
  json existing = stored();
  existing["data"]["password"] = base64_encode("old");
  api.expect("GET", kPath, 200, existing.dump());
  api.expect("PUT", kPath, 409);
  api.expect("GET", kPath, 200, stored().dump());  // another writer already did it
  const SyncResult result = sync_secret(api, "team", desired(), {kReplicaSet});
  EXPECT_EQ(result.outcome, SyncOutcome::Unchanged);
  EXPECT_EQ(result.writes, 0);
}

TEST(KubeSyncSecretSync, CreateRaceReadsTheWinner) {
  FakeApiClient api;
  api.expect("GET", kPath, 404);
  api.expect("POST", kCollection, 409);
  api.expect("GET", kPath, 200, stored().dump());
  EXPECT_EQ(sync_secret(api, "team", desired(), {kReplicaSet}).outcome, SyncOutcome::Unchanged);
}

TEST(KubeSyncSecretSync, EndlessConflictsGiveUpAfterFiveRounds) {
  FakeApiClient api;
  json existing = stored();
  existing["data"]["password"] = base64_encode("old");
  for (int i = 0; i < kMaxSyncAttempts; ++i) {
    api.expect("GET", kPath, 200, existing.dump());
    api.expect("PUT", kPath, 409);
  }
  const SyncResult result = sync_secret(api, "team", desired(), {});
  EXPECT_EQ(result.outcome, SyncOutcome::Failed);
  EXPECT_EQ(result.error,
            "Secret team/db: gave up after 5 attempts: the Secret kept changing while it was "
            "written (409 Conflict)");
  EXPECT_EQ(api.unanswered(), 0u);
}

TEST(KubeSyncSecretSync, ForbiddenCarriesTheRbacHint) {
  FakeApiClient api;
  api.expect("GET", kPath, 403);
  const SyncResult result = sync_secret(api, "team", desired(), {});
  EXPECT_EQ(result.outcome, SyncOutcome::Failed);
  EXPECT_EQ(result.error,
            "Secret team/db: GET answered 403 (the driver's ServiceAccount lacks the Secret sync "
            "permissions: apply the Secret part of the RBAC in deploy/ (needed whenever a "
            "SecretProviderClass has secretObjects))");
}

TEST(KubeSyncSecretSync, ForbiddenCreateCarriesTheHintToo) {
  FakeApiClient api;
  api.expect("GET", kPath, 404);
  api.expect("POST", kCollection, 403);
  EXPECT_THAT(sync_secret(api, "team", desired(), {}).error,
              HasSubstr("POST answered 403 (the driver's ServiceAccount lacks"));
}

TEST(KubeSyncSecretSync, ServerErrorAfterTheClientsRetriesFails) {
  FakeApiClient api;
  json existing = stored();
  existing["data"]["password"] = base64_encode("old");
  api.expect("GET", kPath, 200, existing.dump());
  api.expect("PUT", kPath, 503);
  const SyncResult result = sync_secret(api, "team", desired(), {});
  EXPECT_EQ(result.outcome, SyncOutcome::Failed);
  EXPECT_EQ(result.error, "Secret team/db: PUT answered 503");
  EXPECT_EQ(result.writes, 0);
}

TEST(KubeSyncSecretSync, NoConnectionFails) {
  FakeApiClient api;
  api.expect("GET", kPath, 0);
  const SyncResult result = sync_secret(api, "team", desired(), {});
  EXPECT_EQ(result.outcome, SyncOutcome::Failed);
  EXPECT_EQ(result.error, "Secret team/db: GET failed: connection refused");
}

TEST(KubeSyncSecretSync, AnswerThatIsNotASecretFails) {
  FakeApiClient api;
  api.expect("GET", kPath, 200, "<html>proxy error</html>");
  const SyncResult result = sync_secret(api, "team", desired(), {});
  EXPECT_EQ(result.outcome, SyncOutcome::Failed);
  EXPECT_EQ(result.error, "Secret team/db: the API server's answer to GET is not a Secret object");
}

TEST(KubeSyncSecretSync, TypeChangeDeletesThatExactObjectAndRecreates) {
  FakeApiClient api;
  json existing = stored();
  existing["metadata"]["labels"]["extra"] = "kept";
  DesiredSecret secret = desired();
  secret.type = "kubernetes.io/basic-auth";
  api.expect("GET", kPath, 200, existing.dump());
  api.expect("DELETE", kPath, 200);
  api.expect("POST", kCollection, 201);
  const SyncResult result = sync_secret(api, "team", secret, {kOtherReplicaSet});
  EXPECT_EQ(result.outcome, SyncOutcome::Updated) << result.error;
  EXPECT_EQ(result.writes, 2);
  EXPECT_EQ(body_of(api.requests()[1])["preconditions"],
            json({{"uid", "secret-uid"}, {"resourceVersion", "41"}}));
  const json created = body_of(api.requests()[2]);
  EXPECT_EQ(created["type"], "kubernetes.io/basic-auth");
  EXPECT_EQ(created["metadata"]["labels"]["extra"], "kept");
  EXPECT_EQ(created["metadata"]["ownerReferences"],
            json::array({owner_json(kReplicaSet), owner_json(kOtherReplicaSet)}));
  EXPECT_FALSE(created["metadata"].contains("resourceVersion"));
}

TEST(KubeSyncSecretSync, TypeChangeRaceRereads) {
  FakeApiClient api;
  DesiredSecret secret = desired();
  secret.type = "kubernetes.io/basic-auth";
  api.expect("GET", kPath, 200, stored().dump());
  api.expect("DELETE", kPath, 409);  // precondition failed: it changed since we read it
  json now = stored();
  now["type"] = "kubernetes.io/basic-auth";
  api.expect("GET", kPath, 200, now.dump());
  const SyncResult result = sync_secret(api, "team", secret, {kReplicaSet});
  EXPECT_EQ(result.outcome, SyncOutcome::Unchanged) << result.error;
  EXPECT_EQ(result.writes, 0);
}

}  // namespace
}  // namespace sscsi::kube
