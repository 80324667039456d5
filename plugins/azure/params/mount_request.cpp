#include "params/mount_request.h"

#include <optional>
#include <string>

#include "common/mount_error.h"
#include "params/go_strings.h"
#include "params/identity_selection.h"
#include "params/objects_parameter.h"
#include "params/string_map_json.h"

namespace sscsi::azure {
namespace {

std::string trimmed(const StringMap& attributes, std::string_view key) {
  return std::string(go_trim_space(lookup(attributes, key)));
}

std::string required(const StringMap& attributes, std::string_view key,
                     std::string_view message_if_missing) {
  std::string value = trimmed(attributes, key);
  if (value.empty()) throw invalid_parameters(std::string(message_if_missing));
  return value;
}

}  // namespace

std::string_view upstream_mode_name(IdentityMode mode) {
  switch (mode) {
    case IdentityMode::PodIdentity:
      return "PodIdentity";
    case IdentityMode::VmManagedIdentity:
      return "VMManagedIdentity";
    case IdentityMode::IdentityBinding:
      return "AzureTokenProxy";
    case IdentityMode::WorkloadIdentity:
    case IdentityMode::ServicePrincipal:
      break;
  }
  return "None";
}

std::string_view object_type_name(ObjectType type) {
  switch (type) {
    case ObjectType::Key:
      return "key";
    case ObjectType::Cert:
      return "cert";
    case ObjectType::Secret:
      break;
  }
  return "secret";
}

std::string KeyVaultObject::uid() const { return std::string(object_type_name(type)) + "/" + name; }

MountRequest parse_mount_request(std::string_view attributes_json, std::string_view secrets_json,
                                 uint32_t default_file_mode) {
  // Step 1 (upstream's server layer): both maps must be JSON objects of strings.
  const StringMap attributes =
      parse_string_map_json(attributes_json, "attributes").value_or(StringMap{});
  const std::optional<StringMap> secrets = parse_string_map_json(secrets_json, "secrets");

  MountRequest request;
  request.pod_name =
      required(attributes, "csi.storage.k8s.io/pod.name", "pod name is not provided");
  request.pod_namespace =
      required(attributes, "csi.storage.k8s.io/pod.namespace", "pod namespace is not provided");
  const IdentityFlags flags = parse_identity_flags(attributes);
  request.keyvault_name = required(attributes, "keyvaultName", "keyvaultName is not provided");
  request.tenant_id = trimmed(attributes, "tenantID");
  if (request.tenant_id.empty()) request.tenant_id = trimmed(attributes, "tenantId");  // legacy
  if (request.tenant_id.empty()) throw invalid_parameters("tenantId is not provided");

  // Upstream resolves the cloud here (step 9), before the auth config and the objects. The cloud
  // needs the plugin's configuration, so the provider calls resolve_cloud right after this
  // function: a request with both a bad cloud and a later error reports the later one.
  request.cloud_name = trimmed(attributes, "cloudName");
  request.cloud_env_file = trimmed(attributes, "cloudEnvFileName");

  request.user_assigned_identity_id = trimmed(attributes, "userAssignedIdentityID");
  request.client_id = trimmed(attributes, "clientID");
  request.service_account_name = trimmed(attributes, "csi.storage.k8s.io/serviceAccount.name");
  select_identity(flags,
                  go_trim_space(lookup(attributes, "csi.storage.k8s.io/serviceAccount.tokens")),
                  secrets, request);

  request.objects = parse_objects_parameter(lookup(attributes, "objects"), default_file_mode);
  return request;
}

}  // namespace sscsi::azure
