#include "kube_host_test.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "../csi_requests.h"
#include "../volume_files.h"
#include "kube_cluster_environment.h"
#include "kube_objects.h"

namespace sscsi::testing_support {
namespace fs = std::filesystem;
using nlohmann::json;

KubeCluster& KubeHostTest::cluster() { return KubeClusterEnvironment::cluster(); }

void KubeHostTest::SetUp() {
  static std::atomic<int> counter{0};
  // Namespaces are never reused within a cluster, so one test's leftovers never meet another's.
  ns_ = fmt::format("t{}-{}", ++counter,
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  for (char& c : ns_) c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '-';
  if (ns_.size() > 50) ns_.resize(50);  // names are at most 63; tests add suffixes
  while (!ns_.empty() && ns_.back() == '-') ns_.pop_back();
  create_namespace(admin(), ns_);
  create_service_account(admin(), ns_, "app");
  work_dir_ = cluster().temp_dir() / ("test-" + ns_);
  fs::create_directories(work_dir_);
}

void KubeHostTest::TearDown() {
  // Secrets and tokens never reach the host's log, at the highest verbosity.
  if (host_) {
    const std::string log = host_->log() + host_->out();
    for (const std::string& canary : canaries_) {
      EXPECT_EQ(log.find(canary), std::string::npos) << "the host logged a secret: " << canary;
    }
  }
  host_.reset();
  proxy_.reset();
}

CsiHost& KubeHostTest::start_host(std::vector<std::string> extra_args,
                                  std::optional<fs::path> kubeconfig) {
  std::vector<std::string> args{
      "--kubeconfig", (kubeconfig ? *kubeconfig : cluster().host_kubeconfig()).string(), "-v", "5"};
  canaries_.push_back(cluster().host_token());
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  host_ = std::make_unique<CsiHost>(CsiHostSetup{.extra_args = args, .spc_dir = false});
  host_->start();
  return *host_;
}

FaultProxy& KubeHostTest::start_proxy() {
  proxy_pki_ = std::make_unique<TestPki>(work_dir_ / "proxy-pki");
  const CertAndKey serving =
      proxy_pki_->issue_server("proxy", "fault-proxy", {"localhost"}, {"127.0.0.1"});
  proxy_ = std::make_unique<FaultProxy>(FaultProxyOptions{cluster().server_url(),
                                                          cluster().ca_file(), serving.cert,
                                                          serving.key, work_dir_ / "proxy.log"});
  return *proxy_;
}

fs::path KubeHostTest::proxy_kubeconfig() const {
  return write_token_kubeconfig("proxy.kubeconfig", proxy_->url(), proxy_pki_->ca_cert(),
                                cluster().host_token());
}

fs::path KubeHostTest::write_token_kubeconfig(const std::string& file_name,
                                              const std::string& server, const fs::path& ca_file,
                                              const std::string& token) const {
  const fs::path path = work_dir_ / file_name;
  std::ofstream out(path);
  out << "apiVersion: v1\nkind: Config\ncurrent-context: host\n"
      << "clusters:\n- name: test\n  cluster:\n    server: " << server
      << "\n    certificate-authority: " << ca_file.string() << "\n"
      << "users:\n- name: host\n  user:\n    token: " << token << "\n"
      << "contexts:\n- name: host\n  context: {cluster: test, user: host}\n";
  return path;
}

TestPod KubeHostTest::make_pod(const std::string& name, const json& owners) {
  PodOptions options;
  options.namespace_name = ns_;
  options.name = name;
  options.node_name = pod_node_name;
  options.service_account_name = "app";
  options.owner_references = owners;
  TestPod pod;
  pod.name = name;
  pod.object = create_pod(admin(), options);
  pod.uid = pod.object["metadata"]["uid"].get<std::string>();
  if (host_) pod.target = host_->kubelet_target(pod.uid);
  return pod;
}

void KubeHostTest::make_spc(const std::string& name, const std::vector<MockObject>& objects,
                            const json& secret_objects, const std::string& version) {
  for (const MockObject& object : objects) {
    for (const auto& [key, value] : object) {
      if (key == "content" && value.size() >= 6) canaries_.push_back(value);
    }
  }
  json spec = {{"provider", "mock"}, {"parameters", {{"objects", mock_objects_yaml(objects)}}}};
  if (!secret_objects.empty()) spec["secretObjects"] = secret_objects;
  create_secret_provider_class(admin(), ns_, name, spec, version);
}

::csi::v1::NodePublishVolumeRequest KubeHostTest::request_for(const TestPod& pod,
                                                              const std::string& spc) const {
  auto request = publish_request(pod.target, pod.uid, spc);
  auto& context = *request.mutable_volume_context();
  context["csi.storage.k8s.io/pod.name"] = pod.name;
  context["csi.storage.k8s.io/pod.namespace"] = ns_;
  context["csi.storage.k8s.io/serviceAccount.name"] = "app";
  return request;
}

grpc::Status KubeHostTest::publish(const TestPod& pod, const std::string& spc) {
  return host_->publish(request_for(pod, spc));
}

ApiResponse KubeHostTest::get_core(const std::string& path) const {
  return admin().get(fmt::format("/api/v1/namespaces/{}/{}", ns_, path));
}

ApiResponse KubeHostTest::get_pod_status(const std::string& name) const {
  return admin().get(fmt::format(
      "/apis/secrets-store.csi.x-k8s.io/v1/namespaces/{}/secretproviderclasspodstatuses/{}", ns_,
      name));
}

std::map<std::string, std::string> KubeHostTest::secret_data(const std::string& name) const {
  const ApiResponse secret = get_core("secrets/" + name);
  EXPECT_TRUE(secret.ok()) << secret.describe();
  std::map<std::string, std::string> data;
  if (!secret.ok() || !secret.body.contains("data")) return data;
  for (const auto& [key, value] : secret.body["data"].items()) {
    data[key] = base64_decode(value.get<std::string>());
  }
  return data;
}

std::vector<std::string> KubeHostTest::event_reasons(const TestPod& pod) const {
  const ApiResponse events =
      get_core(fmt::format("events?fieldSelector=involvedObject.uid%3D{}", pod.uid));
  std::vector<std::string> reasons;
  if (!events.ok()) return reasons;
  for (const json& item : events.body["items"]) reasons.push_back(item.value("reason", ""));
  return reasons;
}

std::string KubeHostTest::wait_for_event(const TestPod& pod, const std::string& reason) const {
  std::string message;
  wait_until(
      [&] {
        const ApiResponse events =
            get_core(fmt::format("events?fieldSelector=involvedObject.uid%3D{}", pod.uid));
        if (!events.ok()) return false;
        for (const json& item : events.body["items"]) {
          if (item.value("reason", "") == reason) {
            message = item.value("message", "");
            return true;
          }
        }
        return false;
      },
      std::chrono::seconds(20));
  return message;
}

fs::path KubeHostTest::write_content(const std::string& name, const std::string& text) {
  if (text.size() >= 6) canaries_.push_back(text);
  const fs::path file = host_->content_dir() / name;
  write_file_atomically(file, text);
  return file;
}

std::string base64_decode(const std::string& text) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    if (c == '=') break;
    const auto index = alphabet.find(c);
    if (index == std::string::npos) throw std::invalid_argument("not base64: " + text);
    buffer = (buffer << 6) | static_cast<unsigned>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace sscsi::testing_support

namespace {
// One control plane for the whole binary.
[[maybe_unused]] ::testing::Environment* const kCluster =
    ::testing::AddGlobalTestEnvironment(new sscsi::testing_support::KubeClusterEnvironment);
}  // namespace
