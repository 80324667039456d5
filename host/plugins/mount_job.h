#pragma once
// One mount call in flight: the host-owned request and sink the plugin sees, the collector the
// sink feeds, and the hand-off between the worker thread running the plugin and the caller
// waiting for it. Shared (shared_ptr) by both, so a call that outlives its caller's wait still
// has valid memory to write to; what it writes then is discarded.

#include <sscsi/provider.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "plugins/answer_collector.h"
#include "plugins/provider.h"

namespace sscsi::plugins {

class MountJob {
 public:
  // `deadline` is call.deadline in whole milliseconds, as the plugin sees it in the request, so
  // that the sink, the waiting caller and call_cancelled all agree on when the call is over.
  MountJob(std::string provider_name, const MountCall& call, std::uint64_t call_id,
           std::chrono::sys_time<std::chrono::milliseconds> deadline);
  ~MountJob();  // wipes the host's copies of the attributes and secrets
  MountJob(const MountJob&) = delete;
  MountJob& operator=(const MountJob&) = delete;

  const sscsi_mount_request* request() const noexcept { return &request_; }
  const sscsi_mount_sink* sink() const noexcept { return &sink_; }

  // Called by the worker when the plugin's mount returned.
  void finish() noexcept;
  // Called by the worker when an exception escaped the plugin's mount (a contract violation).
  void fail_contract(std::string message) { collector_.fail_contract(std::move(message)); }

  enum class Waited { Answered, DeadlinePassed, Stopped };
  // Waits until the plugin returned (Answered), the deadline passed (also when it returned only
  // after the deadline) or `stop` was requested. Unless Answered, the sink is closed before
  // returning, so nothing the plugin adds afterwards reaches the answer.
  Waited wait(std::stop_token stop);

  MountAnswer result() { return collector_.result(); }
  // See AnswerCollector::unknown_share_scope.
  std::optional<int> unknown_share_scope() const { return collector_.unknown_share_scope(); }

 private:
  static sscsi_status add_file(void* ctx, const char* path, std::uint32_t mode,
                               const std::uint8_t* bytes, std::size_t len) noexcept;
  static sscsi_status add_object_version(void* ctx, const char* id, const char* version) noexcept;
  static void set_error(void* ctx, sscsi_status code, const char* message,
                        std::uint32_t retry_after_ms) noexcept;
  static void set_share_scope(void* ctx, sscsi_share_scope scope) noexcept;

  std::string attributes_json_;
  std::string secrets_json_;
  std::string target_path_;
  std::vector<ObjectVersion> current_versions_;
  std::vector<sscsi_object_version> current_version_views_;
  sscsi_mount_request request_{};
  sscsi_mount_sink sink_{};
  AnswerCollector collector_;

  std::mutex mutex_;
  std::condition_variable_any finished_cv_;  // _any: waits on a stop_token too
  bool finished_ = false;
  const std::chrono::system_clock::time_point deadline_;
  std::chrono::system_clock::time_point finished_at_;
};

}  // namespace sscsi::plugins
