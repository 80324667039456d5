#pragma once
// Collects and checks what a plugin puts into its mount sink, as it arrives. The first problem
// decides the outcome: a contract violation (bad path or mode, duplicate path, empty or
// duplicate object id, a malformed set_error) makes the answer InvalidAnswer with a message that
// names the provider, the offending value and the rule; a valid set_error makes it that error.
// Thread-safe: a plugin may call the sink from several threads of one call.

#include <sscsi/provider.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "plugins/provider.h"

namespace sscsi::plugins {

class AnswerCollector {
 public:
  // Everything that arrives at or after `deadline` is discarded, even before the host's waiting
  // thread wakes up, so that the sink agrees with call_cancelled.
  explicit AnswerCollector(std::string provider_name,
                           std::chrono::system_clock::time_point deadline =
                               std::chrono::system_clock::time_point::max());

  // The sink's functions. Each returns SSCSI_OK when accepted; otherwise the answer has already
  // failed: SSCSI_DEADLINE_EXCEEDED after close(), the plugin's own code after set_error, and
  // SSCSI_INVALID_PARAMETERS after a contract violation.
  sscsi_status add_file(const char* path, std::uint32_t mode, const std::uint8_t* bytes,
                        std::size_t len);
  sscsi_status add_object_version(const char* id, const char* version);
  // `code` and `scope` are the plain ints the plugin passed (see abi_enum.h): an unknown code
  // fails the answer as InvalidAnswer, an unknown scope counts as ShareScope::Never.
  void set_error(int code, const char* message, std::uint32_t retry_after_ms);
  void set_share_scope(int scope);

  // The scope value the plugin set last, when this host does not know it (so that the caller can
  // say so once per plugin); nullopt when the last scope set was a known one, or none was set.
  std::optional<int> unknown_share_scope() const;

  // The host stopped waiting: everything that arrives later is discarded.
  void close();

  // A contract violation found outside the sink (e.g. an exception escaped the plugin's mount).
  void fail_contract(std::string message);

  // The host itself failed while taking the answer (out of memory copying a file); the answer
  // becomes Internal. Allocates nothing.
  void mark_host_failure() noexcept;

  // The answer so far, with the end-of-call rules applied (at least one object version). Files
  // are sorted by path.
  MountAnswer result();

 private:
  // The answer fails with the first problem found; later ones are not reported. Lock held.
  void violate(std::string message);
  std::optional<sscsi_status> refusal_status();  // why additions are refused, if they are
  bool closed();                                 // close()d or past the deadline

  const std::string provider_;
  const std::chrono::system_clock::time_point deadline_;
  mutable std::mutex mutex_;
  bool closed_ = false;
  std::atomic<bool> host_failed_{false};
  std::optional<MountError> failure_;
  bool failure_is_violation_ = false;
  sscsi_status plugin_status_ = SSCSI_OK;
  std::map<std::string, mount::PayloadFile> files_;  // by path, so the answer comes out sorted
  std::vector<ObjectVersion> versions_;
  std::set<std::string> version_ids_;
  ShareScope share_scope_ = ShareScope::Never;
  std::optional<int> unknown_share_scope_;
};

// The ErrorCode for a status a plugin may report (anything but SSCSI_OK), or nullopt.
std::optional<ErrorCode> error_code_from_status(int status);

}  // namespace sscsi::plugins
