#include "azure_plugin_harness.h"

#include <atomic>
#include <sstream>
#include <stdexcept>

namespace sscsi::azure_test {

AzurePlugin::AzurePlugin() : PluginLibrary(SSCSI_AZURE_PLUGIN_PATH, "the Azure plugin") {}

const AzurePlugin& AzurePlugin::get() {
  static const AzurePlugin plugin;
  return plugin;
}

CreateOutcome create_instance(const sscsi_host_api* host, const std::string& config_json) {
  return AzurePlugin::get().create(host, config_json.c_str());
}

std::map<std::string, std::string> pod_attributes(const std::string& pod_namespace,
                                                  const std::string& pod_name) {
  return {{"csi.storage.k8s.io/pod.name", pod_name},
          {"csi.storage.k8s.io/pod.namespace", pod_namespace},
          {"csi.storage.k8s.io/pod.uid", "0f0e0d0c-0b0a-0908-0706-050403020100"},
          {"csi.storage.k8s.io/serviceAccount.name", "app"},
          {"csi.storage.k8s.io/ephemeral", "true"},
          {"secretProviderClass", "azure-test"}};
}

std::string service_account_tokens(const std::string& audience, const std::string& token) {
  return nlohmann::json{
      {audience, {{"token", token}, {"expirationTimestamp", "2099-01-01T00:00:00Z"}}}}
      .dump();
}

std::string objects_yaml(const std::vector<std::string>& objects) {
  std::string yaml = "array:\n";
  for (const std::string& object : objects) {
    yaml += "  - |\n";
    std::istringstream lines(object);
    for (std::string line; std::getline(lines, line);) yaml += "    " + line + "\n";
  }
  return yaml;
}

AzureInstance::AzureInstance(FakeHost& host, const nlohmann::json& config) {
  const CreateOutcome created = create_instance(host.api(), config.dump());
  if (created.status != SSCSI_OK) throw std::runtime_error("create failed: " + created.error);
  instance_ = created.instance;
}

AzureInstance::~AzureInstance() { AzurePlugin::get().table().destroy(instance_); }

MountAnswer AzureInstance::mount(const MountInput& input) const {
  static std::atomic<std::uint64_t> next_call_id{1};
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [key, value] : input.attributes) attributes[key] = value;
  const std::string attributes_text =
      input.raw_attributes ? *input.raw_attributes : attributes.dump();
  const auto now = std::chrono::system_clock::now();
  sscsi_mount_request request{};
  request.struct_size = sizeof(sscsi_mount_request);
  request.default_file_mode = input.default_file_mode;
  request.call_id = next_call_id++;
  request.deadline_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 (now + input.timeout).time_since_epoch())
                                 .count();
  request.attributes_json = attributes_text.c_str();
  request.secrets_json = input.secrets_json.c_str();
  request.target_path = "/var/lib/kubelet/pods/pod-a/volumes/kubernetes.io~csi/secrets/mount";
  mock_test::FakeSink sink;
  AzurePlugin::get().table().mount(instance_, &request, sink.sink());
  return sink.answer();
}

nlohmann::json offline_config() {
  return {{"connectTo", {"::127.0.0.1:1"}},
          {"imdsEndpoint", "http://127.0.0.1:1"},
          {"nmiEndpoint", "http://127.0.0.1:1"},
          {"tokenProxyUrl", "https://127.0.0.1:1"},
          {"maxRetries", 0}};
}

}  // namespace sscsi::azure_test
