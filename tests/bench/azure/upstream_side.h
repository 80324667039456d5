#pragma once
// Upstream's side of the Azure benchmark: the upstream Azure provider v1.8.2 (fresh process, Go
// TLS trusting the test CA through SSL_CERT_FILE) on a v1alpha1 unix socket, and Mount RPCs with
// the attributes its driver would send for the same class and pods (no upstream driver: its
// own overhead would come on top of these figures).

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "child_process.h"
#include "provider_client.h"

namespace sscsi::bench::azure {

struct UpstreamSetup {
  std::filesystem::path dir;  // socket, log and targets; must exist
  std::filesystem::path provider_binary;
  std::filesystem::path ca_file;  // SSL_CERT_FILE for the provider only
  int objects = 20;
};

struct UpstreamPod {
  std::string name;
  std::string uid;
  std::string target;
};

class UpstreamProvider {
 public:
  // Starts the provider and waits until Version answers. Throws std::runtime_error.
  explicit UpstreamProvider(const UpstreamSetup& setup);
  ~UpstreamProvider();
  UpstreamProvider(const UpstreamProvider&) = delete;
  UpstreamProvider& operator=(const UpstreamProvider&) = delete;

  UpstreamPod make_pod(char phase, int index) const;
  v1alpha1::MountRequest request_for(const UpstreamPod& pod) const;

  ProviderAnswer<v1alpha1::MountResponse> mount(const UpstreamPod& pod);
  MountStormResult mount_all(const std::vector<UpstreamPod>& pods);

  // Why the driver would fail this answer, or that it lacks some of the class's files, or a
  // file whose content does not start with `prefix_of(name)`. Empty when fine.
  std::string check_answer(const ProviderAnswer<v1alpha1::MountResponse>& answer,
                           const std::function<std::string(const std::string&)>& prefix_of) const;

  std::string log_tail() const;

 private:
  UpstreamSetup setup_;
  std::filesystem::path log_file_;
  ChildProcess process_;
  std::unique_ptr<ProviderClient> client_;
};

}  // namespace sscsi::bench::azure
