#include "kube/sync/secret_builder.h"

#include <fmt/format.h>

#include "kube/sync/tls_parts.h"

namespace sscsi::kube {
namespace {

// Go's strings.TrimSpace for the ASCII whitespace a YAML value can carry.
std::string trim(const std::string& text) {
  constexpr const char* kSpace = " \t\n\r\v\f";
  const std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

std::string validate_secret_object(const SecretObject& object) {
  if (trim(object.secret_name).empty()) return "secretName is empty";
  if (trim(object.type).empty()) return "type is empty";
  if (object.data.empty()) return "data is empty";
  for (std::size_t i = 0; i < object.data.size(); ++i) {
    if (trim(object.data[i].object_name).empty()) {
      return fmt::format("data[{}].objectName is empty", i);
    }
    if (trim(object.data[i].key).empty()) return fmt::format("data[{}].key is empty", i);
  }
  return {};
}

DesiredSecret build_desired_secret(const SecretObject& object, const MountedFileLookup& files) {
  if (const std::string problem = validate_secret_object(object); !problem.empty()) {
    const std::string name = trim(object.secret_name);
    throw SecretBuildError(
        fmt::format("secretObject{}: {}", name.empty() ? "" : fmt::format(" {}", name), problem));
  }
  DesiredSecret secret;
  secret.name = trim(object.secret_name);
  secret.type = trim(object.type);
  secret.labels = object.labels;
  secret.labels[kManagedLabel] = "true";
  secret.annotations = object.annotations;
  const bool tls = secret.type == kTlsSecretType;
  for (const SecretObjectData& entry : object.data) {
    const std::string path = trim(entry.object_name);
    const std::string key = trim(entry.key);
    const std::optional<std::string_view> content = files(path);
    if (!content) {
      throw SecretBuildError(fmt::format(
          "Secret {}: file matching objectName {} not found in the pod", secret.name, path));
    }
    try {
      secret.data[key] = tls ? tls_part(key, *content) : SecretBytes(*content);
    } catch (const TlsPartError& e) {
      throw SecretBuildError(
          fmt::format("Secret {}: objectName {}: {}", secret.name, path, e.what()));
    }
  }
  return secret;
}

}  // namespace sscsi::kube
