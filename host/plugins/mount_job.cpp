#include "plugins/mount_job.h"

#include "mount/wipe.h"
#include "plugins/abi_enum.h"

namespace sscsi::plugins {
namespace {

MountJob& self(void* ctx) { return *static_cast<MountJob*>(ctx); }

}  // namespace

MountJob::MountJob(std::string provider_name, const MountCall& call, std::uint64_t call_id,
                   std::chrono::sys_time<std::chrono::milliseconds> deadline)
    : attributes_json_(call.attributes_json),
      secrets_json_(call.secrets_json.empty() ? std::string("{}") : call.secrets_json),
      target_path_(call.target_path),
      current_versions_(call.current_versions),
      collector_(std::move(provider_name), deadline),
      deadline_(deadline) {
  current_version_views_.reserve(current_versions_.size());
  for (const ObjectVersion& version : current_versions_) {
    current_version_views_.push_back({version.id.c_str(), version.version.c_str()});
  }
  request_.struct_size = sizeof(sscsi_mount_request);
  request_.default_file_mode = call.default_file_mode;
  request_.call_id = call_id;
  request_.deadline_unix_ms = deadline.time_since_epoch().count();
  request_.attributes_json = attributes_json_.c_str();
  request_.secrets_json = secrets_json_.c_str();
  request_.target_path = target_path_.c_str();
  request_.current_versions = current_version_views_.data();
  request_.n_current_versions = current_version_views_.size();

  sink_.struct_size = sizeof(sscsi_mount_sink);
  sink_.sink_ctx = this;
  sink_.add_file = &MountJob::add_file;
  sink_.add_object_version = &MountJob::add_object_version;
  sink_.set_error = &MountJob::set_error;
  sink_.set_share_scope = &MountJob::set_share_scope;
}

MountJob::~MountJob() {
  mount::wipe(attributes_json_);
  mount::wipe(secrets_json_);
}

void MountJob::finish() noexcept {
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
    finished_at_ = std::chrono::system_clock::now();
  }
  finished_cv_.notify_all();
}

MountJob::Waited MountJob::wait(std::stop_token stop) {
  Waited waited = Waited::DeadlinePassed;
  {
    std::unique_lock lock(mutex_);
    if (finished_cv_.wait_until(lock, stop, deadline_, [&] { return finished_; })) {
      if (finished_at_ < deadline_) return Waited::Answered;
    } else if (stop.stop_requested() && std::chrono::system_clock::now() < deadline_) {
      waited = Waited::Stopped;
    }
  }
  // Late or unwanted answers are discarded, complete or not.
  collector_.close();
  return waited;
}

sscsi_status MountJob::add_file(void* ctx, const char* path, std::uint32_t mode,
                                const std::uint8_t* bytes, std::size_t len) noexcept {
  try {
    return self(ctx).collector_.add_file(path, mode, bytes, len);
  } catch (...) {
    self(ctx).collector_.mark_host_failure();  // e.g. out of memory copying the contents
    return SSCSI_INTERNAL;
  }
}

sscsi_status MountJob::add_object_version(void* ctx, const char* id, const char* version) noexcept {
  try {
    return self(ctx).collector_.add_object_version(id, version);
  } catch (...) {
    self(ctx).collector_.mark_host_failure();
    return SSCSI_INTERNAL;
  }
}

void MountJob::set_error(void* ctx, sscsi_status code, const char* message,
                         std::uint32_t retry_after_ms) noexcept {
  try {
    self(ctx).collector_.set_error(abi_enum_value(code), message, retry_after_ms);
  } catch (...) {
    self(ctx).collector_.mark_host_failure();  // nothing may unwind into C
  }
}

void MountJob::set_share_scope(void* ctx, sscsi_share_scope scope) noexcept {
  try {
    self(ctx).collector_.set_share_scope(abi_enum_value(scope));
  } catch (...) {
    // std::mutex::lock may throw in theory; the scope then stays as it was.
  }
}

}  // namespace sscsi::plugins
