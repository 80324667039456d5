// Every rendering of the deployment (deploy/manifests through kubectl kustomize,
// deploy/helm/sscsi through helm template; tests/deploy/render.py wrote them) applied with
// `kubectl apply --dry-run=server` to a real kube-apiserver (tests/fixtures/kube_cluster): the
// server's own schemas, defaulting, field validation and admission check each object without
// storing it. Deliberately broken objects must be refused, so the check can fail.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "daemon_process.h"
#include "kube_cluster_environment.h"
#include "yaml_json.h"

namespace {

using nlohmann::json;
using sscsi::testing_support::CertAndKey;
using sscsi::testing_support::DaemonProcess;
using sscsi::testing_support::KubeCluster;
using sscsi::testing_support::KubeClusterEnvironment;
using sscsi::testing_support::KubeconfigOptions;
using sscsi::testing_support::yaml_file_to_json;

const auto* const kCluster = ::testing::AddGlobalTestEnvironment(new KubeClusterEnvironment);

std::filesystem::path from_environment(const char* variable, const char* configured) {
  const char* value = std::getenv(variable);
  return (value != nullptr && *value != '\0') ? value : configured;
}

std::filesystem::path rendered_dir() {
  return from_environment("SSCSI_DEPLOY_RENDERED", SSCSI_DEPLOY_RENDERED);
}

std::filesystem::path kubectl() { return from_environment("SSCSI_KUBECTL", SSCSI_KUBECTL); }

std::string read_file(const std::filesystem::path& file) {
  std::ifstream stream(file);
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

// name -> {file, objects, ...}: the renderings-*.json files render.py wrote.
json rendering_index() {
  json index = json::object();
  for (const auto& entry : std::filesystem::directory_iterator(rendered_dir())) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("renderings-") && name.ends_with(".json")) {
      index.update(json::parse(read_file(entry.path())));
    }
  }
  return index;
}

struct KubectlResult {
  std::string state;  // "exit 0", "exit 1", "killed by signal 9"
  std::string output;
};

class DryRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    KubeCluster& cluster = KubeClusterEnvironment::cluster();
    const CertAndKey admin =
        cluster.issue_client_cert("kubectl-admin", "sscsi-deploy-test", {"system:masters"});
    KubeconfigOptions options;
    options.user_name = "kubectl-admin";
    options.client_cert = admin;
    kubeconfig_ = cluster.write_kubeconfig(cluster.temp_dir() / "kubectl.kubeconfig", options);
  }

  // kubectl --kubeconfig K apply --dry-run=server -f FILE, output captured in a log file.
  static KubectlResult apply_dry_run(const std::filesystem::path& file) {
    static int runs = 0;
    if (!std::filesystem::exists(kubectl())) {
      return {"not run",
              fmt::format("kubectl not found at {} (set SSCSI_KUBECTL)", kubectl().string())};
    }
    const auto log =
        KubeClusterEnvironment::cluster().temp_dir() / fmt::format("kubectl-{}.log", ++runs);
    DaemonProcess process("kubectl", kubectl(),
                          {"--kubeconfig", kubeconfig_.string(), "apply", "--dry-run=server",
                           "--validate=strict", "-f", file.string()},
                          log);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (process.running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    process.stop();
    return {process.describe_state(), read_file(log)};
  }

  // The first document of `kind` in a rendering, as JSON (kubectl takes JSON too).
  static json document(const std::string& rendering, const std::string& kind) {
    for (const json& doc : yaml_file_to_json(rendered_dir() / (rendering + ".yaml"))) {
      if (doc.value("kind", "") == kind) return doc;
    }
    throw std::runtime_error(fmt::format("{}: no {}", rendering, kind));
  }

  static std::filesystem::path write_json(const std::string& name, const json& object) {
    const auto path = KubeClusterEnvironment::cluster().temp_dir() / (name + ".json");
    std::ofstream(path) << object.dump(2);
    return path;
  }

  static json& host_container(json& daemonset) {
    for (json& container : daemonset["spec"]["template"]["spec"]["containers"]) {
      if (container["name"] == "sscsi-host") return container;
    }
    throw std::runtime_error("the DaemonSet has no sscsi-host container");
  }

  static inline std::filesystem::path kubeconfig_;
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t found = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++found;
  return found;
}

TEST_F(DryRun, EveryRenderingIsAcceptedByTheServer) {
  const json index = rendering_index();
  ASSERT_GE(index.size(), 2U) << "render.py wrote no renderings into " << rendered_dir()
                              << " (the deploy.kustomize_renders and deploy.helm_template "
                                 "tests do)";
  for (const auto& [name, entry] : index.items()) {
    SCOPED_TRACE(name);
    const KubectlResult result =
        apply_dry_run(rendered_dir() / entry.at("file").get<std::string>());
    EXPECT_EQ(result.state, "exit 0") << result.output;
    // One "… (server dry run)" line per object: nothing skipped, nothing applied client-side.
    EXPECT_EQ(count(result.output, "(server dry run)"), entry.at("objects").get<std::size_t>())
        << result.output;
  }
}

TEST_F(DryRun, ServerRefusesBidirectionalPropagationWithoutPrivilege) {
  json daemonset = document("manifests", "DaemonSet");
  host_container(daemonset)["securityContext"]["privileged"] = false;
  const KubectlResult result = apply_dry_run(write_json("unprivileged-daemonset", daemonset));
  EXPECT_NE(result.state, "exit 0") << result.output;
  EXPECT_NE(result.output.find("Bidirectional"), std::string::npos) << result.output;
}

TEST_F(DryRun, ServerRefusesAMisspeltField) {
  json driver = document("chart-default", "CSIDriver");
  driver["spec"]["podInfoOnMout"] = driver["spec"]["podInfoOnMount"];
  const KubectlResult result = apply_dry_run(write_json("misspelt-csidriver", driver));
  EXPECT_NE(result.state, "exit 0") << result.output;
  EXPECT_NE(result.output.find("podInfoOnMout"), std::string::npos) << result.output;
}

TEST_F(DryRun, ServerRefusesAnInvalidProbePort) {
  json daemonset = document("chart-nondefault", "DaemonSet");
  // A port name has at most 15 characters (IANA service name).
  host_container(daemonset)["livenessProbe"]["httpGet"]["port"] = "health-check-port";
  const KubectlResult result = apply_dry_run(write_json("bad-probe-daemonset", daemonset));
  EXPECT_NE(result.state, "exit 0") << result.output;
  EXPECT_NE(result.output.find("livenessProbe"), std::string::npos) << result.output;
}

}  // namespace
