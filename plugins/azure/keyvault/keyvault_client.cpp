#include "keyvault/keyvault_client.h"

#include <set>

#include <fmt/format.h>

#include "common/mount_error.h"
#include "http/url.h"
#include "identity/challenge.h"
#include "keyvault/keyvault_errors.h"
#include "keyvault/keyvault_json.h"
#include "keyvault/keyvault_paths.h"

namespace sscsi::azure {
namespace {

std::string describe(ObjectType type, std::string_view name, std::string_view version) {
  return version.empty() ? fmt::format("{} {} (latest version)", kind_of(type), name)
                         : fmt::format("{} {} (version {})", kind_of(type), name, version);
}

HttpRequest get_request(const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.headers = {{"Accept", "application/json"}};
  return request;
}

}  // namespace

KeyVaultClient::KeyVaultClient(std::string vault_url, HttpTransport& http, BearerTokenSource tokens,
                               ChallengeCache& challenges, KeyVaultMetricHook metric, int max_pages)
    : vault_url_(std::move(vault_url)),
      http_(http),
      tokens_(std::move(tokens)),
      challenges_(challenges),
      metric_(std::move(metric)),
      max_pages_(max_pages < 1 ? 1 : max_pages) {
  const auto url = parse_url(vault_url_);
  if (!url || url->scheme != "https") {
    throw MountError(SSCSI_INVALID_PARAMETERS,
                     fmt::format("vault URL \"{}\" is not an https URL", vault_url_));
  }
  vault_host_ = url->host;
}

std::string KeyVaultClient::scope_from_401(const HttpResponse& response) const {
  const std::string* header = response.header("www-authenticate");
  if (header == nullptr) return {};
  const auto challenge = parse_bearer_challenge(*header);
  if (!challenge) return {};
  const std::string scope = challenge_scope(*challenge);
  if (!scope.empty()) verify_challenge_scope(vault_url_, scope);
  return scope;
}

HttpResponse KeyVaultClient::get_with_token(const std::string& url, const std::string& scope,
                                            bool refresh, const CallControl& control) {
  HttpRequest request = get_request(url);
  request.bearer_token = tokens_(scope, refresh, control);
  return http_.send(request, control);
}

HttpResponse KeyVaultClient::authorized_get(const std::string& url, const CallControl& control) {
  ChallengeCache::Lookup lookup = challenges_.scope_or_learn(vault_url_, control);
  if (lookup.scope) {
    HttpResponse response = get_with_token(url, *lookup.scope, false, control);
    if (response.status != 401) return response;
    // Refused: the token may be revoked or the vault may want another scope now.
    std::string scope = scope_from_401(response);
    if (scope.empty()) return response;
    challenges_.remember(vault_url_, scope);
    return get_with_token(url, scope, true, control);
  }
  if (!lookup.claim.held()) {
    throw MountError(SSCSI_DEADLINE_EXCEEDED,
                     fmt::format("stopped waiting for the challenge of vault {}: the call was "
                                 "cancelled or its deadline passed",
                                 vault_host_));
  }
  // The learner: the first request goes without a token.
  HttpResponse response = http_.send(get_request(url), control);
  if (response.status != 401) return response;  // no challenge (or another error): as is
  if (response.header("www-authenticate") == nullptr) {
    throw MountError(SSCSI_UNAUTHORIZED,
                     fmt::format("vault {} answered 401: response has no WWW-Authenticate "
                                 "header for challenge authentication",
                                 vault_host_));
  }
  const std::string scope = scope_from_401(response);
  if (scope.empty()) {
    throw MountError(SSCSI_UNAUTHORIZED,
                     fmt::format("vault {} answered 401: could not find a valid resource in the "
                                 "WWW-Authenticate header",
                                 vault_host_));
  }
  lookup.claim.complete(scope);
  response = get_with_token(url, scope, false, control);
  if (response.status == 401) response = get_with_token(url, scope, true, control);
  return response;
}

void KeyVaultClient::record(ObjectType type, const std::string& name, std::string_view error,
                            std::chrono::steady_clock::time_point start) const {
  if (!metric_) return;
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  metric_(KeyVaultRequestMetric{type, name, error, took.count()});
}

SecretString KeyVaultClient::fetch_body(ObjectType type, const std::string& name,
                                        const std::string& version, const CallControl& control) {
  if (name.empty()) {
    throw MountError(SSCSI_INVALID_PARAMETERS, fmt::format("{} name is empty", kind_of(type)));
  }
  HttpResponse response = authorized_get(object_url(vault_url_, type, name, version), control);
  if (!response.ok()) throw keyvault_error(response, describe(type, name, version), vault_host_);
  return std::move(response.body);
}

namespace {

// Runs `work`, reporting its duration and outcome to `record` (also when it throws).
template <typename Work, typename Record>
auto metered(Work&& work, Record&& record) {
  const auto start = std::chrono::steady_clock::now();
  try {
    auto result = work();
    record("", start);
    return result;
  } catch (const std::exception& error) {
    record(error.what(), start);
    throw;
  }
}

}  // namespace

SecretBundle KeyVaultClient::get_secret(const std::string& name, const std::string& version,
                                        const CallControl& control) {
  return metered(
      [&] { return parse_secret_bundle(fetch_body(ObjectType::Secret, name, version, control)); },
      [&](std::string_view error, auto start) { record(ObjectType::Secret, name, error, start); });
}

KeyBundle KeyVaultClient::get_key(const std::string& name, const std::string& version,
                                  const CallControl& control) {
  return metered(
      [&] { return parse_key_bundle(fetch_body(ObjectType::Key, name, version, control)); },
      [&](std::string_view error, auto start) { record(ObjectType::Key, name, error, start); });
}

CertificateBundle KeyVaultClient::get_certificate(const std::string& name,
                                                  const std::string& version,
                                                  const CallControl& control) {
  return metered(
      [&] {
        return parse_certificate_bundle(fetch_body(ObjectType::Cert, name, version, control));
      },
      [&](std::string_view error, auto start) { record(ObjectType::Cert, name, error, start); });
}

std::vector<VersionEntry> KeyVaultClient::list_versions(ObjectType type, const std::string& name,
                                                        const CallControl& control) {
  return metered(
      [&] {
        if (name.empty()) {
          throw MountError(SSCSI_INVALID_PARAMETERS,
                           fmt::format("{} name is empty", kind_of(type)));
        }
        const std::string what = fmt::format("versions of {} {}", kind_of(type), name);
        std::vector<VersionEntry> all;
        std::string url = versions_url(vault_url_, type, name);
        for (int page = 1;; ++page) {
          if (page > max_pages_) {
            throw MountError(SSCSI_UNAVAILABLE,
                             fmt::format("{} in vault {}: more than {} pages; stopped following "
                                         "nextLink",
                                         what, vault_host_, max_pages_));
          }
          const HttpResponse response = authorized_get(url, control);
          if (!response.ok()) throw keyvault_error(response, what, vault_host_);
          VersionPage parsed = parse_version_page(response.body, type);
          all.insert(all.end(), std::make_move_iterator(parsed.entries.begin()),
                     std::make_move_iterator(parsed.entries.end()));
          if (!parsed.next_link) break;
          if (std::string problem = next_link_problem(vault_url_, *parsed.next_link);
              !problem.empty()) {
            throw MountError(SSCSI_UNAVAILABLE,
                             fmt::format("{} in vault {}: {}", what, vault_host_, problem));
          }
          url = with_api_version(*parsed.next_link);
        }
        return all;
      },
      [&](std::string_view error, auto start) { record(type, name, error, start); });
}

}  // namespace sscsi::azure
