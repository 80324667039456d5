#pragma once
// Our side of the Azure benchmark: a real sscsi-host in standalone mode with the Azure plugin
// (fresh process, so fresh token and challenge caches), classes from the spc directory, and
// NodePublishVolume over its CSI socket the way the kubelet sends it for a workload-identity pod
// (the pod's service-account token in the volume context).

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench_node.h"
#include "child_process.h"
#include "csi_client.h"

namespace sscsi::bench::azure {

struct OursSetup {
  std::filesystem::path root;  // must not exist yet; removed at the end
  std::filesystem::path host_binary;
  std::filesystem::path plugin_file;    // libsscsi-provider-azure.so
  std::filesystem::path plugin_config;  // JSON for --plugin-config azure=FILE
  int objects = 20;                     // secrets s01..sNN in the class
  std::vector<std::string> extra_host_args;
};

class OursHost {
 public:
  // Starts sscsi-host and waits until its CSI socket answers. Throws std::runtime_error.
  explicit OursHost(const OursSetup& setup);
  ~OursHost();
  OursHost(const OursHost&) = delete;
  OursHost& operator=(const OursHost&) = delete;

  // A fresh pod volume (`phase` keeps groups of pods apart) and its publish request.
  PodVolume make_pod(char phase, int index) const;
  csi::v1::NodePublishVolumeRequest request_for(const PodVolume& pod) const;

  CallResult publish(const PodVolume& pod);
  StormResult publish_all(const std::vector<PodVolume>& pods);

  // Problems with a published volume: each of the class's secrets must be a file whose content
  // starts with `prefix_of(name)`. Empty when fine.
  std::string check_volume(const PodVolume& pod,
                           const std::function<std::string(const std::string&)>& prefix_of) const;

  std::string log_tail() const;

 private:
  OursSetup setup_;
  BenchNode node_;
  ChildProcess host_;
  std::optional<CsiClient> client_;
};

}  // namespace sscsi::bench::azure
