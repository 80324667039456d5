#pragma once
// Everything a mount reads from the request's attributes (the SecretProviderClass parameters plus
// the pod information the driver adds, which this provider ignores):
//
//   objects      the objects to serve, see object_spec.h (required)
//   failWith     inject a failure: InvalidParameters|NotFound|Unauthorized|Throttled|
//                Unavailable|Internal
//   failMessage  the injected failure's message (default "injected failure")
//   failFirst    N: fail only the first N calls for the same target path, then succeed
//   retryAfter   Go duration, reported as the injected failure's retry_after_ms
//   latency      Go duration to wait before answering (cancellable)
//   shareScope   the share scope every answer declares: never|namespace-serviceaccount|
//                same-secrets|node (default namespace-serviceaccount)
//
// An empty string counts as not set, as upstream treats SecretProviderClass parameters.

#include <sscsi/provider.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "object_spec.h"
#include "parsed_objects_cache.h"

namespace sscsi::mock {

struct InjectedFailure {
  sscsi_status code = SSCSI_INTERNAL;
  std::string message;
  std::optional<std::uint64_t> first_calls;  // nullopt: every call fails
  std::uint32_t retry_after_ms = 0;
};

struct MountParameters {
  std::shared_ptr<const std::vector<ObjectSpec>> objects;  // never null
  std::optional<InjectedFailure> failure;
  std::chrono::nanoseconds latency{0};
  sscsi_share_scope share_scope = SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT;
};

inline constexpr const char* kDefaultFailMessage = "injected failure";

// Reads and validates the parameters. Throws MountError(SSCSI_INVALID_PARAMETERS) with a message
// naming the parameter and the problem. Messages never quote the attributes themselves (they
// carry service-account tokens); they quote only the value of the parameter at fault.
// `objects` is parsed through `cache`.
MountParameters parse_mount_parameters(const char* attributes_json, ParsedObjectsCache& cache);

}  // namespace sscsi::mock
