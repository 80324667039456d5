#include "cloud/azure_stack_file.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cloud/confined_file.h"
#include "common/mount_error.h"
#include "http/url.h"
#include "params/go_strings.h"
#include "params/json_text.h"

namespace sscsi::azure {
namespace {

std::string string_field(const nlohmann::json& doc, std::string_view path, const char* field) {
  const auto it = doc.find(field);
  if (it == doc.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    throw invalid_parameters(
        fmt::format("{}: field \"{}\" is missing, empty or not a string", path, field));
  }
  return it->get<std::string>();
}

// https://<host>[:port][/path], no user info, query or fragment; returned with a trailing '/'.
std::string https_endpoint(const nlohmann::json& doc, std::string_view path, const char* field) {
  const std::string written = string_field(doc, path, field);
  constexpr std::string_view kScheme = "https://";
  const std::string_view rest = std::string_view(written).substr(
      written.size() >= kScheme.size() &&
              go_equal_fold(std::string_view(written).substr(0, kScheme.size()), kScheme)
          ? kScheme.size()
          : written.size());
  const std::string_view host = rest.substr(0, rest.find('/'));
  const std::string url = written.back() == '/' ? written : written + '/';
  // The HTTP client parses the URL again when it sends a token or a request there: a host or
  // port its parser refuses ("https://(x/", "https://v:99999") is refused here, naming the field.
  const auto parts = parse_url(url);
  const bool ok = !rest.empty() && !host.empty() &&
                  written.find_first_of("@?# \t\r\n") == std::string::npos && parts &&
                  parts->scheme == "https" && !parts->host.empty() && !parts->has_userinfo;
  if (!ok) {
    throw invalid_parameters(fmt::format(
        "{}: field \"{}\" must be an https URL such as \"https://login.microsoftonline.com/\", "
        "not {}",
        path, field, go_quote(written)));
  }
  return url;
}

bool is_dns_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find('.', start), name.size());
    const std::string_view label = name.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (const char c : label) {
      const bool ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

}  // namespace

CloudEnvironment read_azure_stack_file(std::string_view path_view,
                                       const std::vector<std::string>& allowed_dirs) {
  if (path_view.empty()) {
    throw invalid_parameters(
        "cloudEnvFileName is not set; AzureStackCloud reads its endpoints from the JSON file "
        "that parameter names");
  }
  const std::string path(path_view);
  if (path.front() != '/') {
    throw invalid_parameters("cloudEnvFileName must be an absolute path, not " + go_quote(path));
  }
  return parse_azure_stack_file(read_confined_file(path, allowed_dirs, kMaxAzureStackFileBytes),
                                path);
}

CloudEnvironment parse_azure_stack_file(std::string_view contents, std::string_view path_view) {
  const std::string path(path_view);
  const nlohmann::json doc = parse_json_quietly(contents, path + ": ");
  if (!doc.is_object()) {
    throw invalid_parameters(
        fmt::format("{}: must hold a JSON object, not {}", path, go_json_type_word(doc)));
  }
  CloudEnvironment cloud;
  cloud.name = "AzureStackCloud";
  if (const auto name = doc.find("name"); name != doc.end() && !name->is_null()) {
    if (!name->is_string()) {
      throw invalid_parameters(fmt::format("{}: field \"name\" must be a string", path));
    }
    if (!name->get_ref<const std::string&>().empty()) cloud.name = name->get<std::string>();
  }
  cloud.active_directory_endpoint = https_endpoint(doc, path, "activeDirectoryEndpoint");
  cloud.key_vault_endpoint = https_endpoint(doc, path, "keyVaultEndpoint");
  cloud.key_vault_dns_suffix = string_field(doc, path, "keyVaultDNSSuffix");
  if (!is_dns_name(cloud.key_vault_dns_suffix)) {
    throw invalid_parameters(fmt::format(
        "{}: field \"keyVaultDNSSuffix\" must be a DNS name such as \"vault.azure.net\", not {}",
        path, go_quote(cloud.key_vault_dns_suffix)));
  }
  return cloud;
}

}  // namespace sscsi::azure
