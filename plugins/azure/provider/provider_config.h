#pragma once
// The Azure plugin's own configuration: create's config_json, from the host's
// `--plugin-config azure=FILE`. Every key is optional; an unknown key or a wrong type is an error
// naming the key, so a misspelt option never silently falls back to a default.
//
//   {
//     "cloudName": "AzurePublicCloud",          default cloud when a class names none
//     "constructPemChain": true,                order PFX chains leaf → root (upstream default)
//     "writeCertAndKeyInSeparateFiles": false,  also write <name>.crt and <name>.key
//     "caFile": "/etc/ssl/private-cloud-ca.pem", extra trusted CAs (private clouds, tests)
//     "connectTo": ["::127.0.0.1:8443"],        curl CONNECT_TO rules (private endpoints, tests)
//     "imdsEndpoint": "http://169.254.169.254",
//     "nmiEndpoint": "http://localhost:2579",
//     "tokenProxyUrl": "https://kubernetes.default.svc.cluster.local",
//     "connectTimeoutMs": 10000, "requestTimeoutMs": 30000,
//     "maxRetries": 3, "maxRetryAfterMs": 60000,
//     "maxParallelFetches": 20,
//     "allowedCloudEnvDirs": ["/etc/kubernetes"]  where cloudEnvFileName files may be; [] = none
//   }

#include <cstdint>
#include <string>
#include <vector>

namespace sscsi::azure {

struct ProviderConfig {
  std::string cloud_name = "AzurePublicCloud";
  bool construct_pem_chain = true;
  bool write_cert_and_key_in_separate_files = false;
  std::string ca_file;                  // "" = system store only
  std::vector<std::string> connect_to;  // HOST:PORT:TO_HOST:TO_PORT, HOST may be empty
  std::string imds_endpoint = "http://169.254.169.254";
  std::string nmi_endpoint = "http://localhost:2579";
  std::string token_proxy_url = "https://kubernetes.default.svc.cluster.local";
  uint32_t connect_timeout_ms = 10'000;
  uint32_t request_timeout_ms = 30'000;
  uint32_t max_retries = 3;
  uint32_t max_retry_after_ms = 60'000;  // a longer Retry-After fails at once (as upstream's SDK)
  // Objects of one mount fetched at once. 20: a cold mount of up to 20 objects costs 3 round
  // trips (challenge, token, one wave of GETs); with 8 it was 5. Each parallel fetch may open
  // one more TLS connection, cheap since the trust store is parsed once per client
  // (docs/BENCHMARKS.md, Azure section).
  uint32_t max_parallel_fetches = 20;
  // The only directories (absolute, lexically clean) whose files a SecretProviderClass may name
  // in cloudEnvFileName: the plugin runs as root and sees other pods' volumes, /proc and /dev.
  // AKS keeps its AzureStackCloud file at /etc/kubernetes/akscustom.json. Empty: refused.
  std::vector<std::string> allowed_cloud_env_dirs = {"/etc/kubernetes"};
};

// Parses `config_json` (NULL or "" counts as "{}"). Throws std::invalid_argument naming the key
// and the problem. Checks what can be checked without the network: known cloud name, caFile is a
// readable regular file, connectTo syntax, endpoint URL schemes, ranges, allowedCloudEnvDirs
// entries absolute and clean (their existence is not checked: a node may have none).
ProviderConfig parse_provider_config(const char* config_json);

// The JSON Schema (draft 2020-12) of the configuration, a static string.
const char* provider_config_schema() noexcept;

}  // namespace sscsi::azure
