#pragma once
// The SecretProviderClass (secrets-store.csi.x-k8s.io/v1, identical in v1alpha1) as the host
// uses it, whichever source it came from (the API server or --spc-dir files).

#include <map>
#include <string>
#include <vector>

namespace sscsi::kube {

struct SecretObjectData {
  std::string object_name;  // path of a mounted file
  std::string key;          // key in the Secret's data
};

struct SecretObject {
  std::string secret_name;
  std::string type;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::vector<SecretObjectData> data;
};

struct SecretProviderClass {
  std::string name;
  std::string namespace_name;
  std::string provider;                           // spec.provider
  std::map<std::string, std::string> parameters;  // spec.parameters, opaque to the host
  std::vector<SecretObject> secret_objects;       // spec.secretObjects
  std::string source;                             // where it came from, for messages
};

}  // namespace sscsi::kube
