// The shipped examples must keep working: every config/spc/*.yaml for provider "azure" parses
// into a mount request (with the pod attributes and the token the kubelet would add), and
// config/plugins/azure.json is accepted by the plugin's configuration parser.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "params/mount_request.h"
#include "provider/provider_config.h"

namespace sscsi::azure {
namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = SSCSI_SOURCE_DIR;

std::vector<fs::path> azure_examples() {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(kSourceDir / "config" / "spc")) {
    if (entry.path().extension() != ".yaml") continue;
    if (YAML::LoadFile(entry.path().string())["spec"]["provider"].as<std::string>("") == "azure") {
      files.push_back(entry.path());
    }
  }
  return files;
}

TEST(AzureExamples, EveryAzureClassParses) {
  const std::vector<fs::path> examples = azure_examples();
  ASSERT_GE(examples.size(), 3u);
  for (const fs::path& file : examples) {
    SCOPED_TRACE(file.string());
    nlohmann::json attributes = nlohmann::json::object();
    for (const auto& parameter : YAML::LoadFile(file.string())["spec"]["parameters"]) {
      attributes[parameter.first.as<std::string>()] = parameter.second.as<std::string>();
    }
    attributes["csi.storage.k8s.io/pod.name"] = "web-0";
    attributes["csi.storage.k8s.io/pod.namespace"] = "default";
    attributes["csi.storage.k8s.io/serviceAccount.tokens"] =
        R"({"api://AzureADTokenExchange":{"token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln","expirationTimestamp":"2099-01-01T00:00:00Z"}})";
    const MountRequest request = parse_mount_request(attributes.dump(), "{}", 0644);
    EXPECT_FALSE(request.objects.empty());
    EXPECT_NO_THROW(validate_vault_name(request.keyvault_name));
  }
}

TEST(AzureExamples, ThePluginConfigIsAccepted) {
  std::ifstream in(kSourceDir / "config" / "plugins" / "azure.json");
  std::ostringstream text;
  text << in.rdbuf();
  ASSERT_FALSE(text.str().empty());
  const ProviderConfig config = parse_provider_config(text.str().c_str());
  EXPECT_EQ(config.cloud_name, "AzurePublicCloud");
  EXPECT_EQ(config.allowed_cloud_env_dirs, std::vector<std::string>{"/etc/kubernetes"});
}

}  // namespace
}  // namespace sscsi::azure
