#pragma once
// core/v1 Events about a Pod, in the legacy form (no eventTime, no action), which every API
// server accepts and `kubectl describe pod` shows.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "kube/pod_ref.h"

namespace sscsi::kube {

inline constexpr const char* kEventComponent = "csi-secrets-store";

enum class EventType { Normal, Warning };

// The reasons the host reports, as upstream (§5.2 of the reference): Warning for the failures,
// Normal for completed rotations.
inline constexpr const char* kReasonFailedToCreateSecret = "FailedToCreateSecret";
inline constexpr const char* kReasonMountRotationFailed = "MountRotationFailed";
inline constexpr const char* kReasonSecretRotationFailed = "SecretRotationFailed";
inline constexpr const char* kReasonMountRotationComplete = "MountRotationComplete";
inline constexpr const char* kReasonSecretRotationComplete = "SecretRotationComplete";

struct EventInfo {
  PodRef pod;
  EventType type = EventType::Normal;
  std::string reason;
  std::string message;
  std::string reporting_instance;  // the node name
  std::chrono::system_clock::time_point time;
  int count = 1;
  // Makes the name unique: "<pod>.<hex of this>" (client-go uses the time in nanoseconds).
  std::uint64_t name_suffix = 0;
};

// metadata {name "<pod>.<hex>" (shortened as fit_dns_subdomain when too long), namespace},
// involvedObject {kind Pod, namespace, name, uid, apiVersion v1}, reason, message, type,
// source.component and reportingComponent "csi-secrets-store", reportingInstance,
// firstTimestamp = lastTimestamp = time, count.
nlohmann::json event_object(const EventInfo& info);

// "2024-05-01T12:34:56Z" (RFC 3339, UTC, whole seconds as metav1.Time serialises).
std::string rfc3339(std::chrono::system_clock::time_point time);

}  // namespace sscsi::kube
