// parse_mount_request: upstream's order of checks and messages (reference azure-provider.md §1,
// §10.1 cases 1–4, 31–33), identity selection and trimming.
#include <gtest/gtest.h>

#include "request_builder.h"

namespace sscsi::azure {
namespace {

using test::Attributes;
using test::base_attributes;
using test::kPodName;
using test::kPodNamespace;
using test::kTokens;
using test::parse;
using test::parse_error;
using test::service_account_tokens;
using test::sp_secrets;

// §10.1 case 31, in upstream's order: each step adds what the previous one missed.
TEST(MountRequestOrder, PodNameThenNamespaceThenVaultThenTenant) {
  Attributes attributes;
  EXPECT_EQ(parse_error(attributes), "pod name is not provided");
  attributes[kPodName] = "pod-1";
  EXPECT_EQ(parse_error(attributes), "pod namespace is not provided");
  attributes[kPodNamespace] = "ns-1";
  EXPECT_EQ(parse_error(attributes), "keyvaultName is not provided");
  attributes["keyvaultName"] = "testkv";
  EXPECT_EQ(parse_error(attributes), "tenantId is not provided");
  attributes["tenantID"] = "tenant-1";
  EXPECT_EQ(parse_error(attributes), "objects is not set");
}

TEST(MountRequestOrder, WhiteSpaceOnlyCountsAsMissing) {
  Attributes attributes = base_attributes();
  attributes[kPodName] = "  ";
  EXPECT_EQ(parse_error(attributes), "pod name is not provided");
  attributes = base_attributes();
  attributes[kPodNamespace] = "\t";
  EXPECT_EQ(parse_error(attributes), "pod namespace is not provided");
  attributes = base_attributes();
  attributes["keyvaultName"] = " ";
  EXPECT_EQ(parse_error(attributes), "keyvaultName is not provided");
  attributes = base_attributes();
  attributes["tenantID"] = " ";
  attributes["tenantId"] = "\n";
  EXPECT_EQ(parse_error(attributes), "tenantId is not provided");
  attributes = base_attributes();
  attributes["objects"] = " \n ";
  EXPECT_EQ(parse_error(attributes), "objects is not set");
}

TEST(MountRequestOrder, FlagsAreParsedBeforeTheVaultName) {
  const Attributes pod_only{{kPodName, "p"}, {kPodNamespace, "n"}};
  Attributes attributes = pod_only;
  attributes["usePodIdentity"] = "tru";
  EXPECT_EQ(parse_error(attributes),
            "failed to parse usePodIdentity flag, error: strconv.ParseBool: parsing \"tru\": "
            "invalid syntax");
  attributes = pod_only;
  attributes["useVMManagedIdentity"] = " test ";
  EXPECT_EQ(parse_error(attributes),
            "failed to parse useVMManagedIdentity flag, error: strconv.ParseBool: parsing "
            "\"test\": invalid syntax");
  attributes = pod_only;
  attributes["useAzureTokenProxy"] = "invalid-value";  // §10.1 case 32
  EXPECT_EQ(parse_error(attributes),
            "failed to parse useAzureTokenProxy flag, error: strconv.ParseBool: parsing "
            "\"invalid-value\": invalid syntax");
  // usePodIdentity is parsed first, so its error wins over the others'.
  attributes = pod_only;
  attributes["usePodIdentity"] = "x";
  attributes["useVMManagedIdentity"] = "y";
  EXPECT_EQ(parse_error(attributes),
            "failed to parse usePodIdentity flag, error: strconv.ParseBool: parsing \"x\": "
            "invalid syntax");
}

TEST(MountRequestOrder, OnlyOneIdentityModeBeforeTheVaultName) {
  const std::string expected =
      "only one identity mode can be enabled at a time: usePodIdentity, useVMManagedIdentity, or "
      "useAzureTokenProxy";
  for (const auto& [first, second] : std::vector<std::pair<std::string, std::string>>{
           {"usePodIdentity", "useAzureTokenProxy"},  // §10.1 case 32
           {"usePodIdentity", "useVMManagedIdentity"},
           {"useVMManagedIdentity", "useAzureTokenProxy"}}) {
    Attributes attributes{{kPodName, "p"}, {kPodNamespace, "n"}, {first, "true"}, {second, "1"}};
    EXPECT_EQ(parse_error(attributes), expected) << first << " + " << second;
  }
}

TEST(MountRequestFlags, EmptyOrFalseMeansServicePrincipal) {  // §10.1 cases 2, 3
  for (const char* value : {"", "false", "False", "0", "FALSE", " f "}) {
    Attributes attributes = base_attributes();
    attributes["usePodIdentity"] = value;
    attributes["useVMManagedIdentity"] = value;
    attributes["useAzureTokenProxy"] = value;
    EXPECT_EQ(parse(attributes).mode, IdentityMode::ServicePrincipal) << value;
  }
}

TEST(MountRequestFlags, TrueSpellingsSelectTheMode) {
  for (const char* value : {"true", "True", " true ", "1", "T"}) {
    Attributes attributes = base_attributes();
    attributes["usePodIdentity"] = value;
    EXPECT_EQ(parse(attributes, "{}").mode, IdentityMode::PodIdentity) << value;
    attributes = base_attributes();
    attributes["useVMManagedIdentity"] = value;
    EXPECT_EQ(parse(attributes, "{}").mode, IdentityMode::VmManagedIdentity) << value;
  }
}

TEST(MountRequestTenant, TenantIdWinsOverLegacyTenantId) {  // §10.1 case 4
  Attributes attributes = base_attributes();
  attributes.erase("tenantID");
  attributes["tenantId"] = "test";
  EXPECT_EQ(parse(attributes).tenant_id, "test");
  attributes["tenantID"] = " test2 ";
  EXPECT_EQ(parse(attributes).tenant_id, "test2");
  attributes["tenantID"] = "  ";  // empty after trimming: falls back
  EXPECT_EQ(parse(attributes).tenant_id, "test");
}

TEST(MountRequestFields, EveryStringParameterIsTrimmed) {  // §10.1 case 1
  Attributes attributes = base_attributes();
  attributes[kPodName] = " pod-1 ";
  attributes[kPodNamespace] = "\tns-1\n";
  attributes["keyvaultName"] = " test ";
  attributes["cloudName"] = " AzureChinaCloud ";
  attributes["cloudEnvFileName"] = " /etc/env.json ";
  attributes["useVMManagedIdentity"] = "true";
  attributes["userAssignedIdentityID"] = " uami-client-id ";
  attributes[test::kServiceAccountName] = " default ";
  attributes["resourceGroup"] = "ignored";  // legacy keys are ignored
  const MountRequest request = parse(attributes, "{}");
  EXPECT_EQ(request.pod_name, "pod-1");
  EXPECT_EQ(request.pod_namespace, "ns-1");
  EXPECT_EQ(request.keyvault_name, "test");
  EXPECT_EQ(request.cloud_name, "AzureChinaCloud");
  EXPECT_EQ(request.cloud_env_file, "/etc/env.json");
  EXPECT_EQ(request.user_assigned_identity_id, "uami-client-id");
  EXPECT_EQ(request.service_account_name, "default");
  EXPECT_EQ(request.mode, IdentityMode::VmManagedIdentity);
  EXPECT_TRUE(request.assertion_token.empty());
  EXPECT_TRUE(request.sp_client_secret.empty());
}

TEST(MountRequestFields, CloudIsKeptAsWrittenForResolveCloud) {
  Attributes attributes = base_attributes();
  attributes["cloudName"] = "AzureCloud1";  // resolve_cloud refuses it, not the parser
  EXPECT_EQ(parse(attributes).cloud_name, "AzureCloud1");
  attributes.erase("cloudName");
  EXPECT_EQ(parse(attributes).cloud_name, "");
}

// encoding/json's syntax errors quote the offending character ("invalid character 'x' looking
// for ..."); ours give the byte position only, deliberately, because these maps hold tokens and
// credentials. Its type errors keep Go's wording.
TEST(MountRequestJson, AttributesMustBeAJsonObjectOfStrings) {
  using test::error_of;
  const auto attributes_error = [](const std::string& json) {
    return error_of([&] { parse_mount_request(json, sp_secrets(), 0644); });
  };
  EXPECT_EQ(attributes_error(""),
            "failed to unmarshal attributes, error: unexpected end of JSON input");
  EXPECT_EQ(attributes_error("{\"a\":"),
            "failed to unmarshal attributes, error: unexpected end of JSON input");
  EXPECT_EQ(attributes_error("{,}"),
            "failed to unmarshal attributes, error: invalid JSON (syntax error at byte 2)");
  EXPECT_EQ(attributes_error("[\"a\"]"),
            "failed to unmarshal attributes, error: json: cannot unmarshal array into Go value of "
            "type map[string]string");
  EXPECT_EQ(attributes_error("\"text\""),
            "failed to unmarshal attributes, error: json: cannot unmarshal string into Go value of "
            "type map[string]string");
  // Deliberately clearer than encoding/json: the key is named.
  EXPECT_EQ(attributes_error("{\"usePodIdentity\":true}"),
            "failed to unmarshal attributes, error: json: cannot unmarshal bool into Go value of "
            "type string (the value of key \"usePodIdentity\")");
  EXPECT_EQ(attributes_error("{\"objects\":{\"array\":[]}}"),
            "failed to unmarshal attributes, error: json: cannot unmarshal object into Go value "
            "of type string (the value of key \"objects\")");
  // A number no double can hold: refused like malformed JSON (nlohmann cannot represent it).
  EXPECT_EQ(attributes_error("{\"keyvaultName\":1e400}"),
            "failed to unmarshal attributes, error: invalid JSON (a number is out of range)");
  // JSON null is a nil map in Go: the first missing attribute is reported.
  EXPECT_EQ(attributes_error("null"), "pod name is not provided");
}

TEST(MountRequestJson, SecretsMustBeAJsonObjectOfStrings) {
  using test::error_of;
  const std::string attributes = test::to_json(base_attributes());
  const auto secrets_error = [&](const std::string& json) {
    return error_of([&] { parse_mount_request(attributes, json, 0644); });
  };
  EXPECT_EQ(secrets_error(""), "failed to unmarshal secrets, error: unexpected end of JSON input");
  EXPECT_EQ(secrets_error("[1]"),
            "failed to unmarshal secrets, error: json: cannot unmarshal array into Go value of "
            "type map[string]string");
  EXPECT_EQ(secrets_error("{\"clientsecret\":-1e999}"),
            "failed to unmarshal secrets, error: invalid JSON (a number is out of range)");
  EXPECT_EQ(secrets_error("{\"clientid\":42}"),
            "failed to unmarshal secrets, error: json: cannot unmarshal number into Go value of "
            "type string (the value of key \"clientid\")");
}

TEST(MountRequestJson, SecretsAreCheckedBeforeAttributeContents) {
  // Upstream's server layer unmarshals both maps before the provider reads any attribute.
  const std::string message = test::error_of([] { parse_mount_request("{}", "{", 0644); });
  EXPECT_EQ(message, "failed to unmarshal secrets, error: unexpected end of JSON input");
}

TEST(MountRequestIdentity, ServicePrincipalFromSecretsMatchedCaseInsensitively) {  // case 33
  const MountRequest request =
      parse(base_attributes(), R"({"ClientID":"sp-id","CLIENTSECRET":"sp-secret","other":"x"})");
  EXPECT_EQ(request.mode, IdentityMode::ServicePrincipal);
  EXPECT_EQ(view(request.sp_client_id), "sp-id");
  EXPECT_EQ(view(request.sp_client_secret), "sp-secret");
  EXPECT_TRUE(request.assertion_token.empty());
}

TEST(MountRequestIdentity, ServicePrincipalErrors) {
  const std::string prefix = "failed to build auth config for mode None: ";
  EXPECT_EQ(parse_error(base_attributes(), "null"),
            prefix + "failed to get credentials, nodePublishSecretRef secret is not set");
  EXPECT_EQ(parse_error(base_attributes(), "{}"),
            prefix + "failed to get credentials, nodePublishSecretRef secret is not set");
  EXPECT_EQ(parse_error(base_attributes(), R"({"clientsecret":"s"})"),
            prefix + "could not find clientid in secrets");
  EXPECT_EQ(parse_error(base_attributes(), R"({"clientid":"id","clientsecret":""})"),
            prefix + "could not find clientsecret in secrets");
  EXPECT_EQ(parse_error(base_attributes(), R"({"clientid":"id"})"),
            prefix + "could not find clientsecret in secrets");
  // Deliberately unlike upstream (whose map order picks one at random): ambiguous keys fail.
  EXPECT_EQ(parse_error(base_attributes(), R"({"ClientId":"a","clientid":"b","clientsecret":"s"})"),
            prefix +
                "nodePublishSecretRef secret has both \"ClientId\" and \"clientid\" with different "
                "values for clientid (keys are matched case-insensitively); keep only one");
}

TEST(MountRequestIdentity, WorkloadIdentityNeedsNoServicePrincipal) {  // cases 33, 34
  Attributes attributes = base_attributes();
  attributes["clientID"] = " wi-client ";
  attributes[kTokens] =
      " " + service_account_tokens({"api://AzureADTokenExchange", "api://AKSIdentityBinding"}) +
      " ";
  const MountRequest request = parse(attributes, "{}");
  EXPECT_EQ(request.mode, IdentityMode::WorkloadIdentity);
  EXPECT_EQ(request.client_id, "wi-client");
  EXPECT_EQ(view(request.assertion_token),
            std::string(test::kPlantedToken) + "-api://AzureADTokenExchange");
  EXPECT_TRUE(request.sp_client_id.empty());
}

TEST(MountRequestIdentity, WorkloadIdentityTokenErrors) {  // §10.1 case 34, wrapped
  const std::string prefix =
      "failed to build auth config for mode None: failed to parse workload identity tokens, "
      "error: ";
  Attributes attributes = base_attributes();
  attributes["clientID"] = "wi-client";
  EXPECT_EQ(parse_error(attributes), prefix + "service account tokens not found");
  attributes[kTokens] = "invalid";
  EXPECT_EQ(parse_error(attributes),
            prefix +
                "failed to unmarshal service account tokens, error: invalid JSON (syntax "
                "error at byte 1)");
  attributes[kTokens] = service_account_tokens({"api://AKSIdentityBinding"});
  EXPECT_EQ(parse_error(attributes),
            prefix + "token for audience api://AzureADTokenExchange not found");
}

TEST(MountRequestIdentity, ClientIdMakesTheWorkloadTokenMandatoryInEveryOtherMode) {
  // Upstream parses the workload-identity token whenever clientID is set, even when a use* flag
  // picks another identity; the mode in the message is the flag's.
  Attributes attributes = base_attributes();
  attributes["clientID"] = "some-client";
  attributes["useVMManagedIdentity"] = "true";
  EXPECT_EQ(parse_error(attributes),
            "failed to build auth config for mode VMManagedIdentity: failed to parse workload "
            "identity tokens, error: service account tokens not found");
  attributes.erase("useVMManagedIdentity");
  attributes["usePodIdentity"] = "true";
  attributes[kTokens] = service_account_tokens({"api://other"});
  EXPECT_EQ(parse_error(attributes),
            "failed to build auth config for mode PodIdentity: failed to parse workload identity "
            "tokens, error: token for audience api://AzureADTokenExchange not found");
  attributes[kTokens] = service_account_tokens({"api://AzureADTokenExchange"});
  const MountRequest request = parse(attributes, "{}");
  EXPECT_EQ(request.mode, IdentityMode::PodIdentity);
  EXPECT_TRUE(request.assertion_token.empty());  // checked, then dropped
}

TEST(MountRequestIdentity, IdentityBindingErrors) {  // §10.1 case 32
  const std::string prefix = "failed to build auth config for mode AzureTokenProxy: ";
  Attributes attributes = base_attributes();
  attributes["useAzureTokenProxy"] = "true";
  EXPECT_EQ(parse_error(attributes), prefix + "clientID is required for identity binding");
  attributes["clientID"] = "uami-client";
  EXPECT_EQ(parse_error(attributes),
            prefix + "service account tokens are required for identity binding");
  attributes[kTokens] = service_account_tokens({"api://AzureADTokenExchange"});
  EXPECT_EQ(parse_error(attributes),
            prefix +
                "failed to parse service account token for identity binding, error: token "
                "for audience api://AKSIdentityBinding not found");
  attributes[kTokens] = "[]";
  EXPECT_EQ(parse_error(attributes),
            prefix +
                "failed to parse service account token for identity binding, error: failed "
                "to unmarshal service account tokens, error: json: cannot unmarshal array "
                "into Go value of type map[string]interface {}");
}

TEST(MountRequestIdentity, IdentityBindingPicksItsAudience) {  // §10.1 case 34
  Attributes attributes = base_attributes();
  attributes["useAzureTokenProxy"] = "1";
  attributes["clientID"] = "uami-client";
  attributes[kTokens] =
      service_account_tokens({"api://AzureADTokenExchange", "api://AKSIdentityBinding"});
  const MountRequest request = parse(attributes, "{}");
  EXPECT_EQ(request.mode, IdentityMode::IdentityBinding);
  EXPECT_EQ(view(request.assertion_token),
            std::string(test::kPlantedToken) + "-api://AKSIdentityBinding");
}

TEST(MountRequestIdentity, ModesWithoutCredentialsIgnoreSecrets) {  // case 36 inputs
  Attributes attributes = base_attributes();
  attributes["useVMManagedIdentity"] = "true";
  EXPECT_EQ(parse(attributes, "{}").user_assigned_identity_id, "");  // system-assigned
  attributes["userAssignedIdentityID"] = "client-id-of-uami";
  EXPECT_EQ(parse(attributes, "null").user_assigned_identity_id, "client-id-of-uami");
}

TEST(MountRequestIdentity, AuthIsCheckedBeforeObjects) {
  Attributes attributes = base_attributes();
  attributes["objects"] = "";
  EXPECT_EQ(parse_error(attributes, "{}"),
            "failed to build auth config for mode None: failed to get credentials, "
            "nodePublishSecretRef secret is not set");
}

TEST(IdentityModeNames, AreUpstreams) {
  EXPECT_EQ(upstream_mode_name(IdentityMode::WorkloadIdentity), "None");
  EXPECT_EQ(upstream_mode_name(IdentityMode::ServicePrincipal), "None");
  EXPECT_EQ(upstream_mode_name(IdentityMode::PodIdentity), "PodIdentity");
  EXPECT_EQ(upstream_mode_name(IdentityMode::VmManagedIdentity), "VMManagedIdentity");
  EXPECT_EQ(upstream_mode_name(IdentityMode::IdentityBinding), "AzureTokenProxy");
  EXPECT_EQ(object_type_name(ObjectType::Secret), "secret");
  EXPECT_EQ(object_type_name(ObjectType::Key), "key");
  EXPECT_EQ(object_type_name(ObjectType::Cert), "cert");
}

}  // namespace
}  // namespace sscsi::azure
