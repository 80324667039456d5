#include "params/identity_selection.h"

#include <string>

#include "common/mount_error.h"
#include "params/go_parse_bool.h"
#include "params/go_strings.h"
#include "params/service_account_tokens.h"
#include "params/sp_credentials.h"

namespace sscsi::azure {
namespace {

bool parse_flag(const StringMap& attributes, std::string_view name) {
  const std::string_view text = go_trim_space(lookup(attributes, name));
  if (text.empty()) return false;
  const auto value = go_parse_bool(text);
  if (!value) {
    throw invalid_parameters("failed to parse " + std::string(name) +
                             " flag, error: " + go_parse_bool_error(text));
  }
  return *value;
}

// Upstream's mode name: workload identity and service principal are both mode "None".
std::string_view flag_mode_name(const IdentityFlags& flags) {
  if (flags.token_proxy) return upstream_mode_name(IdentityMode::IdentityBinding);
  if (flags.pod_identity) return upstream_mode_name(IdentityMode::PodIdentity);
  if (flags.vm_managed_identity) return upstream_mode_name(IdentityMode::VmManagedIdentity);
  return upstream_mode_name(IdentityMode::ServicePrincipal);
}

SecretString identity_binding_token(std::string_view client_id, std::string_view tokens) {
  if (client_id.empty()) throw invalid_parameters("clientID is required for identity binding");
  if (tokens.empty()) {
    throw invalid_parameters("service account tokens are required for identity binding");
  }
  try {
    return parse_service_account_token(tokens, kIdentityBindingAudience);
  } catch (const MountError& e) {
    throw invalid_parameters(
        std::string("failed to parse service account token for identity binding, error: ") +
        e.what());
  }
}

SecretString workload_identity_token(std::string_view tokens) {
  try {
    return parse_service_account_token(tokens, kWorkloadIdentityAudience);
  } catch (const MountError& e) {
    throw invalid_parameters(std::string("failed to parse workload identity tokens, error: ") +
                             e.what());
  }
}

void fill_credentials(const IdentityFlags& flags, std::string_view tokens,
                      const std::optional<StringMap>& secrets, MountRequest& request) {
  if (flags.token_proxy) {
    request.assertion_token = identity_binding_token(request.client_id, tokens);
    request.mode = IdentityMode::IdentityBinding;
    return;
  }
  // As upstream: a clientID makes the workload-identity token mandatory even when a use* flag
  // then picks another identity (the token is parsed, checked and dropped).
  SecretString workload_token;
  if (!request.client_id.empty()) workload_token = workload_identity_token(tokens);
  if (flags.pod_identity) {
    request.mode = IdentityMode::PodIdentity;
  } else if (flags.vm_managed_identity) {
    request.mode = IdentityMode::VmManagedIdentity;
  } else if (!workload_token.empty()) {
    request.mode = IdentityMode::WorkloadIdentity;
    request.assertion_token = std::move(workload_token);
  } else {
    SpCredentials credentials = read_sp_credentials(secrets);
    request.mode = IdentityMode::ServicePrincipal;
    request.sp_client_id = std::move(credentials.client_id);
    request.sp_client_secret = std::move(credentials.client_secret);
  }
}

}  // namespace

IdentityFlags parse_identity_flags(const StringMap& attributes) {
  IdentityFlags flags;
  flags.pod_identity = parse_flag(attributes, "usePodIdentity");
  flags.vm_managed_identity = parse_flag(attributes, "useVMManagedIdentity");
  flags.token_proxy = parse_flag(attributes, "useAzureTokenProxy");
  if (int{flags.pod_identity} + int{flags.vm_managed_identity} + int{flags.token_proxy} > 1) {
    throw invalid_parameters(
        "only one identity mode can be enabled at a time: usePodIdentity, useVMManagedIdentity, "
        "or useAzureTokenProxy");
  }
  return flags;
}

void select_identity(const IdentityFlags& flags, std::string_view service_account_tokens,
                     const std::optional<StringMap>& secrets, MountRequest& request) {
  try {
    fill_credentials(flags, service_account_tokens, secrets, request);
  } catch (const MountError& e) {
    throw invalid_parameters("failed to build auth config for mode " +
                             std::string(flag_mode_name(flags)) + ": " + e.what());
  }
}

}  // namespace sscsi::azure
