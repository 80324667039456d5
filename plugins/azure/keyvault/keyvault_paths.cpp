#include "keyvault/keyvault_paths.h"

#include <fmt/format.h>

#include "http/url.h"

namespace sscsi::azure {
namespace {

std::string base_of(std::string_view vault_url) {
  while (!vault_url.empty() && vault_url.back() == '/') vault_url.remove_suffix(1);
  return std::string(vault_url);
}

}  // namespace

std::string_view collection_of(ObjectType type) {
  switch (type) {
    case ObjectType::Secret:
      return "secrets";
    case ObjectType::Key:
      return "keys";
    case ObjectType::Cert:
      return "certificates";
  }
  return "secrets";
}

std::string_view kind_of(ObjectType type) {
  switch (type) {
    case ObjectType::Secret:
      return "secret";
    case ObjectType::Key:
      return "key";
    case ObjectType::Cert:
      return "certificate";
  }
  return "secret";
}

std::string object_url(std::string_view vault_url, ObjectType type, std::string_view name,
                       std::string_view version) {
  return fmt::format("{}/{}/{}/{}?api-version={}", base_of(vault_url), collection_of(type),
                     percent_encode(name), percent_encode(version), kKeyVaultApiVersion);
}

std::string versions_url(std::string_view vault_url, ObjectType type, std::string_view name) {
  return fmt::format("{}/{}/{}/versions?api-version={}", base_of(vault_url), collection_of(type),
                     percent_encode(name), kKeyVaultApiVersion);
}

std::string version_from_id(std::string_view id) {
  const auto url = parse_url(id);
  std::string_view path = url ? std::string_view(url->path) : id;
  int segment = 0;
  while (!path.empty()) {
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    const std::size_t end = path.find('/');
    const std::string_view part = path.substr(0, end);
    if (!part.empty() && ++segment == 3) return std::string(part);
    if (end == std::string_view::npos) break;
    path.remove_prefix(end);
  }
  return {};
}

std::string next_link_problem(std::string_view vault_url, std::string_view next_link) {
  const auto vault = parse_url(vault_url);
  const auto next = parse_url(next_link);
  if (!next) return fmt::format("nextLink \"{}\" is not a URL", next_link);
  if (!vault || next->scheme != "https" || origin_of(*next) != origin_of(*vault)) {
    return fmt::format(
        "nextLink points to {}, not to the vault {}; the bearer token is not "
        "sent there",
        origin_of(*next), vault ? origin_of(*vault) : std::string(vault_url));
  }
  return {};
}

std::string with_api_version(std::string_view next_link) {
  const auto url = parse_url(next_link);
  if (url && (url->query.rfind("api-version=", 0) == 0 ||
              url->query.find("&api-version=") != std::string::npos)) {
    return std::string(next_link);
  }
  const char separator = next_link.find('?') == std::string_view::npos ? '?' : '&';
  return fmt::format("{}{}api-version={}", next_link, separator, kKeyVaultApiVersion);
}

}  // namespace sscsi::azure
