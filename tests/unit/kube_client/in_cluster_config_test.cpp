// In-cluster configuration: KUBERNETES_SERVICE_HOST/_PORT and the service-account directory
// (SSCSI_SERVICEACCOUNT_DIR in tests).

#include <gtest/gtest.h>

#include <stdlib.h>

#include <map>
#include <string>
#include <variant>

#include "kube/client/cluster_config.h"
#include "kube/client/in_cluster_config.h"
#include "test_files.h"

namespace sscsi::kube {
namespace {

using testing::fake_pem;
using testing::TempDir;

class KubeClientInCluster : public ::testing::Test {
 protected:
  KubeClientInCluster() {
    dir_.write("sa/token", "sa-token-value\n");
    dir_.write("sa/ca.crt", fake_pem("CERTIFICATE", "Y2E="));
    env_ = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
            {"KUBERNETES_SERVICE_PORT", "443"},
            {kServiceAccountDirEnv, (dir_.path() / "sa").string()}};
  }

  ClusterConfigResult load() const {
    return load_in_cluster_config([this](const char* name) -> std::optional<std::string> {
      const auto found = env_.find(name);
      if (found == env_.end()) return std::nullopt;
      return found->second;
    });
  }

  std::string load_error() const {
    const ClusterConfigResult result = load();
    if (!std::holds_alternative<std::string>(result)) {
      ADD_FAILURE() << "accepted; server " << std::get<ClusterConfig>(result).server;
      return {};
    }
    return std::get<std::string>(result);
  }

  TempDir dir_;
  std::map<std::string, std::string> env_;
};

TEST_F(KubeClientInCluster, ReadsServiceAccountDirectory) {
  const ClusterConfigResult result = load();
  ASSERT_TRUE(std::holds_alternative<ClusterConfig>(result)) << std::get<std::string>(result);
  const ClusterConfig& config = std::get<ClusterConfig>(result);
  EXPECT_EQ(config.server, "https://10.96.0.1:443");
  EXPECT_EQ(config.token_file, dir_.path() / "sa/token");
  EXPECT_TRUE(config.token.empty());  // read per request, so rotation is seen
  EXPECT_EQ(config.certificate_authority.file, dir_.path() / "sa/ca.crt");
  EXPECT_NE(config.origin.find((dir_.path() / "sa").string()), std::string::npos);
}

TEST_F(KubeClientInCluster, Ipv6HostGetsBrackets) {
  env_["KUBERNETES_SERVICE_HOST"] = "fd00:10:96::1";
  const ClusterConfigResult result = load();
  ASSERT_TRUE(std::holds_alternative<ClusterConfig>(result)) << std::get<std::string>(result);
  EXPECT_EQ(std::get<ClusterConfig>(result).server, "https://[fd00:10:96::1]:443");
}

TEST_F(KubeClientInCluster, BracketedIpv6HostIsKept) {
  env_["KUBERNETES_SERVICE_HOST"] = "[::1]";
  env_["KUBERNETES_SERVICE_PORT"] = "6443";
  const ClusterConfigResult result = load();
  ASSERT_TRUE(std::holds_alternative<ClusterConfig>(result)) << std::get<std::string>(result);
  EXPECT_EQ(std::get<ClusterConfig>(result).server, "https://[::1]:6443");
}

TEST_F(KubeClientInCluster, HostMissing) {
  env_.erase("KUBERNETES_SERVICE_HOST");
  EXPECT_EQ(load_error(),
            "in-cluster config: KUBERNETES_SERVICE_HOST is not set; sscsi-host is not running in "
            "a pod, so pass --kubeconfig");
}

TEST_F(KubeClientInCluster, PortMissing) {
  env_["KUBERNETES_SERVICE_PORT"] = "";
  EXPECT_NE(load_error().find("KUBERNETES_SERVICE_PORT is not set"), std::string::npos);
}

TEST_F(KubeClientInCluster, PortNotANumber) {
  env_["KUBERNETES_SERVICE_PORT"] = "https";
  EXPECT_EQ(load_error(),
            "in-cluster config: KUBERNETES_SERVICE_PORT \"https\" is not a port number (1-65535)");
}

TEST_F(KubeClientInCluster, PortOutOfRange) {
  for (const char* port : {"0", "65536", "99999", "-1", "44 3"}) {
    env_["KUBERNETES_SERVICE_PORT"] = port;
    EXPECT_NE(load_error().find("is not a port number"), std::string::npos) << port;
  }
}

TEST_F(KubeClientInCluster, HostWithUrlCharactersIsRefused) {
  env_["KUBERNETES_SERVICE_HOST"] = "evil.example/path";
  EXPECT_NE(load_error().find("KUBERNETES_SERVICE_HOST \"evil.example/path\" is not a host"),
            std::string::npos);
}

TEST_F(KubeClientInCluster, TokenMissing) {
  std::filesystem::remove(dir_.path() / "sa/token");
  EXPECT_EQ(load_error(), "in-cluster config: service-account token " +
                              (dir_.path() / "sa/token").string() +
                              ": cannot read: No such file or directory");
}

TEST_F(KubeClientInCluster, TokenEmpty) {
  dir_.write("sa/token", "\n");
  EXPECT_NE(load_error().find("service-account token " + (dir_.path() / "sa/token").string() +
                              " is empty"),
            std::string::npos);
}

TEST_F(KubeClientInCluster, CaMissing) {
  std::filesystem::remove(dir_.path() / "sa/ca.crt");
  EXPECT_NE(load_error().find("service-account CA " + (dir_.path() / "sa/ca.crt").string() +
                              ": cannot read"),
            std::string::npos);
}

TEST_F(KubeClientInCluster, DefaultDirectoryWithoutOverride) {
  env_.erase(kServiceAccountDirEnv);
  // Unit tests do not run in a pod: the error names the standard directory.
  const ClusterConfigResult result = load();
  if (std::holds_alternative<ClusterConfig>(result)) {
    GTEST_SKIP() << "this machine has a real service-account directory";
  }
  EXPECT_NE(std::get<std::string>(result).find(kServiceAccountDir), std::string::npos)
      << std::get<std::string>(result);
}

TEST(KubeClientInClusterProcessEnv, EmptyKubeconfigPathMeansInCluster) {
  // ctest runs each test in its own process, so changing the environment here is contained.
  unsetenv("KUBERNETES_SERVICE_HOST");
  const ClusterConfigResult result = load_cluster_config({});
  ASSERT_TRUE(std::holds_alternative<std::string>(result));
  EXPECT_NE(std::get<std::string>(result).find("KUBERNETES_SERVICE_HOST is not set"),
            std::string::npos);
}

TEST(KubeClientInClusterProcessEnv, ProcessEnvOverrideIsHonoured) {
  TempDir dir;
  dir.write("token", "t\n");
  dir.write("ca.crt", fake_pem("CERTIFICATE", "Y2E="));
  setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", "6443", 1);
  setenv(kServiceAccountDirEnv, dir.path().c_str(), 1);
  const ClusterConfigResult result = load_cluster_config({});
  ASSERT_TRUE(std::holds_alternative<ClusterConfig>(result)) << std::get<std::string>(result);
  EXPECT_EQ(std::get<ClusterConfig>(result).server, "https://127.0.0.1:6443");
  EXPECT_EQ(std::get<ClusterConfig>(result).token_file, dir.path() / "token");
}

}  // namespace
}  // namespace sscsi::kube
