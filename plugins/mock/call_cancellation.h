#pragma once
// Whether the current mount call should stop: the host says so (call_cancelled) or the request's
// own deadline has passed. Checked between steps and while injected latency runs.

#include <sscsi/provider.h>

#include <cstdint>
#include <optional>

namespace sscsi::mock {

class CallCancellation {
 public:
  CallCancellation(const sscsi_host_api& host, const sscsi_mount_request& request)
      : host_(host), call_id_(request.call_id), deadline_unix_ms_(request.deadline_unix_ms) {}

  // "call cancelled" or "deadline passed" when the call should stop, else nullopt.
  std::optional<const char*> reason() const;

 private:
  const sscsi_host_api& host_;
  std::uint64_t call_id_;
  std::int64_t deadline_unix_ms_;  // 0 or less: none
};

}  // namespace sscsi::mock
