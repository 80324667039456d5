#include "kube/client/cluster_config.h"

#include "kube/client/in_cluster_config.h"
#include "kube/client/kubeconfig_loader.h"

namespace sscsi::kube {

ClusterConfigResult load_cluster_config(const std::filesystem::path& kubeconfig_path) {
  if (kubeconfig_path.empty()) return load_in_cluster_config();
  return load_kubeconfig(kubeconfig_path);
}

}  // namespace sscsi::kube
