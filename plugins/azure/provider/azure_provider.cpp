#include "provider/azure_provider.h"

#include <fmt/format.h>

#include <chrono>
#include <set>
#include <stdexcept>
#include <string>

#include "cloud/cloud_environment.h"
#include "common/mount_error.h"
#include "identity/token_source.h"
#include "keyvault/keyvault_client.h"
#include "params/mount_request.h"
#include "provider/object_fetcher.h"
#include "provider/share_scope.h"

namespace sscsi::azure {
namespace {

HttpClientOptions http_options(const ProviderConfig& config) {
  HttpClientOptions options;
  options.ca_file = config.ca_file;
  options.connect_to = config.connect_to;
  options.connect_timeout = std::chrono::milliseconds(config.connect_timeout_ms);
  options.request_timeout = std::chrono::milliseconds(config.request_timeout_ms);
  return options;
}

HttpClientOptions cluster_http_options(const ProviderConfig& config) {
  TokenProxyConfig proxy;
  proxy.url = config.token_proxy_url;
  return token_proxy_client_options(proxy, http_options(config));
}

RetryOptions keyvault_retries(const ProviderConfig& config) {
  RetryOptions options;
  options.max_retries = static_cast<int>(config.max_retries);
  options.max_retry_after = std::chrono::milliseconds(config.max_retry_after_ms);
  return options;
}

RetryOptions imds_retries(const ProviderConfig& config) {
  RetryOptions options = imds_retry_defaults();
  options.max_retry_after = std::chrono::milliseconds(config.max_retry_after_ms);
  return options;
}

// Why a mount whose objects are all version histories selected no version at all (upstream
// mounts nothing, silently; an answer here must hold at least one object).
std::string nothing_selected(const MountRequest& mount, const CloudEnvironment& cloud) {
  std::string objects;
  for (const KeyVaultObject& object : mount.objects) {
    const bool from_start = !object.version.empty() && object.version != "latest";
    objects += fmt::format("{}{} {} has no enabled version{}", objects.empty() ? "" : "; ",
                           object_type_name(object.type), object.name,
                           from_start ? " from objectVersion " + object.version : "");
  }
  return fmt::format("nothing to mount from vault {}.{}: {}", mount.keyvault_name,
                     cloud.key_vault_dns_suffix, objects);
}

}  // namespace

std::unique_ptr<AzureProvider> AzureProvider::create(const sscsi_host_api& host,
                                                     const char* config_json) {
  return std::make_unique<AzureProvider>(host, parse_provider_config(config_json));
}

AzureProvider::AzureProvider(const sscsi_host_api& host, ProviderConfig config)
    : host_(host),
      config_(std::move(config)),
      metrics_(host),
      http_(http_options(config_)),
      keyvault_http_(http_, keyvault_retries(config_), RetryStatusSet::KeyVault),
      imds_http_(http_, imds_retries(config_), RetryStatusSet::Imds),
      cluster_http_(cluster_http_options(config_)),
      // No configured SNI name: it is computed from the API server certificate when needed.
      token_proxy_sni_("", &cluster_http_, default_api_server_url()),
      notices_([this](std::string_view message) { log(SSCSI_LOG_WARN, message); }) {
  identity_.entra = &keyvault_http_;
  identity_.imds = &imds_http_;
  identity_.nmi = &http_;  // NMI: no retries, as upstream
  identity_.token_proxy = &cluster_http_;
  identity_.token_proxy_sni = &token_proxy_sni_;
  identity_.token_proxy_url = config_.token_proxy_url;
  identity_.cache = &tokens_;
  identity_.notices = &notices_;
  identity_.endpoints.imds = config_.imds_endpoint;
  identity_.endpoints.nmi = config_.nmi_endpoint;
}

void AzureProvider::log(sscsi_log_level level, std::string_view message) const {
  if (!host_.log_enabled(host_.host_ctx, level)) return;
  const std::string line(message);
  host_.log(host_.host_ctx, level, line.c_str());
}

void AzureProvider::mount(const sscsi_mount_request* request, const sscsi_mount_sink& sink) {
  if (request == nullptr) {
    sink.set_error(sink.sink_ctx, SSCSI_INTERNAL, "azure provider: mount without a request", 0);
    return;
  }
  try {
    answer(*request, sink);
  } catch (const MountError& e) {
    log(SSCSI_LOG_WARN, fmt::format("mount failed: {}", e.what()));
    sink.set_error(sink.sink_ctx, e.code(), e.what(), e.retry_after_ms());
  } catch (const std::exception& e) {
    log(SSCSI_LOG_ERROR, fmt::format("mount failed unexpectedly: {}", e.what()));
    sink.set_error(sink.sink_ctx, SSCSI_INTERNAL,
                   fmt::format("azure provider failed unexpectedly: {}", e.what()).c_str(), 0);
  }
}

void AzureProvider::answer(const sscsi_mount_request& request, const sscsi_mount_sink& sink) {
  const auto started = std::chrono::steady_clock::now();
  const uint64_t call_id = request.call_id;
  const CallControl control = CallControl::until_unix_ms(request.deadline_unix_ms, [this, call_id] {
    return host_.call_cancelled(host_.host_ctx, call_id);
  });

  // Upstream's order (reference §1): parameters and identity, cloud, objects, vault name.
  const MountRequest mount = parse_mount_request(
      request.attributes_json != nullptr ? request.attributes_json : "{}",
      request.secrets_json != nullptr ? request.secrets_json : "{}", request.default_file_mode);
  const CloudEnvironment cloud = resolve_cloud(
      mount.cloud_name, config_.cloud_name, mount.cloud_env_file, config_.allowed_cloud_env_dirs);
  if (mount.objects.empty()) {
    // Upstream answers an empty `array:` with an empty volume; a class that mounts nothing is
    // a mistake worth saying, and the host needs at least one object per answer.
    throw invalid_parameters("objects lists no object: add at least one entry under array");
  }
  validate_vault_name(mount.keyvault_name);
  sink.set_share_scope(sink.sink_ctx, share_scope_for(mount.mode));

  KeyVaultClient vault(vault_url(cloud, mount.keyvault_name), keyvault_http_,
                       make_token_source(identity_, mount, cloud), challenges_,
                       [this](const KeyVaultRequestMetric& m) {
                         metrics_.record(object_type_name(m.type), m.name, m.error, m.seconds);
                       });

  const ConvertOptions options{
      .construct_pem_chain = config_.construct_pem_chain,
      .separate_cert_and_key_files = config_.write_cert_and_key_in_separate_files};
  const std::vector<FetchedObject> fetched =
      fetch_objects(vault, mount.objects, options, config_.max_parallel_fetches, control,
                    [this](std::string_view warning) { log(SSCSI_LOG_WARN, warning); });
  if (fetched.empty()) throw MountError(SSCSI_NOT_FOUND, nothing_selected(mount, cloud));

  std::set<std::string, std::less<>> ids;
  std::size_t files = 0;
  for (const FetchedObject& object : fetched) {
    for (const ObjectFile& file : object.files) {
      const auto* bytes = reinterpret_cast<const uint8_t*>(file.bytes.data());
      if (sink.add_file(sink.sink_ctx, file.path.c_str(), object.mode, bytes, file.bytes.size()) !=
          SSCSI_OK) {
        return;  // the host has already failed the answer and says why
      }
      ++files;
    }
    // One object under two aliases has one id (upstream repeats it; the host wants it once).
    if (ids.insert(object.id).second &&
        sink.add_object_version(sink.sink_ctx, object.id.c_str(), object.version.c_str()) !=
            SSCSI_OK) {
      return;
    }
  }
  log(SSCSI_LOG_DEBUG,
      fmt::format("mounted {} objects ({} files) of vault {} for pod {}/{} in {} ms",
                  fetched.size(), files, mount.keyvault_name, mount.pod_namespace, mount.pod_name,
                  std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count()));
}

}  // namespace sscsi::azure
