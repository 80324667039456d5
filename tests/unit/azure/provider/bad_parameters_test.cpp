// Bad SecretProviderClass parameters, pod attributes, nodePublishSecretRef contents and cloud
// environment files, driven through the plugin's C ABI: each case asserts the exact status code
// and message the host receives, and that nothing else was handed over (no file, no version).
// Every case fails before any network call; the instance's connections all go to a closed local
// port, so a case that reached the network would fail with a different message.
//
// Messages are upstream's (reference azure-provider.md §1, §2, §10.1 case 31/32) unless a
// comment says we deliberately differ.

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>

#include "azure_plugin_harness.h"

namespace sscsi::azure_test {
namespace {

namespace fs = std::filesystem;
using Attributes = std::map<std::string, std::string>;

constexpr const char* kWorkloadAudience = "api://AzureADTokenExchange";
constexpr const char* kBindingAudience = "api://AKSIdentityBinding";
constexpr const char* kSecretsJson = R"({"clientid":"sp-client","clientsecret":"sp-secret-value"})";

// A directory of cloud environment files for the binary, removed at exit.
class EnvDir {
 public:
  EnvDir() {
    std::string pattern = (fs::temp_directory_path() / "sscsi-azure-env-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
    write("not-json.json", "{\"name\": ");
    write("array.json", "[]");
    write("no-suffix.json",
          R"({"name":"AzureStackCloud","activeDirectoryEndpoint":"https://login.stack.test/",)"
          R"("keyVaultEndpoint":"https://vault.stack.test/"})");
    write("http-login.json", R"({"activeDirectoryEndpoint":"http://login.stack.test/",)"
                             R"("keyVaultEndpoint":"https://vault.stack.test/",)"
                             R"("keyVaultDNSSuffix":"vault.stack.test"})");
    write("bad-suffix.json",
          R"({"activeDirectoryEndpoint":"https://login.stack.test/",)"
          R"("keyVaultEndpoint":"https://vault.stack.test/","keyVaultDNSSuffix":"vault..test"})");
    write("name-number.json", R"({"name":7,"activeDirectoryEndpoint":"https://login.stack.test/",)"
                              R"("keyVaultEndpoint":"https://vault.stack.test/",)"
                              R"("keyVaultDNSSuffix":"vault.stack.test"})");
    fs::create_directory(path_ / "a-directory.json");
  }
  ~EnvDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  EnvDir(const EnvDir&) = delete;
  EnvDir& operator=(const EnvDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  void write(const char* name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
  }
  fs::path path_;
};

const fs::path& env_dir() {
  static const EnvDir dir;
  return dir.path();
}

std::string env_file(const char* name) { return (env_dir() / name).string(); }

// A valid service-principal mount of one secret; each case breaks one thing.
MountInput valid_input() {
  MountInput input;
  input.attributes = pod_attributes();
  input.attributes["keyvaultName"] = "kv-unit";
  input.attributes["tenantID"] = "tenant-unit";
  input.attributes["objects"] = objects_yaml({"objectName: secret1\nobjectType: secret"});
  input.secrets_json = kSecretsJson;
  return input;
}

MountInput with(std::function<void(MountInput&)> change) {
  MountInput input = valid_input();
  change(input);
  return input;
}

MountInput with_attributes(const Attributes& changes) {
  return with([&](MountInput& input) {
    for (const auto& [key, value] : changes) input.attributes[key] = value;
  });
}

MountInput without(std::initializer_list<const char*> keys) {
  return with([&](MountInput& input) {
    for (const char* key : keys) input.attributes.erase(key);
  });
}

MountInput with_objects(const std::string& objects) {
  return with_attributes({{"objects", objects}});
}

MountInput with_object(const std::string& object) { return with_objects(objects_yaml({object})); }

MountInput with_raw_attributes(const std::string& text) {
  return with([&](MountInput& input) { input.raw_attributes = text; });
}

MountInput with_secrets(const std::string& json) {
  return with([&](MountInput& input) { input.secrets_json = json; });
}

// Workload identity (clientID) with the given tokens attribute ("" = none).
MountInput workload(const std::string& tokens, const Attributes& more = {}) {
  return with([&](MountInput& input) {
    input.secrets_json = "{}";
    input.attributes["clientID"] = "wi-client";
    if (!tokens.empty()) input.attributes["csi.storage.k8s.io/serviceAccount.tokens"] = tokens;
    for (const auto& [key, value] : more) input.attributes[key] = value;
  });
}

MountInput binding(const std::string& client_id, const std::string& tokens) {
  return with([&](MountInput& input) {
    input.secrets_json = "{}";
    input.attributes["useAzureTokenProxy"] = "true";
    if (!client_id.empty()) input.attributes["clientID"] = client_id;
    if (!tokens.empty()) input.attributes["csi.storage.k8s.io/serviceAccount.tokens"] = tokens;
  });
}

MountInput stack_cloud(const std::string& file) {
  Attributes changes = {{"cloudName", "AzureStackCloud"}};
  if (!file.empty()) changes["cloudEnvFileName"] = file;
  return with_attributes(changes);
}

std::string many_objects(int n) {
  std::vector<std::string> objects;
  for (int i = 0; i < n; ++i)
    objects.push_back("objectName: s" + std::to_string(i) + "\nobjectType: secret");
  return objects_yaml(objects);
}

const std::string kPrefix = "failed to get objectType:secret, objectName:secret1, objectVersion:: ";

struct BadInput {
  std::string name;
  std::function<MountInput()> input;
  sscsi_status code;
  std::function<std::string()> message;  // lazily: some name files made at run time
};

void PrintTo(const BadInput& bad, std::ostream* out) { *out << bad.name; }

BadInput bad(std::string name, std::function<MountInput()> input, std::string message) {
  return {std::move(name), std::move(input), SSCSI_INVALID_PARAMETERS,
          [text = std::move(message)] { return text; }};
}

const std::vector<BadInput>& cases() {
  static const std::vector<BadInput> all = {
      // -- step 1: the request's JSON ----------------------------------------------------
      bad(
          "AttributesTruncatedJson", [] { return with_raw_attributes("{"); },
          "failed to unmarshal attributes, error: unexpected end of JSON input"),
      bad(
          "AttributesSyntaxError", [] { return with_raw_attributes(R"({"a" 1})"); },
          "failed to unmarshal attributes, error: invalid JSON (syntax error at byte 6)"),
      bad(
          "AttributesArray", [] { return with_raw_attributes("[]"); },
          "failed to unmarshal attributes, error: json: cannot unmarshal array into Go value of "
          "type map[string]string"),
      // Deliberately clearer than encoding/json: the message names the key.
      bad(
          "AttributesNumberValue",
          [] {
            return with_raw_attributes(R"({"csi.storage.k8s.io/pod.name":"p","keyvaultName":5})");
          },
          "failed to unmarshal attributes, error: json: cannot unmarshal number into Go value of "
          "type string (the value of key \"keyvaultName\")"),
      bad(
          "AttributesNull", [] { return with_raw_attributes("null"); }, "pod name is not provided"),
      bad(
          "SecretsTruncatedJson", [] { return with_secrets(R"({"clientid":)"); },
          "failed to unmarshal secrets, error: unexpected end of JSON input"),
      bad(
          "SecretsArray", [] { return with_secrets(R"(["clientid"])"); },
          "failed to unmarshal secrets, error: json: cannot unmarshal array into Go value of type "
          "map[string]string"),
      bad(
          "SecretsBoolValue", [] { return with_secrets(R"({"clientid":true})"); },
          "failed to unmarshal secrets, error: json: cannot unmarshal bool into Go value of type "
          "string (the value of key \"clientid\")"),
      // -- steps 2-7: pod, identity flags, vault, tenant -----------------------------------
      bad(
          "NoPodName", [] { return without({"csi.storage.k8s.io/pod.name"}); },
          "pod name is not provided"),
      bad(
          "BlankPodName",
          [] {
            return with_attributes({{"csi.storage.k8s.io/pod.name", "  \t"}});
          },
          "pod name is not provided"),
      bad(
          "NoPodNamespace", [] { return without({"csi.storage.k8s.io/pod.namespace"}); },
          "pod namespace is not provided"),
      bad(
          "UsePodIdentityTru",
          [] {
            return with_attributes({{"usePodIdentity", "tru"}});
          },
          "failed to parse usePodIdentity flag, error: strconv.ParseBool: parsing \"tru\": invalid "
          "syntax"),
      bad(
          "UseVmManagedIdentityYes",
          [] {
            return with_attributes({{"useVMManagedIdentity", "yes"}});
          },
          "failed to parse useVMManagedIdentity flag, error: strconv.ParseBool: parsing \"yes\": "
          "invalid syntax"),
      bad(
          "UseAzureTokenProxyInvalid",
          [] {
            return with_attributes({{"useAzureTokenProxy", "invalid-value"}});
          },
          "failed to parse useAzureTokenProxy flag, error: strconv.ParseBool: parsing "
          "\"invalid-value\": invalid syntax"),
      bad(
          "PodIdentityAndTokenProxy",
          [] {
            return with_attributes({{"usePodIdentity", "true"}, {"useAzureTokenProxy", "1"}});
          },
          "only one identity mode can be enabled at a time: usePodIdentity, useVMManagedIdentity, "
          "or useAzureTokenProxy"),
      bad(
          "VmIdentityAndPodIdentity",
          [] {
            return with_attributes({{"useVMManagedIdentity", "T"}, {"usePodIdentity", "True"}});
          },
          "only one identity mode can be enabled at a time: usePodIdentity, useVMManagedIdentity, "
          "or useAzureTokenProxy"),
      bad(
          "NoKeyvaultName",
          [] {
            return without({"keyvaultName", "tenantID"});
          },
          "keyvaultName is not provided"),
      bad(
          "BlankKeyvaultName",
          [] {
            return with_attributes({{"keyvaultName", "   "}});
          },
          "keyvaultName is not provided"),
      bad(
          "NoTenant", [] { return without({"tenantID"}); }, "tenantId is not provided"),
      bad(
          "BlankTenantAndLegacyTenant",
          [] {
            return with_attributes({{"tenantID", " "}, {"tenantId", "\t"}});
          },
          "tenantId is not provided"),
      // -- step 10: the identity's inputs ----------------------------------------------------
      bad(
          "IdentityBindingWithoutClientId",
          [] { return binding("", service_account_tokens(kBindingAudience, "eyJ.ib.token")); },
          "failed to build auth config for mode AzureTokenProxy: clientID is required for identity "
          "binding"),
      bad(
          "IdentityBindingWithoutTokens", [] { return binding("ib-client", ""); },
          "failed to build auth config for mode AzureTokenProxy: service account tokens are "
          "required for identity binding"),
      bad(
          "IdentityBindingTokensNotJson", [] { return binding("ib-client", "invalid"); },
          "failed to build auth config for mode AzureTokenProxy: failed to parse service account "
          "token for identity binding, error: failed to unmarshal service account tokens, error: "
          "invalid JSON (syntax error at byte 1)"),
      bad(
          "IdentityBindingTokenForWrongAudience",
          [] { return binding("ib-client", service_account_tokens(kWorkloadAudience, "eyJ.wi")); },
          "failed to build auth config for mode AzureTokenProxy: failed to parse service account "
          "token for identity binding, error: token for audience api://AKSIdentityBinding not "
          "found"),
      bad(
          "WorkloadIdentityWithoutTokens", [] { return workload(""); },
          "failed to build auth config for mode None: failed to parse workload identity tokens, "
          "error: service account tokens not found"),
      bad(
          "WorkloadIdentityTokenForWrongAudience",
          [] { return workload(service_account_tokens(kBindingAudience, "eyJ.ib")); },
          "failed to build auth config for mode None: failed to parse workload identity tokens, "
          "error: token for audience api://AzureADTokenExchange not found"),
      bad(
          "WorkloadIdentityTokensArray", [] { return workload("[]"); },
          "failed to build auth config for mode None: failed to parse workload identity tokens, "
          "error: failed to unmarshal service account tokens, error: json: cannot unmarshal array "
          "into Go value of type map[string]interface {}"),
      // Upstream panics on a token that is not a string; here it counts as missing.
      bad(
          "WorkloadIdentityTokenIsANumber",
          [] { return workload(R"({"api://AzureADTokenExchange":{"token":12345}})"); },
          "failed to build auth config for mode None: failed to parse workload identity tokens, "
          "error: token for audience api://AzureADTokenExchange not found"),
      bad(
          "WorkloadIdentityTokenEmpty",
          [] { return workload(service_account_tokens(kWorkloadAudience, "")); },
          "failed to build auth config for mode None: failed to parse workload identity tokens, "
          "error: token for audience api://AzureADTokenExchange not found"),
      bad(
          "VmManagedIdentityWithClientIdButNoTokens",
          [] {
            return workload("", {{"useVMManagedIdentity", "true"}});
          },
          "failed to build auth config for mode VMManagedIdentity: failed to parse workload "
          "identity tokens, error: service account tokens not found"),
      bad(
          "PodIdentityWithClientIdButNoTokens",
          [] {
            return workload("", {{"usePodIdentity", "true"}});
          },
          "failed to build auth config for mode PodIdentity: failed to parse workload identity "
          "tokens, error: service account tokens not found"),
      bad(
          "ServicePrincipalWithoutSecrets", [] { return with_secrets("{}"); },
          "failed to build auth config for mode None: failed to get credentials, "
          "nodePublishSecretRef secret is not set"),
      bad(
          "ServicePrincipalWithNullSecrets", [] { return with_secrets("null"); },
          "failed to build auth config for mode None: failed to get credentials, "
          "nodePublishSecretRef secret is not set"),
      bad(
          "ServicePrincipalWithoutClientId",
          [] { return with_secrets(R"({"clientsecret":"sp-secret-value"})"); },
          "failed to build auth config for mode None: could not find clientid in secrets"),
      bad(
          "ServicePrincipalWithEmptyClientId",
          [] { return with_secrets(R"({"clientid":"","clientsecret":"sp-secret-value"})"); },
          "failed to build auth config for mode None: could not find clientid in secrets"),
      bad(
          "ServicePrincipalWithoutClientSecret",
          [] { return with_secrets(R"({"CLIENTID":"sp-client"})"); },
          "failed to build auth config for mode None: could not find clientsecret in secrets"),
      // Deliberately an error: upstream takes whichever key its map iteration meets last.
      bad(
          "ServicePrincipalWithTwoDifferentClientIds",
          [] {
            return with_secrets(
                R"({"clientid":"a","ClientID":"b","clientsecret":"sp-secret-value"})");
          },
          "failed to build auth config for mode None: nodePublishSecretRef secret has both "
          "\"ClientID\" and \"clientid\" with different values for clientid (keys are matched "
          "case-insensitively); keep only one"),
      // -- steps 11-13: objects ----------------------------------------------------------
      bad(
          "NoObjects", [] { return without({"objects"}); }, "objects is not set"),
      bad(
          "BlankObjects", [] { return with_objects(" \n "); }, "objects is not set"),
      bad(
          "ObjectsBareList", [] { return with_objects("- objectName: secret1\n"); },
          "failed to yaml unmarshal objects, error: yaml: unmarshal errors:\n  line 1: cannot "
          "unmarshal !!seq into types.StringArray"),
      bad(
          "ObjectsPlainWord", [] { return with_objects("invalid"); },
          "failed to yaml unmarshal objects, error: yaml: unmarshal errors:\n  line 1: cannot "
          "unmarshal !!str `invalid` into types.StringArray"),
      bad(
          "ObjectsArrayIsAMapping", [] { return with_objects("array:\n  a: b\n"); },
          "failed to yaml unmarshal objects, error: yaml: unmarshal errors:\n  line 2: cannot "
          "unmarshal !!map into []string"),
      bad(
          "ObjectsArrayTwice",
          [] { return with_objects(objects_yaml({"objectName: a"}) + "array: []\n"); },
          "failed to yaml unmarshal objects, error: yaml: unmarshal errors:\n  line 4: mapping key "
          "\"array\" already defined at line 1"),
      bad(
          "ObjectsControlCharacter", [] { return with_objects("array:\n  - \"a\x01\"\n"); },
          "failed to yaml unmarshal objects, error: yaml: control characters are not allowed"),
      // Deliberately an error: upstream mounts an empty volume, which the host cannot record.
      bad(
          "ObjectsEmptyArray", [] { return with_objects("array:\n"); },
          "objects lists no object: add at least one entry under array"),
      bad(
          "ObjectEntryIsPlainText", [] { return with_object("just text"); },
          "unmarshal failed for keyVaultObjects at index 0, error: yaml: unmarshal errors:\n  line "
          "1: cannot unmarshal !!str `just text` into types.KeyVaultObject"),
      bad(
          "ObjectVersionHistoryNotANumber",
          [] {
            return with_object(
                "objectName: secret1\nobjectType: secret\nobjectVersionHistory: many");
          },
          "unmarshal failed for keyVaultObjects at index 0, error: yaml: unmarshal errors:\n  line "
          "3: cannot unmarshal !!str `many` into int32"),
      bad(
          "ObjectNameTwice",
          [] {
            return with_objects(objects_yaml(
                {"objectName: ok\nobjectType: secret", "objectName: a\nobjectName: b"}));
          },
          "unmarshal failed for keyVaultObjects at index 1, error: yaml: unmarshal errors:\n  line "
          "2: mapping key \"objectName\" already defined at line 1"),
      bad(
          "ObjectNameIsAList", [] { return with_object("objectName: [a, b]\nobjectType: secret"); },
          "unmarshal failed for keyVaultObjects at index 0, error: yaml: unmarshal errors:\n  line "
          "1: cannot unmarshal !!seq into string"),
      bad(
          "ObjectFormatPkcs",
          [] { return with_object("objectName: secret1\nobjectType: secret\nobjectFormat: pkcs"); },
          kPrefix + "invalid objectFormat: pkcs, should be PEM or PFX"),
      bad(
          "ObjectFormatPfxForCert",
          [] { return with_object("objectName: cert1\nobjectType: cert\nobjectFormat: pfx"); },
          "failed to get objectType:cert, objectName:cert1, objectVersion:: PFX format only "
          "supported for objectType: secret"),
      bad(
          "ObjectEncodingUtf16",
          [] {
            return with_object("objectName: secret1\nobjectType: secret\nobjectEncoding: utf-16");
          },
          kPrefix + "invalid objectEncoding: utf-16, should be hex, base64 or utf-8"),
      bad(
          "ObjectEncodingForCert",
          [] { return with_object("objectName: cert1\nobjectType: cert\nobjectEncoding: base64"); },
          "failed to get objectType:cert, objectName:cert1, objectVersion:: objectEncoding only "
          "supported for objectType: secret"),
      bad(
          "ObjectEncodingForKey",
          [] {
            return with_object(
                "objectName: key1\nobjectType: key\nobjectVersion: v7\nobjectEncoding: hex");
          },
          "failed to get objectType:key, objectName:key1, objectVersion:v7: objectEncoding only "
          "supported for objectType: secret"),
      bad(
          "AbsoluteAlias",
          [] {
            return with_object("objectName: secret1\nobjectType: secret\nobjectAlias: /secret1");
          },
          kPrefix + "file name must be a relative path"),
      bad(
          "AliasClimbingOut",
          [] {
            return with_object("objectName: secret1\nobjectType: secret\nobjectAlias: ../secret1");
          },
          kPrefix + "file name must not contain '..'"),
      bad(
          "AliasEndingInDotDot",
          [] {
            return with_object("objectName: secret1\nobjectType: secret\nobjectAlias: secret1/..");
          },
          kPrefix + "file name must not contain '..'"),
      bad(
          "NameWithDotDotInside",
          [] { return with_object("objectName: a..b\nobjectType: secret"); },
          "failed to get objectType:secret, objectName:a..b, objectVersion:: file name must not "
          "contain '..'"),
      bad(
          "NoNameAndNoAlias", [] { return with_object("objectType: secret"); },
          "failed to get objectType:secret, objectName:, objectVersion:: file name must not be "
          "empty"),
      // Deliberately up front: upstream fails at fetch time, after earlier objects were fetched.
      bad(
          "ObjectTypeCapitalised",
          [] { return with_object("objectName: secret1\nobjectType: Secret"); },
          "failed to get objectType:Secret, objectName:secret1, objectVersion:: Invalid "
          "vaultObjectTypes. Should be secret, key, or cert"),
      bad(
          "ObjectTypeMissing", [] { return with_object("objectName: secret1"); },
          "failed to get objectType:, objectName:secret1, objectVersion:: Invalid "
          "vaultObjectTypes. Should be secret, key, or cert"),
      // Deliberately an error: upstream ignores the parse error and writes the file with mode 0.
      bad(
          "FilePermissionNotOctal",
          [] {
            return with_object("objectName: secret1\nobjectType: secret\nfilePermission: \"0900\"");
          },
          kPrefix + "file permission must be a valid octal number: strconv.ParseInt: parsing "
                    "\"0900\": invalid syntax"),
      bad(
          "FilePermissionOutOfRange",
          [] {
            return with_object(
                "objectName: secret1\nobjectType: secret\nfilePermission: \"77777777777\"");
          },
          kPrefix + "file permission must be a valid octal number: strconv.ParseInt: parsing "
                    "\"77777777777\": value out of range"),
      bad(
          "FilePermissionSetuid",
          [] {
            return with_object("objectName: secret1\nobjectType: secret\nfilePermission: \"4755\"");
          },
          kPrefix + "file permission \"4755\" is not allowed: only the permission bits (at most "
                    "0777) can be set"),
      bad(
          "VersionHistoryTooLong",
          [] {
            return with_object(
                "objectName: secret1\nobjectType: secret\nobjectVersionHistory: 1001");
          },
          kPrefix + "objectVersionHistory 1001 is too large: at most 1000 versions can be synced "
                    "per object"),
      bad(
          "AliasWithEmptyElement",
          [] { return with_object("objectName: secret1\nobjectType: secret\nobjectAlias: a//b"); },
          kPrefix + "file name \"a//b\" must not contain an empty path element ('//')"),
      bad(
          "AliasWithDotElement",
          [] { return with_object("objectName: secret1\nobjectType: secret\nobjectAlias: ./a"); },
          kPrefix + "file name \"./a\" must not contain a '.' path element"),
      bad(
          "AliasEndingInSlash",
          [] { return with_object("objectName: secret1\nobjectType: secret\nobjectAlias: dir/"); },
          kPrefix + "file name \"dir/\" must not end with '/'"),
      bad(
          "AliasElementTooLong",
          [] {
            return with_object("objectName: secret1\nobjectType: secret\nobjectAlias: d/" +
                               std::string(256, 'x'));
          },
          kPrefix + "file name \"d/" + std::string(256, 'x') +
              "\" has a path element of 256 bytes; at most 255 are allowed"),
      bad(
          "TooManyObjects", [] { return with_objects(many_objects(1001)); },
          "objects lists 1001 entries; at most 1000 objects are allowed per SecretProviderClass"),
      // Deliberately an error: upstream lets the later object silently win.
      bad(
          "TwoObjectsWriteOneFile",
          [] {
            return with_objects(objects_yaml(
                {"objectName: tls\nobjectType: cert", "objectName: tls\nobjectType: key"}));
          },
          "objects at index 0 (objectType:cert, objectName:tls) and index 1 (objectType:key, "
          "objectName:tls) both write the file \"tls\"; give one of them a different objectAlias"),
      bad(
          "FileWhereADirectoryIsNeeded",
          [] {
            return with_objects(
                objects_yaml({"objectName: a\nobjectType: secret\nobjectAlias: tls",
                              "objectName: b\nobjectType: secret\nobjectAlias: tls/key"}));
          },
          "object at index 0 (objectType:secret, objectName:a) writes the file \"tls\", which "
          "object "
          "at index 1 (objectType:secret, objectName:b) needs as a directory for \"tls/key\"; give "
          "one of them a different objectAlias"),
      bad(
          "VersionHistoryMeetsAnAlias",
          [] {
            return with_objects(
                objects_yaml({"objectName: a\nobjectType: secret\nobjectVersionHistory: 3",
                              "objectName: b\nobjectType: secret\nobjectAlias: a/2"}));
          },
          "objects at index 0 (objectType:secret, objectName:a) and index 1 (objectType:secret, "
          "objectName:b) both write the file \"a/2\"; give one of them a different objectAlias"),
      // -- steps 9 and 15: cloud and vault name (after the objects) -------------------------
      bad(
          "UnknownCloud",
          [] {
            return with_attributes({{"cloudName", "AzureCloud1"}});
          },
          "cloudName AzureCloud1 is not valid, error: autorest/azure: There is no cloud "
          "environment matching the name \"AZURECLOUD1\""),
      bad(
          "StackCloudWithoutEnvFile", [] { return stack_cloud(""); },
          "cloudName AzureStackCloud is not valid, error: cloudEnvFileName is not set; "
          "AzureStackCloud reads its endpoints from the JSON file that parameter names"),
      {"StackCloudEnvFileMissing", [] { return stack_cloud(env_file("missing.json")); },
       SSCSI_INVALID_PARAMETERS,
       [] {
         return "cloudName AzureStackCloud is not valid, error: open " + env_file("missing.json") +
                ": no such file or directory";
       }},
      bad(
          "StackCloudEnvFileRelative", [] { return stack_cloud("custom.json"); },
          "cloudName AzureStackCloud is not valid, error: cloudEnvFileName must be an absolute "
          "path, not \"custom.json\""),
      // Not upstream (which reads any path): only the configured allowedCloudEnvDirs, and a
      // path outside them is refused before it is opened (docs/SECURITY.md).
      {"StackCloudEnvFileOutsideTheAllowedDirs", [] { return stack_cloud("/proc/self/environ"); },
       SSCSI_INVALID_PARAMETERS,
       [] {
         return "cloudName AzureStackCloud is not valid, error: cloudEnvFileName "
                "\"/proc/self/environ\" is outside the directories the azure plugin may read "
                "cloud files from (allowedCloudEnvDirs in its configuration: " +
                env_dir().string() + ")";
       }},
      {"StackCloudEnvFileWithDotDot", [] { return stack_cloud(env_file("..") + "/etc/passwd"); },
       SSCSI_INVALID_PARAMETERS,
       [] {
         return "cloudName AzureStackCloud is not valid, error: cloudEnvFileName \"" +
                env_file("..") +
                "/etc/passwd\" must be a clean absolute path, without \".\", \"..\" or empty "
                "elements (allowedCloudEnvDirs in the azure plugin's configuration: " +
                env_dir().string() + ")";
       }},
      {"StackCloudEnvFileNotJson", [] { return stack_cloud(env_file("not-json.json")); },
       SSCSI_INVALID_PARAMETERS,
       [] {
         return "cloudName AzureStackCloud is not valid, error: " + env_file("not-json.json") +
                ": unexpected end of JSON input";
       }},
      {"StackCloudEnvFileArray", [] { return stack_cloud(env_file("array.json")); },
       SSCSI_INVALID_PARAMETERS,
       [] {
         return "cloudName AzureStackCloud is not valid, error: " + env_file("array.json") +
                ": must hold a JSON object, not array";
       }},
      {"StackCloudEnvFileWithoutDnsSuffix", [] { return stack_cloud(env_file("no-suffix.json")); },
       SSCSI_INVALID_PARAMETERS,
       [] {
         return "cloudName AzureStackCloud is not valid, error: " + env_file("no-suffix.json") +
                ": field \"keyVaultDNSSuffix\" is missing, empty or not a string";
       }},
      {"StackCloudEnvFilePlainHttpLogin", [] { return stack_cloud(env_file("http-login.json")); },
       SSCSI_INVALID_PARAMETERS,
       [] {
         return "cloudName AzureStackCloud is not valid, error: " + env_file("http-login.json") +
                ": field \"activeDirectoryEndpoint\" must be an https URL such as "
                "\"https://login.microsoftonline.com/\", not \"http://login.stack.test/\"";
       }},
      {"StackCloudEnvFileBadDnsSuffix", [] { return stack_cloud(env_file("bad-suffix.json")); },
       SSCSI_INVALID_PARAMETERS,
       [] {
         return "cloudName AzureStackCloud is not valid, error: " + env_file("bad-suffix.json") +
                ": field \"keyVaultDNSSuffix\" must be a DNS name such as \"vault.azure.net\", "
                "not \"vault..test\"";
       }},
      {"StackCloudEnvFileNameIsANumber", [] { return stack_cloud(env_file("name-number.json")); },
       SSCSI_INVALID_PARAMETERS,
       [] {
         return "cloudName AzureStackCloud is not valid, error: " + env_file("name-number.json") +
                ": field \"name\" must be a string";
       }},
      {"StackCloudEnvFileIsADirectory", [] { return stack_cloud(env_file("a-directory.json")); },
       SSCSI_INVALID_PARAMETERS,
       [] {
         return "cloudName AzureStackCloud is not valid, error: " + env_file("a-directory.json") +
                " is not a regular file";
       }},
      bad(
          "VaultNameTooShort",
          [] {
            return with_attributes({{"keyvaultName", "kv"}});
          },
          "failed to get vault: Invalid vault name: \"kv\", must be between 3 and 24 chars"),
      bad(
          "VaultNameTooLong",
          [] {
            return with_attributes({{"keyvaultName", "longkeyvaultnamewhichisnotvalid"}});
          },
          "failed to get vault: Invalid vault name: \"longkeyvaultnamewhichisnotvalid\", must be "
          "between 3 and 24 chars"),
      bad(
          "VaultNameWithUnderscore",
          [] {
            return with_attributes({{"keyvaultName", "kv_test"}});
          },
          "failed to get vault: Invalid vault name: \"kv_test\", must match [-a-zA-Z0-9]{3,24}"),
      // Deliberately checked before any request: a tenant is a path element of the token URL.
      bad(
          "TenantWithSlash",
          [] {
            return with_attributes({{"tenantID", "bad/tenant"}});
          },
          "tenantID \"bad/tenant\" is not a tenant ID or domain name"),
      // -- the order of the checks -------------------------------------------------------
      bad(
          "PodNameBeforeEverythingElse",
          [] {
            return with([](MountInput& input) {
              input.attributes = {{"usePodIdentity", "tru"}, {"objects", "invalid"}};
            });
          },
          "pod name is not provided"),
      bad(
          "IdentityFlagsBeforeVaultName",
          [] {
            return with_attributes({{"keyvaultName", ""}, {"usePodIdentity", "maybe"}});
          },
          "failed to parse usePodIdentity flag, error: strconv.ParseBool: parsing \"maybe\": "
          "invalid syntax"),
      bad(
          "ObjectsBeforeVaultName",
          [] {
            return with_attributes({{"keyvaultName", "kv"}, {"objects", "invalid"}});
          },
          "failed to yaml unmarshal objects, error: yaml: unmarshal errors:\n  line 1: cannot "
          "unmarshal !!str `invalid` into types.StringArray"),
      // Upstream resolves the cloud before the objects; here the objects are checked first.
      bad(
          "ObjectsBeforeCloud",
          [] {
            return with_attributes({{"cloudName", "Mars"}, {"objects", ""}});
          },
          "objects is not set"),
  };
  return all;
}

class BadParameters : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadParameters, FailWithTheExactCodeAndMessageAndNothingElse) {
  FakeHost host;
  nlohmann::json config = offline_config();
  config["allowedCloudEnvDirs"] = {env_dir().string()};
  const AzureInstance plugin(host, config);
  const BadInput& bad = GetParam();
  const MountAnswer answer = plugin.mount(bad.input());
  ASSERT_TRUE(answer.error.has_value()) << "the mount succeeded";
  EXPECT_EQ(answer.error->code, bad.code) << answer.error->message;
  EXPECT_EQ(answer.error->message, bad.message());
  EXPECT_EQ(answer.error->retry_after_ms, 0u);
  EXPECT_EQ(answer.set_error_calls, 1);
  EXPECT_TRUE(answer.files.empty());
  EXPECT_TRUE(answer.versions.empty());
  // Nothing reached Key Vault: no keyvault_request sample was recorded.
  EXPECT_TRUE(host.samples().empty());
  // The service-principal secret never reaches a message or a log line.
  EXPECT_EQ(answer.error->message.find("sp-secret-value"), std::string::npos);
  for (const auto& line : host.logs()) {
    EXPECT_EQ(line.message.find("sp-secret-value"), std::string::npos) << line.message;
  }
}

INSTANTIATE_TEST_SUITE_P(AzurePlugin, BadParameters, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<BadInput>& param_info) {
                           return param_info.param.name;
                         });

TEST(BadParametersTable, CasesAreDistinct) {
  std::set<std::string> names;
  for (const BadInput& bad : cases()) EXPECT_TRUE(names.insert(bad.name).second) << bad.name;
  EXPECT_GE(cases().size(), 60u);
}

}  // namespace
}  // namespace sscsi::azure_test
