#pragma once
// The apiserver side both drivers share: a namespace, the node, one SecretProviderClass per
// driver with the same parameters, and a pool of pods (spec.nodeName = the node) that carry
// one secrets-store volume per driver. sscsi-host checks every pod before a first mount, so the
// pods exist before anything is timed; volumes of later phases reuse them.

#include <filesystem>
#include <string>
#include <vector>

#include "api_client.h"
#include "bench_node.h"
#include "pod_volume.h"

namespace sscsi::bench {

struct BenchPod {
  std::string name;
  std::string uid;  // as the apiserver assigned it
};

// What one driver is given: its class and the name of its volume in every pod.
struct DriverClass {
  ClassRef class_ref;
  std::string volume_name;
};

struct BenchCluster {
  std::string namespace_name;
  std::string node_name;
  DriverClass sscsi;     // provider "mock" (the sscsi mock plugin)
  DriverClass upstream;  // provider `upstream_provider` (upstream's fake provider)
  std::vector<BenchPod> pods;
};

// Creates everything. The classes' `objects` parameter is the mock provider's inline content
// (shape.objects objects of shape.object_bytes, object_content()); the upstream class sends the
// same parameter text, and its provider returns the same files (write_provider_files).
BenchCluster create_bench_cluster(const testing_support::ApiClient& admin, const ClassShape& shape,
                                  const std::string& upstream_provider, int pods);

// Writes secret-1..N with object_content(): the files upstream's fake provider returns.
void write_provider_files(const std::filesystem::path& dir, const ClassShape& shape);

// A kubelet-shaped volume of `pod` below `node`: <root>/kubelet/pods/<uid>/volumes/
// kubernetes.io~csi/<volume>/mount, its directories created. `serial` makes the volume id unique.
PodVolume pod_volume(const BenchNode& node, const BenchPod& pod, const std::string& volume_name,
                     int serial);

}  // namespace sscsi::bench
