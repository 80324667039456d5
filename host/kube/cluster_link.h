#pragma once
// What the publish pipeline tells the cluster, and asks it. In a cluster: the pod is checked
// before a first mount; after every successful mount or refresh the SecretProviderClassPodStatus
// is written and `spec.secretObjects` are synced into Secrets; failed refreshes and completed
// rotations become events on the pod. In standalone mode (--spc-dir) there is no cluster and
// every call succeeds without doing anything (StandaloneLink).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kube/pod_ref.h"
#include "kube/secret_provider_class.h"

namespace sscsi::kube {

struct LinkError {
  enum class Kind {
    NotFound,     // the pod does not exist
    Mismatch,     // the pod exists with another uid, or is terminating
    Forbidden,    // our service account may not do this (RBAC)
    Conflict,     // a Secret of that name exists and is not managed by the driver
    Invalid,      // the class's secretObjects or the mounted files do not allow the sync
    Unavailable,  // the API server could not be reached or answered an error; retry
  };
  Kind kind = Kind::Unavailable;
  std::string reason;   // upstream's reason constant, e.g. PodNotFound, FailedToCreateSecret
  std::string message;  // names the object and the cause; never a secret
};

// Content of a mounted file by its path inside the volume (nullopt: no such file). The view is
// valid for the duration of the call it was passed to.
using FileLookup = std::function<std::optional<std::string_view>(const std::string& path)>;

struct MountedVolume {
  PodRef pod;
  const SecretProviderClass* spc = nullptr;
  std::string target_path;
  std::vector<std::pair<std::string, std::string>> objects;  // object id -> version
  FileLookup files;
  bool refresh = false;          // a refresh of an existing mount, not a first mount
  bool content_changed = false;  // the refresh swapped in new content
};

class ClusterLink {
 public:
  virtual ~ClusterLink() = default;
  // Before a first mount. nullopt: go ahead.
  virtual std::optional<LinkError> check_pod(const PodRef& pod) = 0;
  // After the files are written. Writes the pod status, then syncs Secrets. The first error is
  // returned (a first mount fails with it; a refresh keeps its new files and reports it).
  virtual std::optional<LinkError> mounted(const MountedVolume& volume) = 0;
  // A refresh failed and the old content stays: a Warning event on the pod.
  virtual void refresh_failed(const PodRef& pod, const std::string& message) = 0;
};

class StandaloneLink final : public ClusterLink {
 public:
  std::optional<LinkError> check_pod(const PodRef&) override { return std::nullopt; }
  std::optional<LinkError> mounted(const MountedVolume&) override { return std::nullopt; }
  void refresh_failed(const PodRef&, const std::string&) override {}
};

}  // namespace sscsi::kube
