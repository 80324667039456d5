#pragma once
// One loaded provider plugin instance, as the rest of the host sees it: a C++ facade over the C
// table that checks every answer and enforces the call's deadline.

#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "mount/mount_record.h"
#include "mount/payload.h"
#include "mount/wipe.h"

namespace sscsi::plugins {

// Mirrors sscsi_status, plus what the host itself detects in an answer.
enum class ErrorCode {
  InvalidParameters,
  NotFound,
  Unauthorized,
  Throttled,
  Unavailable,
  Internal,
  DeadlineExceeded,
  InvalidAnswer,  // the plugin broke the contract (bad path, mode, versions, …)
  Cancelled,      // the caller stopped the call (MountCall::stop) before it was answered
};

// Stable spelling used in metrics (error_type), events and CSI messages, e.g. "Throttled".
const char* error_code_name(ErrorCode code);

// Who may reuse an answer (sscsi_share_scope).
enum class ShareScope { Never, NamespaceServiceAccount, SameSecrets, Node };

// One object a volume holds (id, version): the same type the mount state store records.
using ObjectVersion = mount::ObjectVersion;

// The JSON texts are wiped when a call goes away. Moving is a copy here: a moved-from short
// string would keep its characters in its inline buffer.
struct MountCall {
  MountCall() = default;
  MountCall(const MountCall&) = default;
  MountCall& operator=(const MountCall&) = delete;  // would free the old texts unwiped
  ~MountCall() {
    mount::wipe(attributes_json);
    mount::wipe(secrets_json);
  }

  std::string attributes_json;  // contains tokens: never log
  std::string secrets_json;     // contains credentials: never log; "{}" when none
  std::string target_path;
  std::uint32_t default_file_mode = 0644;
  std::vector<ObjectVersion> current_versions;
  std::chrono::system_clock::time_point deadline;
  // Stops the call early (the target is being unpublished): the caller gets Cancelled at once
  // and the plugin sees call_cancelled turn true. Default: never requested.
  std::stop_token stop;
};

struct MountError {
  ErrorCode code = ErrorCode::Internal;
  std::string message;  // from the plugin (redacted) or the host's check; names the problem
  std::chrono::milliseconds retry_after{0};
};

struct MountAnswer {
  bool ok = false;
  std::vector<mount::PayloadFile> files;  // sorted by path
  std::vector<ObjectVersion> versions;    // non-empty when ok
  ShareScope share_scope = ShareScope::Never;
  MountError error;  // meaningful when !ok
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual const std::string& name() const = 0;
  virtual const std::string& version() const = 0;
  virtual const std::string& path() const = 0;  // the .so it came from
  // JSON Schema of the plugin's configuration, or empty when it publishes none.
  virtual std::string config_schema() const = 0;
  // Empty string when healthy (or when the plugin has no health entry), else the reason.
  virtual std::string health() const = 0;
  // Calls the plugin; thread-safe; returns by the deadline (plus a small grace) at the latest.
  virtual MountAnswer mount(const MountCall& call) = 0;
  // The host is about to shut down: running calls should stop (call_cancelled turns true) and
  // new ones are refused. The registry calls it on every provider before destroying any, so
  // their grace periods run concurrently. Default: nothing to do.
  virtual void begin_shutdown() {}
};

}  // namespace sscsi::plugins
