#pragma once
// One spec.secretObjects entry + the files of the mount -> the Secret the cluster should hold.

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "kube/secret_provider_class.h"
#include "kube/sync/secret_bytes.h"

namespace sscsi::kube {

inline constexpr const char* kManagedLabel = "secrets-store.csi.k8s.io/managed";

struct DesiredSecret {
  std::string name;
  std::string type;
  std::map<std::string, std::string> labels;  // the object's labels + kManagedLabel: "true"
  std::map<std::string, std::string> annotations;
  std::map<std::string, SecretBytes> data;  // key -> raw bytes; wiped on destruction
};

class SecretBuildError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The content of the mounted file at `path` (relative to the volume), or nullopt when there is
// no such file. Same shape as kube/cluster_link.h's FileLookup, so a MountedVolume's lookup can be
// passed as it is.
using MountedFileLookup = std::function<std::optional<std::string_view>(const std::string& path)>;

// Upstream's ValidateSecretObject: secretName and type non-empty after trimming spaces, data
// non-empty, each objectName and key non-empty after trimming. Returns the problem ("secretName
// is empty", "data[1].key is empty", ...) or an empty string.
std::string validate_secret_object(const SecretObject& object);

// Validates, then reads each data entry's file: objectName and key are used trimmed, a later
// entry with the same key wins (as upstream). kubernetes.io/tls data goes through tls_part().
// Throws SecretBuildError: "Secret <name>: file matching objectName <path> not found in the pod",
// "Secret <name>: tls.key: ...", "secretObject: secretName is empty". Never includes file data.
DesiredSecret build_desired_secret(const SecretObject& object, const MountedFileLookup& files);

}  // namespace sscsi::kube
