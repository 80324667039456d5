// Parsing SecretProviderClass and Pod JSON: good objects field by field, and bad ones, each with
// the exact message a user would see.
#include <gtest/gtest.h>

#include <string>

#include "kube/objects/json_fields.h"
#include "kube/objects/pod_json.h"
#include "kube/objects/spc_json.h"

namespace sscsi::kube {
namespace {

using nlohmann::json;

json good_spc() {
  return json::parse(R"({
    "apiVersion": "secrets-store.csi.x-k8s.io/v1",
    "kind": "SecretProviderClass",
    "metadata": {"name": "app", "namespace": "team", "resourceVersion": "7"},
    "spec": {
      "provider": "azure",
      "parameters": {"objects": "array:\n  - |\n    objectName: a", "tenantId": "t"},
      "secretObjects": [{
        "secretName": "app-tls", "type": "kubernetes.io/tls",
        "labels": {"team": "a"}, "annotations": {"note": "n"},
        "data": [{"objectName": "cert", "key": "tls.crt"}, {"objectName": "cert", "key": "tls.key"}]
      }]
    }
  })");
}

json good_pod() {
  return json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "web-1", "namespace": "team", "uid": "u-1",
      "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d",
                           "uid": "rs-1", "controller": true, "blockOwnerDeletion": true}]},
    "spec": {"nodeName": "node-a", "serviceAccountName": "web"},
    "status": {"phase": "Running"}
  })");
}

TEST(KubeSyncSpcJson, ParsesEveryField) {
  const SpcLookup result = parse_secret_provider_class(good_spc(), "the API");
  ASSERT_TRUE(std::holds_alternative<SecretProviderClass>(result))
      << std::get<SpcLookupError>(result).message;
  const auto& spc = std::get<SecretProviderClass>(result);
  EXPECT_EQ(spc.name, "app");
  EXPECT_EQ(spc.namespace_name, "team");
  EXPECT_EQ(spc.provider, "azure");
  EXPECT_EQ(spc.parameters.at("objects"), "array:\n  - |\n    objectName: a");
  EXPECT_EQ(spc.parameters.at("tenantId"), "t");
  EXPECT_EQ(spc.source, "the API");
  ASSERT_EQ(spc.secret_objects.size(), 1u);
  const SecretObject& object = spc.secret_objects[0];
  EXPECT_EQ(object.secret_name, "app-tls");
  EXPECT_EQ(object.type, "kubernetes.io/tls");
  EXPECT_EQ(object.labels.at("team"), "a");
  EXPECT_EQ(object.annotations.at("note"), "n");
  ASSERT_EQ(object.data.size(), 2u);
  EXPECT_EQ(object.data[1].object_name, "cert");
  EXPECT_EQ(object.data[1].key, "tls.key");
}

TEST(KubeSyncSpcJson, AcceptsV1Alpha1NullsAndRuntimeInvalidSecretObjects) {
  json spc = good_spc();
  spc["apiVersion"] = "secrets-store.csi.x-k8s.io/v1alpha1";
  spc["spec"]["parameters"] = nullptr;
  // Bad at sync time, not at parse time: the class must still mount (as upstream).
  spc["spec"]["secretObjects"] = json::parse(R"([{"secretName": "", "data": []}])");
  const SpcLookup result = parse_secret_provider_class(spc, "x");
  ASSERT_TRUE(std::holds_alternative<SecretProviderClass>(result));
  EXPECT_TRUE(std::get<SecretProviderClass>(result).parameters.empty());
  EXPECT_EQ(std::get<SecretProviderClass>(result).secret_objects.size(), 1u);
}

TEST(KubeSyncPodJson, ParsesEveryField) {
  json object = good_pod();
  object["metadata"]["deletionTimestamp"] = "2024-05-01T12:00:00Z";
  const PodInfo pod = parse_pod(object, "GET");
  EXPECT_EQ(pod.name, "web-1");
  EXPECT_EQ(pod.namespace_name, "team");
  EXPECT_EQ(pod.uid, "u-1");
  EXPECT_EQ(pod.node_name, "node-a");
  EXPECT_EQ(pod.service_account, "web");
  EXPECT_EQ(pod.phase, "Running");
  EXPECT_TRUE(pod.terminating);
  ASSERT_EQ(pod.owners.size(), 1u);
  EXPECT_EQ(pod.owners[0], (OwnerReference{"apps/v1", "ReplicaSet", "web-5d", "rs-1", true, true}));
  EXPECT_EQ(owner_reference_json(pod.owners[0]),
            json::parse(R"({"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d",
                            "uid": "rs-1", "controller": true, "blockOwnerDeletion": true})"));
}

TEST(KubeSyncPodJson, BarePodHasNoOwnersAndIsNotTerminating) {
  json object = good_pod();
  object["metadata"].erase("ownerReferences");
  object.erase("status");
  const PodInfo pod = parse_pod(object, "GET");
  EXPECT_TRUE(pod.owners.empty());
  EXPECT_FALSE(pod.terminating);
  EXPECT_EQ(pod.phase, "");
}

// One bad input: a JSON pointer into the good object, the value to put there (or "DELETE"),
// and the exact message.
struct BadInput {
  const char* pointer;
  const char* value;
  const char* message;
};

std::ostream& operator<<(std::ostream& out, const BadInput& input) {
  return out << input.pointer << " = " << input.value;
}

json apply(json object, const BadInput& input) {
  const std::string pointer = input.pointer;
  if (pointer.empty()) return json::parse(input.value);
  if (std::string(input.value) == "DELETE") {
    const json::json_pointer path(pointer);
    object[path.parent_pointer()].erase(path.back());
  } else {
    object[json::json_pointer(pointer)] = json::parse(input.value);
  }
  return object;
}

class KubeSyncSpcJsonBad : public ::testing::TestWithParam<BadInput> {};

TEST_P(KubeSyncSpcJsonBad, IsInvalidWithExactMessage) {
  const SpcLookup result = parse_secret_provider_class(apply(good_spc(), GetParam()), "the API");
  ASSERT_TRUE(std::holds_alternative<SpcLookupError>(result));
  const auto& error = std::get<SpcLookupError>(result);
  EXPECT_EQ(error.kind, SpcLookupError::Kind::Invalid);
  EXPECT_EQ(error.message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, KubeSyncSpcJsonBad,
    ::testing::Values(
        BadInput{"", "[1]",
                 "SecretProviderClass from the API: the object must be a JSON object, got array"},
        BadInput{"", "\"text\"",
                 "SecretProviderClass from the API: the object must be a JSON object, got string"},
        BadInput{"/metadata", "DELETE", "SecretProviderClass from the API: metadata is missing"},
        BadInput{"/metadata", "\"app\"",
                 "SecretProviderClass from the API: metadata must be an object, got string"},
        BadInput{"/metadata/name", "DELETE",
                 "SecretProviderClass from the API: metadata.name is missing"},
        BadInput{"/metadata/name", "\"\"",
                 "SecretProviderClass from the API: metadata.name is missing"},
        BadInput{"/metadata/name", "12",
                 "SecretProviderClass from the API: metadata.name must be a string, got number"},
        BadInput{"/metadata/namespace", "DELETE",
                 "SecretProviderClass from the API: metadata.namespace is missing"},
        BadInput{"/apiVersion", "\"v1\"",
                 "SecretProviderClass team/app: apiVersion 'v1' is not "
                 "secrets-store.csi.x-k8s.io/v1 or secrets-store.csi.x-k8s.io/v1alpha1"},
        BadInput{"/apiVersion", "DELETE",
                 "SecretProviderClass team/app: apiVersion '' is not "
                 "secrets-store.csi.x-k8s.io/v1 or secrets-store.csi.x-k8s.io/v1alpha1"},
        BadInput{"/apiVersion", "1",
                 "SecretProviderClass team/app: apiVersion must be a string, got number"},
        BadInput{"/kind", "\"ConfigMap\"",
                 "SecretProviderClass team/app: kind 'ConfigMap' is not SecretProviderClass"},
        BadInput{"/spec", "[]", "SecretProviderClass team/app: spec must be an object, got array"},
        BadInput{"/spec/provider", "3",
                 "SecretProviderClass team/app: spec.provider must be a string, got number"},
        BadInput{"/spec/parameters", "[\"a\"]",
                 "SecretProviderClass team/app: spec.parameters must be an object, got array"},
        BadInput{"/spec/parameters/objects", "5",
                 "SecretProviderClass team/app: spec.parameters.objects must be a string, got "
                 "number"},
        BadInput{"/spec/parameters/usePodIdentity", "false",
                 "SecretProviderClass team/app: spec.parameters.usePodIdentity must be a string, "
                 "got boolean"},
        BadInput{"/spec/parameters/tenantId", "{\"a\": \"b\"}",
                 "SecretProviderClass team/app: spec.parameters.tenantId must be a string, got "
                 "object"},
        BadInput{"/spec/parameters/tenantId", "null",
                 "SecretProviderClass team/app: spec.parameters.tenantId must be a string, got "
                 "null"},
        BadInput{"/spec/secretObjects", "{}",
                 "SecretProviderClass team/app: spec.secretObjects must be a list, got object"},
        BadInput{"/spec/secretObjects/0", "\"app-tls\"",
                 "SecretProviderClass team/app: spec.secretObjects[0] must be an object, got "
                 "string"},
        BadInput{"/spec/secretObjects/0/secretName", "7",
                 "SecretProviderClass team/app: spec.secretObjects[0].secretName must be a string, "
                 "got number"},
        BadInput{"/spec/secretObjects/0/type", "true",
                 "SecretProviderClass team/app: spec.secretObjects[0].type must be a string, got "
                 "boolean"},
        BadInput{"/spec/secretObjects/0/labels/team", "1",
                 "SecretProviderClass team/app: spec.secretObjects[0].labels.team must be a "
                 "string, got number"},
        BadInput{"/spec/secretObjects/0/annotations", "[]",
                 "SecretProviderClass team/app: spec.secretObjects[0].annotations must be an "
                 "object, got array"},
        BadInput{"/spec/secretObjects/0/data", "{}",
                 "SecretProviderClass team/app: spec.secretObjects[0].data must be a list, got "
                 "object"},
        BadInput{"/spec/secretObjects/0/data/1", "\"cert\"",
                 "SecretProviderClass team/app: spec.secretObjects[0].data[1] must be an object, "
                 "got string"},
        BadInput{"/spec/secretObjects/0/data/0/objectName", "[]",
                 "SecretProviderClass team/app: spec.secretObjects[0].data[0].objectName must be "
                 "a string, got array"},
        BadInput{"/spec/secretObjects/0/data/1/key", "2.5",
                 "SecretProviderClass team/app: spec.secretObjects[0].data[1].key must be a "
                 "string, got number"}));

class KubeSyncPodJsonBad : public ::testing::TestWithParam<BadInput> {};

TEST_P(KubeSyncPodJsonBad, ThrowsWithExactMessage) {
  try {
    parse_pod(apply(good_pod(), GetParam()), "GET /api/v1/namespaces/team/pods/web-1");
    FAIL() << "parsed";
  } catch (const InvalidObject& e) {
    EXPECT_EQ(std::string(e.what()), GetParam().message);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, KubeSyncPodJsonBad,
    ::testing::Values(
        BadInput{"", "null",
                 "Pod from GET /api/v1/namespaces/team/pods/web-1: the object must be a JSON "
                 "object, got null"},
        BadInput{"/metadata", "DELETE",
                 "Pod from GET /api/v1/namespaces/team/pods/web-1: metadata is missing"},
        BadInput{"/metadata/name", "DELETE",
                 "Pod from GET /api/v1/namespaces/team/pods/web-1: metadata.name is missing"},
        BadInput{"/metadata/namespace", "false",
                 "Pod from GET /api/v1/namespaces/team/pods/web-1: metadata.namespace must be a "
                 "string, got boolean"},
        BadInput{"/metadata/uid", "DELETE", "Pod team/web-1: metadata.uid is missing"},
        BadInput{"/kind", "\"Deployment\"", "Pod team/web-1: kind 'Deployment' is not Pod"},
        BadInput{"/apiVersion", "\"apps/v1\"", "Pod team/web-1: apiVersion 'apps/v1' is not v1"},
        BadInput{"/metadata/deletionTimestamp", "0",
                 "Pod team/web-1: metadata.deletionTimestamp must be a string, got number"},
        BadInput{"/metadata/ownerReferences", "{}",
                 "Pod team/web-1: metadata.ownerReferences must be a list, got object"},
        BadInput{"/metadata/ownerReferences/0", "\"rs\"",
                 "Pod team/web-1: metadata.ownerReferences[0] must be an object, got string"},
        BadInput{"/metadata/ownerReferences/0/uid", "DELETE",
                 "Pod team/web-1: metadata.ownerReferences[0].uid is missing"},
        BadInput{"/metadata/ownerReferences/0/kind", "\"\"",
                 "Pod team/web-1: metadata.ownerReferences[0].kind is missing"},
        BadInput{"/metadata/ownerReferences/0/controller", "\"yes\"",
                 "Pod team/web-1: metadata.ownerReferences[0].controller must be a boolean, got "
                 "string"},
        BadInput{"/spec", "\"x\"", "Pod team/web-1: spec must be an object, got string"},
        BadInput{"/spec/nodeName", "1",
                 "Pod team/web-1: spec.nodeName must be a string, got number"},
        BadInput{"/spec/serviceAccountName", "[]",
                 "Pod team/web-1: spec.serviceAccountName must be a string, got array"},
        BadInput{"/status/phase", "{}",
                 "Pod team/web-1: status.phase must be a string, got object"}));

}  // namespace
}  // namespace sscsi::kube
