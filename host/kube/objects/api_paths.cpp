#include "kube/objects/api_paths.h"

#include <fmt/format.h>

namespace sscsi::kube {
namespace {

constexpr const char* kPodStatusGroupVersion = "/apis/secrets-store.csi.x-k8s.io/v1";

bool unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string core(std::string_view namespace_name, std::string_view resource) {
  return fmt::format("/api/v1/namespaces/{}/{}", escape_path_segment(namespace_name), resource);
}

}  // namespace

std::string escape_path_segment(std::string_view segment) {
  std::string out;
  out.reserve(segment.size());
  for (char c : segment) {
    if (unreserved(c)) {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

std::string pod_path(std::string_view namespace_name, std::string_view name) {
  return core(namespace_name, "pods/") + escape_path_segment(name);
}

std::string secrets_path(std::string_view namespace_name) {
  return core(namespace_name, "secrets");
}

std::string secret_path(std::string_view namespace_name, std::string_view name) {
  return secrets_path(namespace_name) + "/" + escape_path_segment(name);
}

std::string pod_statuses_path(std::string_view namespace_name) {
  return fmt::format("{}/namespaces/{}/secretproviderclasspodstatuses", kPodStatusGroupVersion,
                     escape_path_segment(namespace_name));
}

std::string pod_status_path(std::string_view namespace_name, std::string_view name) {
  return pod_statuses_path(namespace_name) + "/" + escape_path_segment(name);
}

std::string events_path(std::string_view namespace_name) { return core(namespace_name, "events"); }

}  // namespace sscsi::kube
