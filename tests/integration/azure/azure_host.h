#pragma once
// sscsi-host with the Azure plugin against the Azure emulator: one emulator and one host per
// test, the plugin configured to reach every Azure name through the emulator (CONNECT_TO, the
// test CA), and helpers to publish a SecretProviderClass the way the kubelet would, with a
// workload-identity service-account token in the volume context.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "azure_emulator.h"
#include "csi_host.h"

namespace sscsi::testing_support {

inline constexpr const char* kVault = "kv-e2e";
inline constexpr const char* kTenant = "tenant-e2e";
inline constexpr const char* kWorkloadClientId = "11111111-aaaa-4bbb-8ccc-000000000001";
// The service account publish_request puts into the volume context: default/app.
inline constexpr const char* kWorkloadSubject = "system:serviceaccount:default:app";

// How a publish differs from publish_request's kubelet defaults (pod default/app-0, service
// account app, no service-account token, no nodePublishSecretRef).
struct AzurePodOptions {
  // csi.storage.k8s.io/serviceAccount.tokens; "" = none.
  std::string tokens = "";
  // nodePublishSecretRef contents.
  std::map<std::string, std::string> secrets{};
  std::string pod_name = "";         // "" = publish_request's
  std::string pod_namespace = "";    // "" = publish_request's
  std::string service_account = "";  // "" = publish_request's
};

struct AzureHostSetup {
  std::vector<std::string> extra_args{};
  nlohmann::json plugin_config = nlohmann::json::object();  // merged over the emulator routing
  AzureEmulatorOptions emulator{};
};

class AzureHost {
 public:
  explicit AzureHost(AzureHostSetup setup = {});

  AzureEmulator& azure() { return *azure_; }
  CsiHost& host() { return *host_; }

  // A workload-identity token for `subject` (audience api://AzureADTokenExchange), as the
  // kubelet puts it into csi.storage.k8s.io/serviceAccount.tokens.
  static std::string service_account_tokens(
      const std::string& subject = kWorkloadSubject,
      const std::string& audience = AzureEmulator::kWorkloadAudience);

  // Parameters of a workload-identity class for kVault with the given objects YAML.
  static std::map<std::string, std::string> workload_parameters(const std::string& objects_yaml);

  // Writes the class `name` (provider azure) and publishes it for `pod_uid`; the volume
  // context carries a workload-identity token unless `tokens` says otherwise ("" = none).
  grpc::Status publish(const std::string& name, const std::map<std::string, std::string>& params,
                       const std::string& pod_uid, const std::filesystem::path& target,
                       const std::string& tokens = service_account_tokens(),
                       const std::map<std::string, std::string>& node_publish_secrets = {});

  // The kubelet's NodePublishVolume for class `name` and pod `pod_uid`, shaped by `pod`.
  ::csi::v1::NodePublishVolumeRequest request(const std::string& name, const std::string& pod_uid,
                                              const std::filesystem::path& target,
                                              const AzurePodOptions& pod) const;
  // Writes the class `name` (provider azure) and publishes it as `request` describes.
  grpc::Status publish(const std::string& name, const std::map<std::string, std::string>& params,
                       const std::string& pod_uid, const std::filesystem::path& target,
                       const AzurePodOptions& pod);
  // Writes (or rewrites) the class `name` with provider azure.
  void write_class(const std::string& name, const std::map<std::string, std::string>& params);

 private:
  std::unique_ptr<AzureEmulator> azure_;
  std::unique_ptr<CsiHost> host_;
};

// A host whose emulator knows the workload identity kWorkloadClientId (service account
// kWorkloadSubject, tenant kTenant) with access to kVault.
AzureHost workload_host(AzureHostSetup setup = {});

// What sscsi-host puts before the Azure plugin's messages.
inline const std::string kFromPlugin = "provider azure: ";

// Parameters of a class for kVault and tenant kTenant with the given objects YAML, no identity
// chosen yet (service principal unless more parameters say otherwise).
std::map<std::string, std::string> vault_parameters(const std::string& objects_yaml);

// YAML-in-YAML `objects` from one mapping per object (field → value, written in order).
std::string azure_objects_yaml(
    const std::vector<std::vector<std::pair<std::string, std::string>>>& objects);

}  // namespace sscsi::testing_support
