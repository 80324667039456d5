#include "identity/token_source.h"

#include <memory>

#include <fmt/format.h>

#include "common/mount_error.h"
#include "identity/challenge.h"
#include "identity/credential_digest.h"
#include "identity/token_requests.h"

namespace sscsi::azure {
namespace {

// Everything a source needs after the MountRequest is gone.
struct SourceState {
  IdentityServices services;
  TokenCacheKey key;  // scope filled per call
  std::function<AccessToken(const std::string& scope, const CallControl&)> fetch;
};

HttpTransport& require(HttpTransport* transport, std::string_view mode) {
  if (transport == nullptr) {
    throw MountError(SSCSI_INTERNAL, fmt::format("no HTTP transport is configured for {}", mode));
  }
  return *transport;
}

std::string trim_trailing_slashes(std::string text) {
  while (!text.empty() && text.back() == '/') text.pop_back();
  return text;
}

// The subject for the cache key, and the assertion digest when sharing must be ruled out.
void set_workload_subject(TokenCacheKey& key, const MountRequest& request) {
  const std::string_view assertion = view(request.assertion_token);
  const auto claimed = service_account_subject(assertion);
  const std::string requested = request.service_account_name.empty()
                                    ? std::string()
                                    : request.pod_namespace + "/" + request.service_account_name;
  if (!requested.empty() && (!claimed || *claimed == requested)) {
    key.subject = requested;
  } else if (requested.empty() && claimed) {
    key.subject = *claimed;
  } else {
    key.subject = requested;
    key.credential_hash = sha256_hex(assertion);
  }
}

}  // namespace

BearerTokenSource make_token_source(const IdentityServices& services, const MountRequest& request,
                                    const CloudEnvironment& cloud) {
  auto state = std::make_shared<SourceState>();
  state->services = services;
  TokenCacheKey& key = state->key;

  switch (request.mode) {
    case IdentityMode::ServicePrincipal: {
      HttpTransport& http = require(services.entra, "service principal");
      const std::string url = entra_token_url(cloud.active_directory_endpoint, request.tenant_id);
      key = {cloud.active_directory_endpoint,
             request.tenant_id,
             std::string(view(request.sp_client_id)),
             "service-principal",
             "",
             "",
             sha256_hex(view(request.sp_client_secret))};
      auto client_id = std::make_shared<SecretString>(request.sp_client_id);
      auto secret = std::make_shared<SecretString>(request.sp_client_secret);
      state->fetch = [&http, url, client_id, secret](const std::string& scope,
                                                     const CallControl& control) {
        const HttpRequest token_request =
            client_secret_token_request(url, view(*client_id), view(*secret), scope);
        return exchange_token(
            http, token_request, TokenService::EntraId,
            fmt::format("service principal token for client {} from {}", view(*client_id), url),
            control);
      };
      break;
    }
    case IdentityMode::WorkloadIdentity:
    case IdentityMode::IdentityBinding: {
      const bool binding = request.mode == IdentityMode::IdentityBinding;
      if (binding && services.token_proxy == nullptr) {
        throw MountError(SSCSI_UNAVAILABLE,
                         "proxy transport not available: the plugin has no token proxy client "
                         "for useAzureTokenProxy");
      }
      HttpTransport& http =
          binding ? *services.token_proxy : require(services.entra, "workload identity");
      const std::string url = entra_token_url(cloud.active_directory_endpoint, request.tenant_id);
      key = {cloud.active_directory_endpoint,
             request.tenant_id,
             request.client_id,
             binding ? "identity-binding" : "workload-identity",
             "",
             "",
             ""};
      set_workload_subject(key, request);
      auto assertion = std::make_shared<SecretString>(request.assertion_token);
      const std::string client_id = request.client_id;
      const std::string subject = key.subject;
      TokenProxySni* sni = services.token_proxy_sni;
      const std::string proxy_url = services.token_proxy_url;
      state->fetch = [&http, url, assertion, client_id, subject, binding, sni, proxy_url](
                         const std::string& scope, const CallControl& control) {
        HttpRequest token_request =
            client_assertion_token_request(url, client_id, view(*assertion), scope);
        std::string what;
        if (binding) {
          if (sni == nullptr) {
            throw MountError(SSCSI_UNAVAILABLE,
                             "proxy transport not available: no token proxy is configured");
          }
          retarget_to_token_proxy(token_request, proxy_url, sni->get(control));
          what = fmt::format("identity binding token for client {} via token proxy {}", client_id,
                             proxy_url);
        } else {
          what = fmt::format("workload identity token for client {}{} from {}", client_id,
                             subject.empty() ? "" : " (service account " + subject + ")", url);
        }
        return exchange_token(http, token_request, TokenService::EntraId, what, control);
      };
      break;
    }
    case IdentityMode::VmManagedIdentity: {
      HttpTransport& http = require(services.imds, "VM managed identity");
      const std::string endpoint = services.endpoints.imds;
      const std::string client_id = request.user_assigned_identity_id;
      key = {endpoint, "", client_id, "vm-managed-identity", "", "", ""};
      state->fetch = [&http, endpoint, client_id](const std::string& scope,
                                                  const CallControl& control) {
        const HttpRequest token_request =
            imds_token_request(endpoint, client_id, resource_from_scope(scope));
        return exchange_token(
            http, token_request, TokenService::Imds,
            fmt::format("managed identity token ({}) from IMDS {}",
                        client_id.empty() ? "system-assigned" : "user-assigned " + client_id,
                        endpoint),
            control);
      };
      break;
    }
    case IdentityMode::PodIdentity: {
      HttpTransport& http = require(services.nmi, "pod identity");
      if (services.notices != nullptr) {
        services.notices->notify(
            "pod-identity",
            "usePodIdentity is deprecated (AAD Pod Identity and its NMI are retired): move the "
            "SecretProviderClass to workload identity (clientID)");
      }
      const std::string endpoint = services.endpoints.nmi;
      // NMI is asked for the cloud's Key Vault resource, whatever the challenge said (§3.6).
      const std::string resource = trim_trailing_slashes(cloud.key_vault_endpoint);
      const std::string pod_namespace = request.pod_namespace;
      const std::string pod_name = request.pod_name;
      key = {endpoint, "", pod_namespace + "/" + pod_name, "pod-identity", "", "", ""};
      state->fetch = [&http, endpoint, resource, pod_namespace, pod_name](
                         const std::string&, const CallControl& control) {
        return exchange_token(http, nmi_token_request(endpoint, resource, pod_namespace, pod_name),
                              TokenService::Nmi, "pod identity token from NMI", control);
      };
      break;
    }
  }

  return [state](const std::string& scope, bool refresh, const CallControl& control) {
    TokenCacheKey call_key = state->key;
    call_key.scope = scope;
    const auto fetch = [&](const CallControl& c) { return state->fetch(scope, c); };
    if (state->services.cache == nullptr) return fetch(control).token;
    return state->services.cache->get(call_key, fetch, control, refresh).token;
  };
}

}  // namespace sscsi::azure
