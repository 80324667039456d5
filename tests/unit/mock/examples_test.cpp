// The shipped examples must keep working with the plugin: config/plugins/mock.json is accepted
// by create, and every config/spc/*.yaml is a well-formed SecretProviderClass for provider
// "mock" whose parameters the plugin accepts.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "mock_harness.h"

namespace fs = std::filesystem;

namespace sscsi::mock_test {
namespace {

const fs::path kSourceDir = SSCSI_SOURCE_DIR;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> spc_examples() {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(kSourceDir / "config" / "spc")) {
    const fs::path path = entry.path();
    if (path.extension() != ".yaml" && path.extension() != ".yml") continue;
    if (YAML::LoadFile(path.string())["spec"]["provider"].as<std::string>("") == "mock") {
      files.push_back(path);
    }
  }
  return files;
}

TEST(MockExamples, PluginConfigIsAccepted) {
  const std::string config = read_file(kSourceDir / "config" / "plugins" / "mock.json");
  ASSERT_FALSE(config.empty());
  FakeHost host;
  const CreateResult created = create_instance(host.api(), config.c_str());
  ASSERT_EQ(created.status, SSCSI_OK) << created.error;
  MockPlugin::get().table().destroy(created.instance);
}

TEST(MockExamples, EverySecretProviderClassIsServed) {
  const std::string config = read_file(kSourceDir / "config" / "plugins" / "mock.json");
  const std::vector<std::string> allowed_dirs =
      nlohmann::json::parse(config).at("allowedContentDirs").get<std::vector<std::string>>();
  const std::vector<fs::path> examples = spc_examples();
  ASSERT_GE(examples.size(), 3u);
  int served = 0;

  for (const fs::path& path : examples) {
    SCOPED_TRACE(path.string());
    const YAML::Node spc = YAML::LoadFile(path.string());
    EXPECT_EQ(spc["apiVersion"].as<std::string>(), "secrets-store.csi.x-k8s.io/v1");
    EXPECT_EQ(spc["kind"].as<std::string>(), "SecretProviderClass");
    EXPECT_FALSE(spc["metadata"]["name"].as<std::string>("").empty());
    EXPECT_FALSE(spc["metadata"]["namespace"].as<std::string>("").empty());
    std::map<std::string, std::string> parameters;
    for (const auto& entry : spc["spec"]["parameters"]) {
      ASSERT_TRUE(entry.second.IsScalar()) << entry.first.as<std::string>();
      parameters[entry.first.as<std::string>()] = entry.second.Scalar();
    }

    FakeHost host;
    const MockInstance mock(host, config);
    // An example with failFirst fails that many times (with its failWith), then serves.
    const auto fail_first = parameters.find("failFirst");
    const int failures = fail_first == parameters.end() ? 0 : std::stoi(fail_first->second);
    for (int i = 0; i < failures; ++i) {
      const MountAnswer answer = mock.mount(parameters);
      ASSERT_TRUE(answer.error);
      EXPECT_EQ(answer.error->message, parameters["failMessage"]);
    }
    const MountAnswer answer = mock.mount(parameters);
    if (!answer.error) {
      EXPECT_FALSE(answer.files.empty());
      ++served;
      continue;
    }
    // Files under allowedContentDirs exist only on a prepared node: anything else is a defect.
    ASSERT_EQ(answer.error->code, SSCSI_NOT_FOUND) << answer.error->message;
    bool under_allowed_dir = false;
    for (const std::string& dir : allowed_dirs) {
      under_allowed_dir = under_allowed_dir || answer.error->message.find("contentFile \"" + dir +
                                                                          "/") != std::string::npos;
    }
    EXPECT_TRUE(under_allowed_dir) << answer.error->message;
  }
  EXPECT_GE(served, 2);
}

}  // namespace
}  // namespace sscsi::mock_test
