#pragma once
// What the host remembers about one mounted volume, and its JSON form. A record holds names and
// versions only: no secrets, no tokens, no file contents, no attributes JSON.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sscsi::mount {

// One object a volume holds, as the provider reported it (for the next refresh and the
// SecretProviderClassPodStatus).
struct ObjectVersion {
  std::string id;
  std::string version;
  bool operator==(const ObjectVersion&) const = default;
};

struct MountRecord {
  std::string target_path;  // absolute, exactly as CSI gave it; the record's key
  std::string volume_id;
  std::string pod_namespace;
  std::string pod_name;
  std::string pod_uid;
  std::string service_account;
  std::string secret_provider_class;
  std::string provider;
  std::vector<ObjectVersion> objects;
  // Kept to the millisecond (the JSON form is RFC 3339 UTC with milliseconds).
  std::chrono::system_clock::time_point first_mount{};
  std::chrono::system_clock::time_point last_refresh{};
  bool operator==(const MountRecord&) const = default;
};

// Throws mount::Error when a field is not valid UTF-8 (JSON cannot hold it faithfully).
std::string record_to_json(const MountRecord& record);

// Throws mount::Error naming the first problem (invalid JSON, a missing or mistyped field, an
// unknown format version, a bad time, a target path that is not absolute).
MountRecord record_from_json(std::string_view json);

}  // namespace sscsi::mount
