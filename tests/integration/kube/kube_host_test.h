#pragma once
// Shared setup of the tests that run sscsi-host against the real control plane of
// tests/fixtures/kube_cluster: one cluster per test binary, one namespace per test, Pods and
// SecretProviderClasses made as the admin, the host spoken to over CSI as the kubelet would.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../csi_host.h"
#include "../spc_files.h"
#include "fault_proxy.h"
#include "kube_cluster.h"
#include "test_pki.h"

namespace sscsi::testing_support {

inline constexpr const char* kNodeName = "integration-node";

// What a test makes for one pod: the object as the apiserver answered it and its CSI target.
struct TestPod {
  std::string name;
  std::string uid;
  nlohmann::json object;
  std::filesystem::path target;
};

class KubeHostTest : public ::testing::Test {
 public:
  static KubeCluster& cluster();
  static const ApiClient& admin() { return cluster().admin(); }

  void SetUp() override;
  void TearDown() override;

  // A host reading SecretProviderClasses from the cluster through `kubeconfig` (default: the
  // host's own ServiceAccount token, straight to the apiserver).
  CsiHost& start_host(std::vector<std::string> extra_args = {},
                      std::optional<std::filesystem::path> kubeconfig = std::nullopt);
  CsiHost& host() { return *host_; }

  // A fault proxy in front of the apiserver (its own CA), and a kubeconfig for the host that
  // goes through it with the host's token.
  FaultProxy& start_proxy();
  std::filesystem::path proxy_kubeconfig() const;
  FaultProxy& proxy() { return *proxy_; }

  // A kubeconfig with the given server, CA file and token (any of them may be bad on purpose).
  std::filesystem::path write_token_kubeconfig(const std::string& file_name,
                                               const std::string& server,
                                               const std::filesystem::path& ca_file,
                                               const std::string& token) const;

  // A pod on `pod_node_name` (this node unless a test changes it), owned by `owners`
  // (ownerReference objects), using ServiceAccount "app".
  TestPod make_pod(const std::string& name, const nlohmann::json& owners = nlohmann::json::array());
  std::string pod_node_name = kNodeName;
  // A SecretProviderClass for the mock provider serving `objects`, syncing `secret_objects`.
  void make_spc(const std::string& name, const std::vector<MockObject>& objects,
                const nlohmann::json& secret_objects = nlohmann::json::array(),
                const std::string& version = "v1");
  // The kubelet's NodePublishVolume for `pod` naming class `spc`.
  ::csi::v1::NodePublishVolumeRequest request_for(const TestPod& pod, const std::string& spc) const;
  grpc::Status publish(const TestPod& pod, const std::string& spc);

  // GET of a namespaced object in this test's namespace; `path` relative to the namespace:
  // "secrets/db" -> /api/v1/namespaces/<ns>/secrets/db.
  ApiResponse get_core(const std::string& path) const;
  ApiResponse get_pod_status(const std::string& name) const;
  // The decoded data of a Secret (fails the test when it is missing).
  std::map<std::string, std::string> secret_data(const std::string& name) const;
  // Event reasons on the pod, in the order the apiserver lists them.
  std::vector<std::string> event_reasons(const TestPod& pod) const;
  // Waits until the pod has an event with `reason`; returns its message ("" on timeout).
  std::string wait_for_event(const TestPod& pod, const std::string& reason) const;

  // Writes a file in the host's content dir, for the mock's contentFile.
  std::filesystem::path write_content(const std::string& name, const std::string& text);

  std::string ns_;
  std::vector<std::string> canaries_;  // secret values and tokens the host must never log
  std::unique_ptr<CsiHost> host_;
  std::filesystem::path work_dir_;  // kubeconfigs, proxy certificates
  std::unique_ptr<TestPki> proxy_pki_;
  std::unique_ptr<FaultProxy> proxy_;
};

std::string base64_decode(const std::string& text);

}  // namespace sscsi::testing_support
