#pragma once
// Drives the built libsscsi-provider-azure.so exactly as sscsi-host does: dlopen with
// RTLD_NOW | RTLD_LOCAL, the entry handshake, create with a fake host table and a configuration
// JSON, mount with a fake sink. Only sdk/include/sscsi/provider.h is shared with the plugin, so
// these tests see what a host sees: a status code, a message, files and versions.

#include <sscsi/provider.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fake_host.h"
#include "fake_sink.h"
#include "plugin_library.h"

namespace sscsi::azure_test {

using mock_test::FakeHost;
using mock_test::MountAnswer;

// The plugin library, loaded once per test process.
class AzurePlugin : public mock_test::PluginLibrary {
 public:
  static const AzurePlugin& get();

 private:
  AzurePlugin();
};

using CreateOutcome = mock_test::CreateResult;

// create with `config_json` as given (may be any text).
CreateOutcome create_instance(const sscsi_host_api* host, const std::string& config_json);

// The pod attributes the host adds to every mount: pod name, namespace, uid, service account.
std::map<std::string, std::string> pod_attributes(const std::string& pod_namespace = "team-a",
                                                  const std::string& pod_name = "pod-a");

// csi.storage.k8s.io/serviceAccount.tokens for one audience, as the kubelet writes it.
std::string service_account_tokens(const std::string& audience, const std::string& token);

// `objects` in the YAML-in-YAML shape, one entry per inner YAML text (e.g.
// "objectName: s1\nobjectType: secret").
std::string objects_yaml(const std::vector<std::string>& objects);

struct MountInput {
  // The attributes JSON object: pod attributes plus class parameters (all strings).
  std::map<std::string, std::string> attributes;
  // Replaces the JSON built from `attributes` (for malformed input).
  std::optional<std::string> raw_attributes;
  std::string secrets_json = "{}";
  std::uint32_t default_file_mode = 0644;
  std::chrono::milliseconds timeout{30000};
};

// One created instance, destroyed when it goes out of scope. Throws when create fails.
class AzureInstance {
 public:
  AzureInstance(FakeHost& host, const nlohmann::json& config);
  AzureInstance(const AzureInstance&) = delete;
  AzureInstance& operator=(const AzureInstance&) = delete;
  ~AzureInstance();

  MountAnswer mount(const MountInput& input) const;

 private:
  void* instance_ = nullptr;
};

// A plugin configuration that sends every connection to a closed local port, so that a test
// meant to fail before the network fails fast (connection refused) if it ever gets there.
nlohmann::json offline_config();

}  // namespace sscsi::azure_test
