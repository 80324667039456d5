#include "identity/token_requests.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/mount_error.h"
#include "http/url.h"

namespace sscsi::azure {
namespace {

bool tenant_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

std::string without_trailing_slash(std::string_view text) {
  while (!text.empty() && text.back() == '/') text.remove_suffix(1);
  return std::string(text);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string entra_token_url(std::string_view authority, std::string_view tenant) {
  if (tenant.empty() || tenant.size() > 256 ||
      !std::all_of(tenant.begin(), tenant.end(), tenant_char) || tenant.front() == '.' ||
      tenant.find("..") != std::string_view::npos) {
    throw MountError(SSCSI_INVALID_PARAMETERS,
                     fmt::format("tenantID \"{}\" is not a tenant ID or domain name", tenant));
  }
  const auto url = parse_url(authority);
  if (!url || url->scheme != "https") {
    throw MountError(SSCSI_INVALID_PARAMETERS,
                     fmt::format("activeDirectoryEndpoint \"{}\" is not an https URL", authority));
  }
  const std::string base = without_trailing_slash(authority);
  if (iequals(tenant, "adfs")) return base + "/adfs/oauth2/token";
  return fmt::format("{}/{}/oauth2/v2.0/token", base, tenant);
}

std::string msal_scope(std::string_view scope) {
  return std::string(scope) + " openid offline_access profile";
}

HttpRequest client_secret_token_request(const std::string& token_url, std::string_view client_id,
                                        std::string_view client_secret, std::string_view scope) {
  const std::string full_scope = msal_scope(scope);
  HttpRequest request;
  request.method = "POST";
  request.url = token_url;
  request.headers = {{"Accept", "application/json"}};
  request.content_type = "application/x-www-form-urlencoded";
  request.body = form_encode({{"client_id", client_id},
                              {"client_secret", client_secret},
                              {"grant_type", "client_credentials"},
                              {"scope", full_scope}});
  return request;
}

HttpRequest client_assertion_token_request(const std::string& token_url, std::string_view client_id,
                                           std::string_view assertion, std::string_view scope) {
  const std::string full_scope = msal_scope(scope);
  HttpRequest request;
  request.method = "POST";
  request.url = token_url;
  request.headers = {{"Accept", "application/json"}};
  request.content_type = "application/x-www-form-urlencoded";
  request.body = form_encode(
      {{"client_assertion", assertion},
       {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
       {"client_id", client_id},
       {"client_info", "1"},
       {"grant_type", "client_credentials"},
       {"scope", full_scope}});
  return request;
}

HttpRequest imds_token_request(std::string_view imds_endpoint, std::string_view client_id,
                               std::string_view resource) {
  HttpRequest request;
  request.url = fmt::format("{}/metadata/identity/oauth2/token?api-version=2018-02-01&resource={}",
                            without_trailing_slash(imds_endpoint), percent_encode(resource));
  if (!client_id.empty()) request.url += "&client_id=" + percent_encode(client_id);
  request.headers = {{"Metadata", "true"}};
  request.allow_plain_http = true;
  return request;
}

HttpRequest nmi_token_request(std::string_view nmi_endpoint, std::string_view resource,
                              std::string_view pod_namespace, std::string_view pod_name) {
  HttpRequest request;
  request.url =
      fmt::format("{}/host/token/?resource={}", without_trailing_slash(nmi_endpoint), resource);
  request.headers = {{"podns", std::string(pod_namespace)}, {"podname", std::string(pod_name)}};
  request.allow_plain_http = true;
  return request;
}

AccessToken exchange_token(HttpTransport& http, const HttpRequest& request, TokenService service,
                           std::string_view what, const CallControl& control) {
  const HttpResponse response = http.send(request, control);
  if (!response.ok()) throw token_request_error(service, what, response);
  const auto now = std::chrono::system_clock::now();
  if (service == TokenService::Nmi) return parse_nmi_answer(response.body, now);
  return parse_token_answer(response.body, what, now);
}

}  // namespace sscsi::azure
