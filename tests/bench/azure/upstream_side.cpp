#include "upstream_side.h"

#include <csignal>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench_scenario.h"

namespace sscsi::bench::azure {
namespace {

namespace fs = std::filesystem;
constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kCallTimeout = std::chrono::seconds(120);

std::vector<std::string> provider_command(const UpstreamSetup& setup) {
  // SSL_CERT_FILE for this process alone: OpenSSL (sscsi-host) reads the same variable.
  return {"/usr/bin/env", "SSL_CERT_FILE=" + setup.ca_file.string(), setup.provider_binary.string(),
          "--endpoint=unix://" + (setup.dir / "azure.sock").string()};
}

}  // namespace

UpstreamProvider::UpstreamProvider(const UpstreamSetup& setup)
    : setup_(setup),
      log_file_(setup.dir / "provider.log"),
      process_(provider_command(setup_), log_file_) {
  const std::string problem = wait_until_serving(setup_.dir / "azure.sock", kStartTimeout,
                                                 [&] { return process_.running(); });
  if (!problem.empty()) {
    throw std::runtime_error(
        fmt::format("the upstream provider did not serve ({}; {}). Its log:\n{}", problem,
                    process_.describe_end(), log_tail()));
  }
  client_ = std::make_unique<ProviderClient>(setup_.dir / "azure.sock", kCallTimeout);
}

UpstreamProvider::~UpstreamProvider() {
  client_.reset();
  if (process_.running()) {
    process_.send_signal(SIGTERM);
    process_.wait_for_exit(std::chrono::seconds(10));
  }
}

UpstreamPod UpstreamProvider::make_pod(char phase, int index) const {
  UpstreamPod pod;
  pod.uid = fmt::format("{:08x}-0000-4000-8000-{:012x}", static_cast<unsigned char>(phase), index);
  pod.name = fmt::format("bench-{}-{}", phase, index);
  // The provider answers with file contents and writes nothing (the driver writes them).
  pod.target = (setup_.dir / "pods" / pod.uid / "mount").string();
  return pod;
}

v1alpha1::MountRequest UpstreamProvider::request_for(const UpstreamPod& pod) const {
  // The driver's attributes: the class's parameters plus the pod's keys (podInfoOnMount) and
  // the service-account tokens the kubelet sent.
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [key, value] : class_parameters(setup_.objects)) attributes[key] = value;
  attributes["csi.storage.k8s.io/pod.name"] = pod.name;
  attributes["csi.storage.k8s.io/pod.namespace"] = kNamespace;
  attributes["csi.storage.k8s.io/pod.uid"] = pod.uid;
  attributes["csi.storage.k8s.io/serviceAccount.name"] = kServiceAccount;
  attributes["csi.storage.k8s.io/ephemeral"] = "true";
  attributes["csi.storage.k8s.io/serviceAccount.tokens"] =
      service_account_tokens(pod.name, pod.uid);
  attributes["secretProviderClass"] = "bench-secrets";
  return mount_request(attributes.dump(), "null", pod.target);
}

ProviderAnswer<v1alpha1::MountResponse> UpstreamProvider::mount(const UpstreamPod& pod) {
  return client_->mount(request_for(pod));
}

MountStormResult UpstreamProvider::mount_all(const std::vector<UpstreamPod>& pods) {
  std::vector<v1alpha1::MountRequest> requests;
  requests.reserve(pods.size());
  for (const UpstreamPod& pod : pods) requests.push_back(request_for(pod));
  return client_->mount_storm(requests);
}

std::string UpstreamProvider::check_answer(
    const ProviderAnswer<v1alpha1::MountResponse>& answer,
    const std::function<std::string(const std::string&)>& prefix_of) const {
  if (std::string failure = mount_failure(answer); !failure.empty()) return failure;
  std::set<std::string> missing;
  for (int i = 1; i <= setup_.objects; ++i) missing.insert(secret_name(i));
  for (const auto& file : answer.response.files()) {
    if (!missing.erase(file.path())) continue;
    const std::string prefix = prefix_of(file.path());
    if (!file.contents().starts_with(prefix)) {
      return fmt::format("file {} does not start with {:?}", file.path(), prefix);
    }
  }
  if (!missing.empty()) return fmt::format("no file {} in the answer", *missing.begin());
  return {};
}

std::string UpstreamProvider::log_tail() const { return bench::log_tail(log_file_); }

}  // namespace sscsi::bench::azure
