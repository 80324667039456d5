#include "bench_cluster.h"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kube_objects.h"

namespace sscsi::bench {
namespace {

namespace fs = std::filesystem;
namespace ts = sscsi::testing_support;
using nlohmann::json;

// The mock provider's `objects` parameter: a YAML array of objects with inline content.
std::string objects_parameter(const ClassShape& shape) {
  std::string text = "array:\n";
  for (int i = 1; i <= shape.objects; ++i) {
    text += fmt::format("  - |\n    objectName: secret-{}\n    content: {}\n", i,
                        object_content(i, shape.object_bytes));
  }
  return text;
}

}  // namespace

BenchCluster create_bench_cluster(const ts::ApiClient& admin, const ClassShape& shape,
                                  const std::string& upstream_provider, int pods) {
  BenchCluster cluster;
  cluster.namespace_name = "bench";
  cluster.node_name = "bench-node";
  cluster.sscsi = {{cluster.namespace_name, "bench-sscsi"}, "sscsi-secrets"};
  cluster.upstream = {{cluster.namespace_name, "bench-upstream"}, "upstream-secrets"};

  ts::create_namespace(admin, cluster.namespace_name);
  ts::create_node(admin, cluster.node_name);
  const std::string objects = objects_parameter(shape);
  ts::create_secret_provider_class(
      admin, cluster.namespace_name, cluster.sscsi.class_ref.name,
      json{{"provider", "mock"}, {"parameters", {{"objects", objects}}}});
  ts::create_secret_provider_class(
      admin, cluster.namespace_name, cluster.upstream.class_ref.name,
      json{{"provider", upstream_provider}, {"parameters", {{"objects", objects}}}});

  // Pods need their ServiceAccount; the controller-manager creates "default" shortly after the
  // namespace.
  const std::string account_path =
      fmt::format("/api/v1/namespaces/{}/serviceaccounts/default", cluster.namespace_name);
  if (!ts::wait_until([&] { return admin.get(account_path).ok(); }, std::chrono::seconds(60))) {
    throw std::runtime_error(fmt::format(
        "ServiceAccount {}/default did not appear within 60 s (is the controller-manager up?)",
        cluster.namespace_name));
  }
  cluster.pods.reserve(static_cast<std::size_t>(pods));
  for (int i = 0; i < pods; ++i) {
    ts::PodOptions options;
    options.namespace_name = cluster.namespace_name;
    options.name = fmt::format("bench-{}", i);
    options.node_name = cluster.node_name;
    options.volumes = json::array(
        {ts::csi_volume(cluster.sscsi.volume_name, cluster.sscsi.class_ref.name),
         ts::csi_volume(cluster.upstream.volume_name, cluster.upstream.class_ref.name)});
    const json pod = ts::create_pod(admin, options);
    cluster.pods.push_back({options.name, pod.at("metadata").at("uid").get<std::string>()});
  }
  return cluster;
}

void write_provider_files(const fs::path& dir, const ClassShape& shape) {
  fs::create_directories(dir);
  for (int i = 1; i <= shape.objects; ++i) {
    const fs::path file = dir / fmt::format("secret-{}", i);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << object_content(i, shape.object_bytes);
    if (!out.flush()) throw std::runtime_error(fmt::format("cannot write {}", file.string()));
  }
}

PodVolume pod_volume(const BenchNode& node, const BenchPod& pod, const std::string& volume_name,
                     int serial) {
  PodVolume volume;
  volume.pod_uid = pod.uid;
  volume.pod_name = pod.name;
  volume.pod_dir = (node.root() / "kubelet" / "pods" / pod.uid).string();
  const fs::path dir = fs::path(volume.pod_dir) / "volumes" / "kubernetes.io~csi" / volume_name;
  fs::create_directories(dir);
  volume.target = (dir / "mount").string();
  // The kubelet's ids are "csi-" and 64 hex digits.
  volume.volume_id = fmt::format("csi-{:064x}", serial);
  return volume;
}

}  // namespace sscsi::bench
