#pragma once
// Key Vault data-plane reads for one vault (reference §4.1): secrets, keys, certificates and
// their version lists, with the challenge handshake of §3.0:
// - The first request to a vault whose scope is not known yet goes without a token (one
//   caller per vault at a time; others wait for its answer, see ChallengeCache). Its 401's
//   WWW-Authenticate names the scope; the vault must lie inside that resource's domain (else
//   refused); the scope is remembered and the request repeated with a token.
// - Later requests carry a token at once. A 401 then re-reads the challenge (scope changes are
//   learned) and retries once with a freshly fetched token.
// Every public call reports one metric sample (object type and name, error text or "", seconds)
// to the hook, as upstream's keyvault_request does, list calls included.
// Thread-safe: concurrent calls for the objects of one mount are fine.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_transport.h"
#include "identity/challenge_cache.h"
#include "identity/token_source.h"
#include "keyvault/keyvault_objects.h"
#include "params/mount_request.h"

namespace sscsi::azure {

struct KeyVaultRequestMetric {
  ObjectType type;
  std::string_view name;
  std::string_view error;  // "" on success
  double seconds = 0;
};
using KeyVaultMetricHook = std::function<void(const KeyVaultRequestMetric&)>;

class KeyVaultClient {
 public:
  // vault_url: "https://<vault>.<dns suffix>/". `http` should retry (RetryingTransport with the
  // Key Vault set). Throws MountError (SSCSI_INVALID_PARAMETERS) when vault_url is not an
  // https URL. `http` and `challenges` are borrowed and must outlive the client.
  KeyVaultClient(std::string vault_url, HttpTransport& http, BearerTokenSource tokens,
                 ChallengeCache& challenges, KeyVaultMetricHook metric = {}, int max_pages = 100);

  // `version` "" = the latest. Throw MountError (keyvault_errors.h, keyvault_json.h).
  SecretBundle get_secret(const std::string& name, const std::string& version,
                          const CallControl& control);
  KeyBundle get_key(const std::string& name, const std::string& version,
                    const CallControl& control);
  CertificateBundle get_certificate(const std::string& name, const std::string& version,
                                    const CallControl& control);

  // Every version of the object, following nextLink (only on this vault's origin; at most
  // max_pages pages).
  std::vector<VersionEntry> list_versions(ObjectType type, const std::string& name,
                                          const CallControl& control);

  const std::string& vault_url() const { return vault_url_; }

 private:
  // GET with the challenge handshake; returns the final answer (any status).
  HttpResponse authorized_get(const std::string& url, const CallControl& control);
  HttpResponse get_with_token(const std::string& url, const std::string& scope, bool refresh,
                              const CallControl& control);
  // The scope a 401 names (verified against the vault), or "" when it names none.
  std::string scope_from_401(const HttpResponse& response) const;
  SecretString fetch_body(ObjectType type, const std::string& name, const std::string& version,
                          const CallControl& control);
  void record(ObjectType type, const std::string& name, std::string_view error,
              std::chrono::steady_clock::time_point start) const;

  const std::string vault_url_;
  std::string vault_host_;
  HttpTransport& http_;
  const BearerTokenSource tokens_;
  ChallengeCache& challenges_;
  const KeyVaultMetricHook metric_;
  const int max_pages_;
};

}  // namespace sscsi::azure
