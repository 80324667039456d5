#include "ours_side.h"

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "bench_scenario.h"

namespace sscsi::bench::azure {
namespace {

namespace fs = std::filesystem;
constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kCallTimeout = std::chrono::seconds(120);
constexpr const char* kTokensKey = "csi.storage.k8s.io/serviceAccount.tokens";

// The class BenchNode names (bench/bench-secrets), with the Azure provider. BenchNode writes a
// mock class under that name; this replaces it.
std::string class_yaml(const ClassRef& ref, int objects) {
  std::string parameters;
  for (const auto& [key, value] : class_parameters(objects)) {
    if (key == "objects") continue;
    parameters += fmt::format("    {}: \"{}\"\n", key, value);
  }
  std::string objects_block;
  std::istringstream lines(objects_yaml(objects));
  for (std::string line; std::getline(lines, line);) objects_block += "      " + line + "\n";
  return fmt::format(
      "apiVersion: secrets-store.csi.x-k8s.io/v1\n"
      "kind: SecretProviderClass\n"
      "metadata:\n"
      "  name: {}\n"
      "  namespace: {}\n"
      "spec:\n"
      "  provider: azure\n"
      "  parameters:\n"
      "{}"
      "    objects: |\n"
      "{}",
      ref.name, ref.namespace_name, parameters, objects_block);
}

std::vector<std::string> host_command(const OursSetup& setup, const BenchNode& node) {
  std::vector<std::string> argv{
      setup.host_binary.string(),
      "--endpoint=unix://" + node.socket().string(),
      "--nodeid=bench-node",
      "--plugin-dir=" + node.plugin_dir().string(),
      "--spc-dir=" + node.spc_dir().string(),
      "--state-dir=" + node.state_dir().string(),
      "--plugin-config=azure=" + setup.plugin_config.string(),
      "--require-plugins=azure",
      "--metrics-addr=127.0.0.1:0",
      "--health-addr=127.0.0.1:0",
  };
  argv.insert(argv.end(), setup.extra_host_args.begin(), setup.extra_host_args.end());
  return argv;
}

BenchNode& with_azure_class(BenchNode& node, int objects) {
  std::ofstream(node.spc_dir() / "bench.yaml", std::ios::trunc)
      << class_yaml(node.secret_class(), objects);
  return node;
}

}  // namespace

OursHost::OursHost(const OursSetup& setup)
    : setup_(setup),
      node_(setup.root, setup.plugin_file, ClassShape{}),
      host_(host_command(setup_, with_azure_class(node_, setup.objects)), node_.host_log()) {
  const std::string problem =
      wait_until_ready(node_.socket(), kStartTimeout, [&] { return host_.running(); });
  if (!problem.empty()) {
    throw std::runtime_error(fmt::format("sscsi-host did not become ready ({}; {}). Its log:\n{}",
                                         problem, host_.describe_end(), log_tail()));
  }
  client_.emplace(node_.socket(), kCallTimeout);
}

OursHost::~OursHost() {
  // Volumes stay mounted; BenchNode unmounts everything below its root once the host is gone.
  if (host_.running()) {
    host_.send_signal(SIGTERM);
    host_.wait_for_exit(std::chrono::seconds(30));
  }
}

PodVolume OursHost::make_pod(char phase, int index) const {
  return node_.make_pod_volume(phase, index);
}

csi::v1::NodePublishVolumeRequest OursHost::request_for(const PodVolume& pod) const {
  auto request = publish_request(pod, node_.secret_class());
  (*request.mutable_volume_context())[kTokensKey] =
      service_account_tokens(pod.pod_name, pod.pod_uid);
  return request;
}

CallResult OursHost::publish(const PodVolume& pod) { return client_->publish(request_for(pod)); }

StormResult OursHost::publish_all(const std::vector<PodVolume>& pods) {
  std::vector<csi::v1::NodePublishVolumeRequest> requests;
  requests.reserve(pods.size());
  for (const PodVolume& pod : pods) requests.push_back(request_for(pod));
  return client_->publish_storm(requests);
}

std::string OursHost::check_volume(
    const PodVolume& pod, const std::function<std::string(const std::string&)>& prefix_of) const {
  for (int i = 1; i <= setup_.objects; ++i) {
    const std::string name = secret_name(i);
    std::ifstream in(fs::path(pod.target) / name);
    if (!in) return fmt::format("{}: no file {}", pod.target, name);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string prefix = prefix_of(name);
    if (!content.starts_with(prefix)) {
      // The prefix is a bench value, not a secret of anyone's.
      return fmt::format("{}/{}: does not start with {:?}", pod.target, name, prefix);
    }
  }
  return {};
}

std::string OursHost::log_tail() const { return bench::log_tail(node_.host_log()); }

}  // namespace sscsi::bench::azure
