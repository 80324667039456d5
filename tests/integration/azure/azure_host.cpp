#include "azure_host.h"

#include <yaml-cpp/yaml.h>

#include <ctime>

#include "csi_requests.h"
#include "spc_files.h"
#include "unsigned_jwt.h"

namespace sscsi::testing_support {

namespace fs = std::filesystem;

AzureHost::AzureHost(AzureHostSetup setup)
    : azure_(std::make_unique<AzureEmulator>(setup.emulator)) {
  nlohmann::json config = {{"caFile", azure_->ca_file().string()},
                           {"connectTo", azure_->connect_to()},
                           {"imdsEndpoint", azure_->imds_endpoint()},
                           {"nmiEndpoint", azure_->nmi_endpoint()}};
  config.update(setup.plugin_config);
  CsiHostSetup host_setup;
  host_setup.plugins = {fs::path(SSCSI_PLUGIN_DIR) / "libsscsi-provider-azure.so"};
  host_setup.plugin_configs = {{"azure", config.dump()}};
  host_setup.extra_args = setup.extra_args;
  host_ = std::make_unique<CsiHost>(host_setup);
  host_->start();
}

std::string AzureHost::service_account_tokens(const std::string& subject,
                                              const std::string& audience) {
  JwtClaims claims;
  claims.audience = audience;
  claims.subject = subject;
  const std::string jwt = unsigned_jwt(claims);
  const nlohmann::json tokens = {
      {audience, {{"token", jwt}, {"expirationTimestamp", "2099-01-01T00:00:00Z"}}}};
  return tokens.dump();
}

std::map<std::string, std::string> AzureHost::workload_parameters(const std::string& objects_yaml) {
  auto params = vault_parameters(objects_yaml);
  params["clientID"] = kWorkloadClientId;
  return params;
}

AzureHost workload_host(AzureHostSetup setup) {
  AzureHost env(std::move(setup));
  env.azure().register_workload_identity(kWorkloadClientId, kWorkloadSubject, {kVault},
                                         AzureEmulator::kWorkloadAudience, kTenant);
  return env;
}

std::map<std::string, std::string> vault_parameters(const std::string& objects_yaml) {
  return {{"keyvaultName", kVault}, {"tenantID", kTenant}, {"objects", objects_yaml}};
}

void AzureHost::write_class(const std::string& name,
                            const std::map<std::string, std::string>& params) {
  host_->write_spc(SpcSpec{.name = name, .provider = "azure", .parameters = params});
}

::csi::v1::NodePublishVolumeRequest AzureHost::request(const std::string& name,
                                                       const std::string& pod_uid,
                                                       const fs::path& target,
                                                       const AzurePodOptions& pod) const {
  auto built = publish_request(target, pod_uid, name);
  auto& context = *built.mutable_volume_context();
  if (!pod.tokens.empty()) context["csi.storage.k8s.io/serviceAccount.tokens"] = pod.tokens;
  if (!pod.pod_name.empty()) context["csi.storage.k8s.io/pod.name"] = pod.pod_name;
  if (!pod.pod_namespace.empty()) context["csi.storage.k8s.io/pod.namespace"] = pod.pod_namespace;
  if (!pod.service_account.empty()) {
    context["csi.storage.k8s.io/serviceAccount.name"] = pod.service_account;
  }
  for (const auto& [key, value] : pod.secrets) (*built.mutable_secrets())[key] = value;
  return built;
}

grpc::Status AzureHost::publish(const std::string& name,
                                const std::map<std::string, std::string>& params,
                                const std::string& pod_uid, const fs::path& target,
                                const AzurePodOptions& pod) {
  write_class(name, params);
  return host_->publish(request(name, pod_uid, target, pod));
}

grpc::Status AzureHost::publish(const std::string& name,
                                const std::map<std::string, std::string>& params,
                                const std::string& pod_uid, const fs::path& target,
                                const std::string& tokens,
                                const std::map<std::string, std::string>& node_publish_secrets) {
  return publish(name, params, pod_uid, target,
                 AzurePodOptions{.tokens = tokens, .secrets = node_publish_secrets});
}

std::string azure_objects_yaml(
    const std::vector<std::vector<std::pair<std::string, std::string>>>& objects) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "array" << YAML::Value << YAML::BeginSeq;
  for (const auto& object : objects) {
    YAML::Emitter inner;
    inner << YAML::BeginMap;
    for (const auto& [key, value] : object) inner << YAML::Key << key << YAML::Value << value;
    inner << YAML::EndMap;
    out << YAML::Literal << std::string(inner.c_str()) + "\n";
  }
  out << YAML::EndSeq << YAML::EndMap;
  return out.c_str();
}

}  // namespace sscsi::testing_support
