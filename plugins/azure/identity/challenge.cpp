#include "identity/challenge.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/mount_error.h"
#include "http/url.h"

namespace sscsi::azure {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool ends_token(char c) { return is_space(c) || c == ',' || c == '=' || c == '"'; }

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Reads a quoted-string starting at text[pos] == '"'; an unterminated one runs to the end.
std::string read_quoted(std::string_view text, std::size_t& pos) {
  std::string value;
  ++pos;
  while (pos < text.size() && text[pos] != '"') {
    if (text[pos] == '\\' && pos + 1 < text.size()) ++pos;
    value.push_back(text[pos]);
    ++pos;
  }
  if (pos < text.size()) ++pos;  // the closing quote
  return value;
}

void set_once(std::string& field, std::string value) {
  if (field.empty()) field = std::move(value);
}

// Letters, digits and '-' in two labels or more: what a Key Vault resource (vault.azure.net,
// managedhsm.azure.net, a custom cloud's suffix) is, and no IP literal or top-level domain.
bool is_multi_label_dns_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= host.size()) {
    const std::size_t end = std::min(host.find('.', start), host.size());
    const std::string_view label = host.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (const char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    ++labels;
    start = end + 1;
  }
  return labels >= 2;
}

// Why the resource URL may not be compared at all ("" when it is a plain https URL of a DNS
// name). The scope is sent to Entra ID as written, so anything besides scheme, host and path
// could make the token's audience differ from the host checked here.
std::string resource_url_problem(const UrlParts& resource) {
  if (resource.scheme != "https") return "is not an https URL";
  if (resource.has_userinfo) return "has user info";
  if (resource.port != 443) return fmt::format("names port {}", resource.port);
  if (!resource.query.empty() || resource.has_fragment) return "has a query or fragment";
  if (!is_multi_label_dns_name(resource.host)) {
    return fmt::format("has host \"{}\", which is not a DNS name with two labels or more",
                       resource.host);
  }
  return {};
}

}  // namespace

std::optional<BearerChallenge> parse_bearer_challenge(std::string_view header) {
  std::optional<BearerChallenge> found;
  bool in_bearer = false;
  std::size_t pos = 0;
  while (pos < header.size()) {
    while (pos < header.size() && (is_space(header[pos]) || header[pos] == ',')) ++pos;
    if (pos >= header.size()) break;
    const std::size_t start = pos;
    while (pos < header.size() && !ends_token(header[pos])) ++pos;
    const std::string_view token = header.substr(start, pos - start);
    std::size_t after = pos;
    while (after < header.size() && is_space(header[after])) ++after;

    if (token.empty()) {
      // A stray '=' or a quoted string without a name: skip it.
      if (header[pos] == '"') {
        read_quoted(header, pos);
      } else {
        ++pos;
      }
      continue;
    }
    // "name = value" may have spaces around '=', but "Bearer =x" is the scheme followed by junk.
    const bool spaced_scheme = after > pos && lower(token) == "bearer";
    if (after < header.size() && header[after] == '=' && !spaced_scheme) {
      pos = after + 1;
      while (pos < header.size() && is_space(header[pos])) ++pos;
      std::string value;
      if (pos < header.size() && header[pos] == '"') {
        value = read_quoted(header, pos);
      } else {
        const std::size_t value_start = pos;
        while (pos < header.size() && !is_space(header[pos]) && header[pos] != ',') ++pos;
        value = std::string(header.substr(value_start, pos - value_start));
      }
      if (!in_bearer) continue;
      const std::string name = lower(token);
      if (name == "authorization" || name == "authorization_uri") {
        set_once(found->authorization, std::move(value));
      } else if (name == "resource") {
        set_once(found->resource, std::move(value));
      } else if (name == "scope") {
        set_once(found->scope, std::move(value));
      }
      continue;
    }
    // A bare token starts a new challenge (its scheme). Only the first Bearer one counts.
    if (found) break;
    in_bearer = lower(token) == "bearer";
    if (in_bearer) found.emplace();
  }
  return found;
}

std::string scope_from_resource(std::string_view resource) {
  constexpr std::string_view kSuffix = "/.default";
  if (resource.size() >= kSuffix.size() &&
      resource.substr(resource.size() - kSuffix.size()) == kSuffix) {
    return std::string(resource);
  }
  return std::string(resource) + std::string(kSuffix);
}

std::string challenge_scope(const BearerChallenge& challenge) {
  if (!challenge.scope.empty()) return challenge.scope;
  if (!challenge.resource.empty()) return scope_from_resource(challenge.resource);
  return {};
}

std::string resource_from_scope(std::string_view scope) {
  constexpr std::string_view kSuffix = "/.default";
  if (scope.size() >= kSuffix.size() && scope.substr(scope.size() - kSuffix.size()) == kSuffix) {
    scope.remove_suffix(kSuffix.size());
  }
  return std::string(scope);
}

void verify_challenge_scope(std::string_view vault_url, std::string_view scope) {
  const auto vault = parse_url(vault_url);
  if (!vault) {
    throw MountError(SSCSI_INTERNAL, fmt::format("vault URL \"{}\" is not a URL", vault_url));
  }
  const auto resource = parse_url(scope);
  if (!resource) {
    throw MountError(SSCSI_UNAUTHORIZED,
                     fmt::format("challenge resource \"{}\" from vault {} is not a URL; refusing "
                                 "to request a token for it",
                                 scope, vault->host));
  }
  if (const std::string problem = resource_url_problem(*resource); !problem.empty()) {
    throw MountError(SSCSI_UNAUTHORIZED,
                     fmt::format("challenge resource from vault {} {}; refusing to request a "
                                 "token for it",
                                 vault->host, problem));
  }
  // Compared on the parsed, lower-cased hosts, at a label boundary.
  const std::string suffix = "." + resource->host;
  const bool inside =
      vault->host.size() > suffix.size() &&
      vault->host.compare(vault->host.size() - suffix.size(), suffix.size(), suffix) == 0;
  if (!inside) {
    throw MountError(
        SSCSI_UNAUTHORIZED,
        fmt::format("challenge resource \"{}\" doesn't match the requested domain: vault {} is "
                    "not under {}, so no token for that resource is sent to it. Check the "
                    "vault name and cloudName (see https://aka.ms/azsdk/blog/vault-uri)",
                    resource->host, vault->host, resource->host));
  }
}

}  // namespace sscsi::azure
