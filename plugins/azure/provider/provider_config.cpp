#include "provider/provider_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "cloud/path_confinement.h"

namespace sscsi::azure {
namespace {

using nlohmann::json;

[[noreturn]] void fail(std::string_view key, const std::string& problem) {
  throw std::invalid_argument("azure plugin config: \"" + std::string(key) + "\" " + problem);
}

bool read_bool(const json& value, std::string_view key) {
  if (!value.is_boolean()) fail(key, "must be true or false");
  return value.get<bool>();
}

std::string read_string(const json& value, std::string_view key) {
  if (!value.is_string()) fail(key, "must be a string");
  return value.get<std::string>();
}

uint32_t read_uint(const json& value, std::string_view key, uint32_t min, uint32_t max) {
  if (!value.is_number_integer()) fail(key, "must be an integer");
  // nlohmann keeps a non-negative integer as uint64 (up to 2^64-1), a negative one as int64:
  // each is read as its own type, so no value wraps into the range.
  const auto out_of_range = [&](const std::string& written) {
    fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " +
                  written);
  };
  if (!value.is_number_unsigned()) out_of_range(std::to_string(value.get<int64_t>()));
  const auto v = value.get<uint64_t>();
  if (v < min || v > max) out_of_range(std::to_string(v));
  return static_cast<uint32_t>(v);
}

std::string read_endpoint(const json& value, std::string_view key,
                          std::initializer_list<std::string_view> schemes) {
  std::string url = read_string(value, key);
  for (const auto scheme : schemes) {
    const std::string prefix = std::string(scheme) + "://";
    if (url.size() > prefix.size() && url.compare(0, prefix.size(), prefix) == 0) {
      while (url.size() > prefix.size() && url.back() == '/') url.pop_back();
      if (url.find_first_of("?#@ ", prefix.size()) != std::string::npos) {
        fail(key, "must be a plain URL without query, fragment or user info, got \"" + url + "\"");
      }
      return url;
    }
  }
  std::string allowed;
  for (const auto scheme : schemes)
    allowed += (allowed.empty() ? "" : " or ") + std::string(scheme);
  fail(key, "must be an " + allowed + ":// URL, got \"" + url + "\"");
}

void check_ca_file(const std::string& path) {
  if (path.empty() || path.front() != '/') fail("caFile", "must be an absolute path");
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer, hanging create (and the
  // host's start-up); fstat below refuses it. A symlink is fine (ConfigMap mounts are ones).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) fail("caFile", "cannot be opened: " + path + ": " + std::strerror(errno));
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  ::close(fd);
  if (!regular) fail("caFile", "is not a regular file: " + path);
  // Whoever may change the bundle decides which servers get tokens: it is held to the rules of
  // the plugin files themselves.
  if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
    fail("caFile", path + " is owned by uid " + std::to_string(st.st_uid) +
                       "; it must be owned by root or by sscsi-host's user");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    fail("caFile", path + " may be changed by others (mode " + mode + "); chmod go-w it");
  }
}

void check_connect_to(const std::string& rule) {
  // curl's CONNECT_TO form; an empty HOST or PORT matches any.
  static const std::regex form(
      R"(^([A-Za-z0-9.\-]*|\[[0-9A-Fa-f:.]+\]):([0-9]{0,5}):([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\]):([0-9]{1,5})$)");
  if (!std::regex_match(rule, form)) {
    fail("connectTo",
         "entry \"" + rule + "\" is not HOST:PORT:TO_HOST:TO_PORT (HOST and PORT may be empty)");
  }
}

std::vector<std::string> read_allowed_dirs(const json& value, std::string_view key) {
  if (!value.is_array()) fail(key, "must be a list of absolute directory paths");
  std::vector<std::string> dirs;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string entry = "entry " + std::to_string(i);
    if (!value[i].is_string()) fail(key, entry + " must be a string");
    std::string dir = value[i].get<std::string>();
    if (dir.find('\0') != std::string::npos) fail(key, entry + " contains a NUL byte");
    if (dir.empty() || dir.front() != '/') {
      fail(key, entry + " \"" + dir + "\" is not an absolute path");
    }
    // "/etc/kubernetes/" and "/etc/kubernetes" name one directory; keep one spelling.
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    if (!is_clean_absolute_path(dir)) {
      fail(key,
           entry + " \"" + dir + "\" is not a clean path (no \".\", \"..\" or empty elements)");
    }
    dirs.push_back(std::move(dir));
  }
  return dirs;
}

}  // namespace

ProviderConfig parse_provider_config(const char* config_json) {
  ProviderConfig config;
  if (config_json == nullptr || *config_json == '\0') return config;
  json root;
  try {
    root = json::parse(config_json);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number like 1e400
    throw std::invalid_argument(std::string("azure plugin config is not valid JSON: ") + e.what());
  }
  if (!root.is_object()) throw std::invalid_argument("azure plugin config must be a JSON object");

  const std::map<std::string, std::function<void(const json&, const std::string&)>, std::less<>>
      readers = {
          {"cloudName",
           [&](const json& v, const std::string& k) {
             config.cloud_name = read_string(v, k);
             static const std::regex known(
                 "^(AzurePublicCloud|AzureUSGovernmentCloud|AzureChinaCloud|AzureGermanCloud|"
                 "AzureStackCloud)$",
                 std::regex::icase);
             if (!std::regex_match(config.cloud_name, known)) {
               fail(k,
                    "must be AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud, "
                    "AzureGermanCloud or AzureStackCloud, not \"" +
                        config.cloud_name + "\"");
             }
           }},
          {"constructPemChain",
           [&](const json& v, const std::string& k) {
             config.construct_pem_chain = read_bool(v, k);
           }},
          {"writeCertAndKeyInSeparateFiles",
           [&](const json& v, const std::string& k) {
             config.write_cert_and_key_in_separate_files = read_bool(v, k);
           }},
          {"caFile",
           [&](const json& v, const std::string& k) {
             config.ca_file = read_string(v, k);
             check_ca_file(config.ca_file);
           }},
          {"connectTo",
           [&](const json& v, const std::string& k) {
             if (!v.is_array()) fail(k, "must be a list of strings");
             config.connect_to.clear();
             for (const auto& item : v) {
               config.connect_to.push_back(read_string(item, k));
               check_connect_to(config.connect_to.back());
             }
           }},
          {"imdsEndpoint",
           [&](const json& v, const std::string& k) {
             config.imds_endpoint = read_endpoint(v, k, {"http", "https"});
           }},
          {"nmiEndpoint",
           [&](const json& v, const std::string& k) {
             config.nmi_endpoint = read_endpoint(v, k, {"http", "https"});
           }},
          {"tokenProxyUrl",
           [&](const json& v, const std::string& k) {
             config.token_proxy_url = read_endpoint(v, k, {"https"});
           }},
          {"connectTimeoutMs",
           [&](const json& v, const std::string& k) {
             config.connect_timeout_ms = read_uint(v, k, 100, 300'000);
           }},
          {"requestTimeoutMs",
           [&](const json& v, const std::string& k) {
             config.request_timeout_ms = read_uint(v, k, 100, 600'000);
           }},
          {"maxRetries",
           [&](const json& v, const std::string& k) {
             config.max_retries = read_uint(v, k, 0, 10);
           }},
          {"maxRetryAfterMs",
           [&](const json& v, const std::string& k) {
             config.max_retry_after_ms = read_uint(v, k, 0, 600'000);
           }},
          {"maxParallelFetches",
           [&](const json& v, const std::string& k) {
             config.max_parallel_fetches = read_uint(v, k, 1, 64);
           }},
          {"allowedCloudEnvDirs",
           [&](const json& v, const std::string& k) {
             config.allowed_cloud_env_dirs = read_allowed_dirs(v, k);
           }},
      };
  for (const auto& [key, value] : root.items()) {
    const auto reader = readers.find(key);
    if (reader == readers.end()) {
      throw std::invalid_argument("azure plugin config: unknown key \"" + key + "\"");
    }
    reader->second(value, key);
  }
  return config;
}

const char* provider_config_schema() noexcept {
  return R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "sscsi Azure Key Vault provider configuration",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "cloudName": {"type": "string", "default": "AzurePublicCloud",
      "description": "Cloud used when a SecretProviderClass sets no cloudName (case-insensitive).",
      "pattern": "^(?i:AzurePublicCloud|AzureUSGovernmentCloud|AzureChinaCloud|AzureGermanCloud|AzureStackCloud)$"},
    "constructPemChain": {"type": "boolean", "default": true,
      "description": "Order the certificates of a PFX-backed secret leaf first, root last."},
    "writeCertAndKeyInSeparateFiles": {"type": "boolean", "default": false,
      "description": "For certificate-backed secrets also write <name>.crt and <name>.key."},
    "caFile": {"type": "string",
      "description": "Absolute path of extra trusted CA certificates (PEM), added to the system store."},
    "connectTo": {"type": "array", "items": {"type": "string",
      "pattern": "^[^:]*:[0-9]{0,5}:[^:]+:[0-9]{1,5}$"},
      "description": "curl CONNECT_TO rules HOST:PORT:TO_HOST:TO_PORT; an empty HOST or PORT matches any."},
    "imdsEndpoint": {"type": "string", "default": "http://169.254.169.254",
      "description": "Instance Metadata Service base URL (VM managed identity)."},
    "nmiEndpoint": {"type": "string", "default": "http://localhost:2579",
      "description": "AAD Pod Identity NMI base URL (deprecated pod identity)."},
    "tokenProxyUrl": {"type": "string", "default": "https://kubernetes.default.svc.cluster.local",
      "description": "Identity-binding token proxy (https)."},
    "connectTimeoutMs": {"type": "integer", "minimum": 100, "maximum": 300000, "default": 10000},
    "requestTimeoutMs": {"type": "integer", "minimum": 100, "maximum": 600000, "default": 30000},
    "maxRetries": {"type": "integer", "minimum": 0, "maximum": 10, "default": 3,
      "description": "Retries of one request on 408, 429, 5xx and transport errors."},
    "maxRetryAfterMs": {"type": "integer", "minimum": 0, "maximum": 600000, "default": 60000,
      "description": "A longer Retry-After fails the request at once, reporting the wait to the host."},
    "maxParallelFetches": {"type": "integer", "minimum": 1, "maximum": 64, "default": 20,
      "description": "Objects of one mount fetched at the same time."},
    "allowedCloudEnvDirs": {"type": "array", "default": ["/etc/kubernetes"],
      "items": {"type": "string", "pattern": "^/"},
      "description": "The only directories (absolute, without '.', '..' or empty elements) whose files a SecretProviderClass may name in cloudEnvFileName (AzureStackCloud). An empty list refuses every such file."}
  }
})";
}

}  // namespace sscsi::azure
