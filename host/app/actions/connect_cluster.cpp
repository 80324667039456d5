#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "app/actions/actions.h"
#include "kube/api_cluster_link.h"
#include "kube/client/api_client_factory.h"
#include "kube/client/cluster_config.h"
#include "kube/spc_api_source.h"
#include "kube/spc_file_source.h"

namespace sscsi::app::actions {
namespace {

// With neither files nor a cluster there is nowhere to find SecretProviderClasses: the host still
// serves CSI (probes, unpublish of existing mounts) and says what to do on every publish.
class NoSpcSource final : public kube::SpcSource {
 public:
  kube::SpcLookup get(const std::string& namespace_name, const std::string& name) override {
    return kube::SpcLookupError{
        kube::SpcLookupError::Kind::Unavailable,
        fmt::format("cannot look up SecretProviderClass {}/{}: no source is configured; start "
                    "sscsi-host in a pod (in-cluster), with --kubeconfig FILE, or with --spc-dir "
                    "DIR",
                    namespace_name, name)};
  }
};

bool in_cluster() {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  return host != nullptr && *host != '\0';
}

}  // namespace

ActionResult connect_cluster(State& state) {
  const Options& options = state.options;
  if (!options.spc_dir.empty()) {
    state.classes = std::make_unique<kube::SpcFileSource>(options.spc_dir);
    state.cluster = std::make_unique<kube::StandaloneLink>();
    spdlog::info("standalone: SecretProviderClasses from {}; no pod status, no Secret sync",
                 options.spc_dir.string());
    return ActionResult::next();
  }
  if (options.kubeconfig.empty() && !in_cluster()) {
    state.classes = std::make_unique<NoSpcSource>();
    state.cluster = std::make_unique<kube::StandaloneLink>();
    spdlog::warn(
        "no cluster (KUBERNETES_SERVICE_HOST unset, no --kubeconfig) and no --spc-dir: "
        "publishes will fail until SecretProviderClasses have a source");
    return ActionResult::next();
  }
  if (options.node_id.empty()) {
    return ActionResult::stop(1,
                              "--nodeid is needed with a cluster: pod statuses are labelled "
                              "with the node's name (the DaemonSet passes $(KUBE_NODE_NAME))");
  }
  kube::ClusterConfigResult config = kube::load_cluster_config(options.kubeconfig);
  if (auto* error = std::get_if<std::string>(&config)) {
    return ActionResult::stop(1, fmt::format("cannot use the cluster: {}", *error));
  }
  const kube::ClusterConfig& cluster = std::get<kube::ClusterConfig>(config);
  kube::ClientOptions client;
  client.qps = options.kube_api_qps;
  client.burst = options.kube_api_burst;
  try {
    state.api = kube::make_api_client(cluster, client);
  } catch (const std::exception& error) {
    return ActionResult::stop(1, fmt::format("cannot use the cluster: {}", error.what()));
  }
  kube::EventRecorderOptions events;
  events.node_name = options.node_id;
  state.events = std::make_unique<kube::EventRecorder>(*state.api, events);
  state.classes = std::make_unique<kube::SpcApiSource>(*state.api);
  state.cluster =
      std::make_unique<kube::ApiClusterLink>(*state.api, *state.events, options.node_id);
  spdlog::info("cluster: API server {} from {}", cluster.server, cluster.origin);
  return ActionResult::next();
}

}  // namespace sscsi::app::actions
