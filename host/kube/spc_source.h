#pragma once
// Where SecretProviderClasses come from: the cluster's API, or YAML files in standalone mode.

#include <string>
#include <variant>

#include "kube/secret_provider_class.h"

namespace sscsi::kube {

struct SpcLookupError {
  enum class Kind { NotFound, Invalid, Forbidden, Unavailable };
  Kind kind = Kind::NotFound;
  std::string message;  // names the class, the namespace and where it looked
};

using SpcLookup = std::variant<SecretProviderClass, SpcLookupError>;

class SpcSource {
 public:
  virtual ~SpcSource() = default;
  // The class `name` in `namespace_name`. Thread-safe.
  virtual SpcLookup get(const std::string& namespace_name, const std::string& name) = 0;
};

}  // namespace sscsi::kube
