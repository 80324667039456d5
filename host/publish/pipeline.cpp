#include "publish/pipeline.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "mount/atomic_writer.h"
#include "mount/error.h"
#include "mount/platform.h"
#include "mount/volume_contents.h"
#include "publish/attributes.h"

namespace sscsi::publish {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;
using Code = Status::Code;

constexpr const char* kSpcKey = "secretProviderClass";
constexpr const char* kPodNameKey = "csi.storage.k8s.io/pod.name";
constexpr const char* kPodNamespaceKey = "csi.storage.k8s.io/pod.namespace";
constexpr const char* kPodUidKey = "csi.storage.k8s.io/pod.uid";
constexpr const char* kServiceAccountKey = "csi.storage.k8s.io/serviceAccount.name";

// Time kept back from the provider so that a failed first mount can still be undone and
// answered before the caller's deadline.
constexpr auto kCleanupReserve = std::chrono::milliseconds(250);

// How long a refresh without a kubelet call (scheduler, sscsi-ctl refresh) gives the provider.
constexpr auto kRefreshDeadline = std::chrono::seconds(60);

std::string context_value(const PublishRequest& request, const char* key) {
  auto it = request.volume_context.find(key);
  return it == request.volume_context.end() ? std::string() : it->second;
}

Code code_for(plugins::ErrorCode code) {
  switch (code) {
    case plugins::ErrorCode::InvalidParameters:
      return Code::InvalidArgument;
    case plugins::ErrorCode::NotFound:
      return Code::NotFound;
    case plugins::ErrorCode::Unauthorized:
      return Code::PermissionDenied;
    case plugins::ErrorCode::Throttled:
      return Code::ResourceExhausted;
    case plugins::ErrorCode::Unavailable:
      return Code::Unavailable;
    case plugins::ErrorCode::DeadlineExceeded:
      return Code::DeadlineExceeded;
    case plugins::ErrorCode::Cancelled:
      return Code::Aborted;  // the target is being unpublished
    case plugins::ErrorCode::Internal:
    case plugins::ErrorCode::InvalidAnswer:
      return Code::Internal;
  }
  return Code::Internal;
}

Code code_for(kube::LinkError::Kind kind) {
  using Kind = kube::LinkError::Kind;
  switch (kind) {
    case Kind::NotFound:
      return Code::NotFound;
    case Kind::Mismatch:
    case Kind::Conflict:
      return Code::FailedPrecondition;
    case Kind::Forbidden:
      return Code::PermissionDenied;
    case Kind::Invalid:
      return Code::InvalidArgument;
    case Kind::Unavailable:
      return Code::Unavailable;
  }
  return Code::Internal;
}

kube::PodRef pod_of(const mount::MountRecord& record) {
  return {.name = record.pod_name,
          .namespace_name = record.pod_namespace,
          .uid = record.pod_uid,
          .service_account = record.service_account};
}

// What the cluster link is told about a mount: the files are looked up in the answer that was
// just written, so nothing is read back from the volume.
kube::MountedVolume mounted_volume(const mount::MountRecord& record,
                                   const kube::SecretProviderClass& spc,
                                   const std::vector<mount::PayloadFile>& files) {
  kube::MountedVolume volume;
  volume.pod = pod_of(record);
  volume.spc = &spc;
  volume.target_path = record.target_path;
  for (const mount::ObjectVersion& object : record.objects) {
    volume.objects.emplace_back(object.id, object.version);
  }
  volume.files = [&files](const std::string& path) -> std::optional<std::string_view> {
    for (const mount::PayloadFile& file : files) {
      if (file.path == path) {
        return std::string_view(reinterpret_cast<const char*>(file.data.data()), file.data.size());
      }
    }
    return std::nullopt;
  };
  return volume;
}

Clock::time_point provider_deadline(Clock::time_point deadline) {
  const auto now = Clock::now();
  return deadline - now > 4 * kCleanupReserve ? deadline - kCleanupReserve : deadline;
}

// A write failure: a full volume or a limit is the content's size, anything else is ours.
Status write_failure(const std::string& target, const mount::Error& e) {
  const bool too_big = e.sys_errno() == ENOSPC || e.sys_errno() == 0;
  return {too_big ? Code::ResourceExhausted : Code::Internal,
          fmt::format("writing the files into {} failed: {}", target, e.what())};
}

}  // namespace

struct Pipeline::Resolved {
  std::string error_type;  // metric label when resolving failed
  kube::SecretProviderClass spc;
  plugins::Provider* provider = nullptr;
  plugins::MountCall call;
  FetchKey share_key;  // for one plugin call among identical requests
};

Pipeline::Pipeline(PipelineOptions options, kube::SpcSource& classes, kube::ClusterLink& cluster,
                   plugins::Registry& providers, mount::StateStore& state, PublishMetrics& metrics)
    : options_(std::move(options)),
      classes_(classes),
      cluster_(cluster),
      providers_(providers),
      state_(state),
      metrics_(metrics),
      fetches_(options_.shared_fetches, [this](const std::string& provider, FetchResult result) {
        metrics_.shared_fetch(provider, fetch_result_name(result));
      }) {}

Status Pipeline::resolve(const PublishRequest& request, Resolved& out) {
  const std::string ns = context_value(request, kPodNamespaceKey);
  const std::string name = context_value(request, kSpcKey);
  kube::SpcLookup lookup = classes_.get(ns, name);
  if (auto* error = std::get_if<kube::SpcLookupError>(&lookup)) {
    using Kind = kube::SpcLookupError::Kind;
    const Code code = error->kind == Kind::NotFound    ? Code::NotFound
                      : error->kind == Kind::Invalid   ? Code::InvalidArgument
                      : error->kind == Kind::Forbidden ? Code::PermissionDenied
                                                       : Code::Unavailable;
    out.error_type = "SecretProviderClassNotFound";
    return {code, error->message};
  }
  out.spc = std::move(std::get<kube::SecretProviderClass>(lookup));
  out.error_type = "FailedToMount";
  if (out.spc.provider.empty()) {
    return {Code::InvalidArgument,
            fmt::format("SecretProviderClass {}/{} has no spec.provider", ns, name)};
  }
  if (out.spc.parameters.empty()) {
    return {Code::InvalidArgument,
            fmt::format("SecretProviderClass {}/{} has no spec.parameters", ns, name)};
  }
  out.provider = providers_.find(out.spc.provider);
  if (out.provider == nullptr) {
    std::string loaded;
    for (const plugins::Provider* p : providers_.all()) {
      loaded += (loaded.empty() ? "" : ", ") + p->name();
    }
    return {Code::NotFound,
            fmt::format("provider '{}' named by SecretProviderClass {}/{} is not loaded "
                        "(loaded: {})",
                        out.spc.provider, ns, name, loaded.empty() ? "none" : loaded)};
  }
  try {
    out.call.attributes_json =
        attributes_json(out.spc.parameters, request.volume_context, request.secrets);
    out.call.secrets_json = secrets_json(request.secrets);
  } catch (const std::invalid_argument& e) {
    return {Code::InvalidArgument, e.what()};
  }
  out.call.target_path = request.target_path;
  out.call.default_file_mode = 0644;
  out.share_key =
      fetches_.key(out.spc.provider, out.spc.parameters, request.volume_context, request.secrets);
  return {};
}

Status Pipeline::publish(const PublishRequest& request, Clock::time_point deadline) {
  auto guard = locks_.lock(request.target_path);
  std::optional<mount::MountRecord> record;
  bool mounted = false;
  try {
    record = state_.load(request.target_path);
    mounted = mount::platform::is_mount_point(request.target_path);
  } catch (const mount::Error& e) {
    metrics_.publish_error("", "FailedToEnsureMountPoint");
    return {Code::Internal, e.what()};
  }

  if (mounted && !record) {
    metrics_.publish_error("", "FailedToEnsureMountPoint");
    return {Code::FailedPrecondition,
            fmt::format("{} is already a mount point that sscsi did not make; refusing to "
                        "mount over it",
                        request.target_path)};
  }
  // mount(2) follows a symbolic link in its last element: the tmpfs and the files would land on
  // whatever directory the link names, where neither undo nor unpublish (both no-follow) finds
  // them again. Links higher up the path (e.g. a relocated kubelet root) are fine.
  std::error_code link_error;
  if (fs::is_symlink(fs::symlink_status(request.target_path, link_error))) {
    metrics_.publish_error("", "FailedToEnsureMountPoint");
    return {
        Code::FailedPrecondition,
        fmt::format("{} is a symbolic link; refusing to mount through it", request.target_path)};
  }
  // A record without object versions is a first mount that never finished (the host died
  // during it): start that mount again from scratch.
  const bool complete = record && !record->objects.empty();
  if (mounted && complete) {
    // A republish brings fresh tokens: they are what the next refresh without a republish
    // (rotation's scheduler, sscsi-ctl refresh) sends.
    remember(request);
    if (!options_.rotation_enabled || !refresh_due(*record)) {
      metrics_.publish_ok(record->provider);
      return {};  // nothing to do before the next refresh is due or while backing off
    }
    // A refresh never fails the kubelet's republish: the kubelet would tear the volume down
    // (kubernetes#121271). A failure is logged, counted and reported by refresh().
    refresh(request, std::move(*record), deadline);
    return {};
  }
  if (mounted) {
    try {
      mount::clear_volume(request.target_path);
      mount::platform::unmount(request.target_path);
    } catch (const mount::Error& e) {
      metrics_.publish_error(record->provider, "FailedToMount");
      return {Code::Internal, fmt::format("cleaning up an unfinished mount: {}", e.what())};
    }
  }
  return first_mount(request, deadline);
}

Status Pipeline::first_mount(const PublishRequest& request, Clock::time_point deadline) {
  Resolved resolved;
  if (Status status = resolve(request, resolved); !status.ok()) {
    metrics_.publish_error(resolved.spc.provider, resolved.error_type);
    return status;
  }
  const std::string& provider_name = resolved.provider->name();
  const fs::path target = request.target_path;
  const kube::PodRef pod{.name = context_value(request, kPodNameKey),
                         .namespace_name = context_value(request, kPodNamespaceKey),
                         .uid = context_value(request, kPodUidKey),
                         .service_account = context_value(request, kServiceAccountKey)};
  if (auto error = cluster_.check_pod(pod)) {
    metrics_.publish_error(provider_name, error->reason);
    return {code_for(error->kind), error->message};
  }

  mount::MountRecord record;
  record.target_path = request.target_path;
  record.volume_id = request.volume_id;
  record.pod_namespace = context_value(request, kPodNamespaceKey);
  record.pod_name = context_value(request, kPodNameKey);
  record.pod_uid = context_value(request, kPodUidKey);
  record.service_account = context_value(request, kServiceAccountKey);
  record.secret_provider_class = resolved.spc.name;
  record.provider = provider_name;
  record.first_mount = record.last_refresh = Clock::now();

  // Undo everything this call did, so a failed first mount leaves the target as it found it.
  bool created_dir = false;
  bool tmpfs_mounted = false;
  bool recorded = false;
  auto undo = [&] {
    try {
      if (tmpfs_mounted) mount::platform::unmount(target);
      if (created_dir) fs::remove(target);
      if (recorded) state_.remove(request.target_path);
    } catch (const std::exception& e) {
      spdlog::error("undoing the failed mount of {} failed: {}", request.target_path, e.what());
    }
  };

  try {
    std::error_code ec;
    if (!fs::exists(target, ec)) {
      // The kubelet (>= 1.20) creates the volume's directory but not `mount` inside it.
      if (!fs::is_directory(target.parent_path(), ec)) {
        metrics_.publish_error(provider_name, "FailedToEnsureMountPoint");
        return {Code::FailedPrecondition,
                fmt::format("the parent directory of {} does not exist", request.target_path)};
      }
      mount::platform::make_dir(target, 0750);
      created_dir = true;
    }
    state_.save(record);  // pending: no object versions yet (see publish())
    recorded = true;
    mount::platform::mount_tmpfs(target, options_.tmpfs_size_bytes);
    tmpfs_mounted = true;
  } catch (const std::exception& e) {
    undo();
    metrics_.publish_error(provider_name, "FailedToMount");
    return {Code::Internal, fmt::format("preparing {}: {}", request.target_path, e.what())};
  }

  resolved.call.deadline = provider_deadline(deadline);
  plugins::MountAnswer answer =
      fetches_.fetch(*resolved.provider, resolved.call, resolved.share_key);
  // The content is as of now (not of the start of this mount): a refresh looks for newer.
  record.last_refresh = Clock::now();
  if (!answer.ok) {
    undo();
    metrics_.publish_error(provider_name, plugins::error_code_name(answer.error.code));
    return {code_for(answer.error.code), answer.error.message};
  }
  try {
    mount::write_payload(target, answer.files, options_.write_limits);
    record.objects = answer.versions;
  } catch (const mount::Error& e) {
    undo();
    metrics_.publish_error(provider_name, "FileWriteError");
    return write_failure(request.target_path, e);
  }
  // The pod status and synced Secrets come before the record is complete: a failure here fails
  // the mount like any other, and the kubelet's retry tries the whole mount again.
  if (auto error = report_mount(mounted_volume(record, resolved.spc, answer.files))) {
    undo();
    metrics_.publish_error(provider_name, error->reason);
    return {code_for(error->kind), error->message};
  }
  try {
    state_.save(record);
  } catch (const mount::Error& e) {
    undo();
    metrics_.publish_error(provider_name, "FileWriteError");
    return {Code::Internal,
            fmt::format("recording the mount of {}: {}", request.target_path, e.what())};
  }
  metrics_.publish_ok(provider_name);
  spdlog::info("mounted {} file(s) from provider {} for pod {}/{} at {}", answer.files.size(),
               provider_name, record.pod_namespace, record.pod_name, request.target_path);
  remember(request);
  return {};
}

RefreshOutcome Pipeline::refresh(const PublishRequest& request, mount::MountRecord record,
                                 Clock::time_point deadline) {
  const auto started = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  // The old content stays; the error is logged, counted, reported to the cluster and to the
  // observer (which backs the target off).
  auto keep_old = [&](const std::string& error_type, Status status,
                      std::chrono::milliseconds retry_after = {}) {
    metrics_.rotation_error(record.provider, error_type, seconds());
    metrics_.publish_error(record.provider, error_type);
    spdlog::warn("refresh of {} failed, keeping the current content: {}", request.target_path,
                 status.message);
    cluster_.refresh_failed(pod_of(record), status.message);
    notify([&](RefreshObserver& o) { o.failed(request.target_path, retry_after); });
    return RefreshOutcome{.status = std::move(status)};
  };

  Resolved resolved;
  if (Status status = resolve(request, resolved); !status.ok()) {
    return keep_old(resolved.error_type, status);
  }
  resolved.call.current_versions = record.objects;
  resolved.call.deadline = provider_deadline(deadline);
  // Only an answer fetched after the content this mount holds can bring anything new. The record
  // keeps whole milliseconds (floored): the content may be up to 1ms younger than it says.
  Clock::time_point held_since = record.last_refresh + std::chrono::milliseconds(1);
  {
    std::lock_guard lock(quiet_mutex_);
    const auto quiet = quiet_refreshes_.find(request.target_path);
    if (quiet != quiet_refreshes_.end()) held_since = std::max(held_since, quiet->second);
  }
  std::stop_source stop;
  resolved.call.stop = stop.get_token();
  {
    std::lock_guard lock(refresh_stops_mutex_);
    refresh_stops_.insert_or_assign(request.target_path, stop);
  }
  plugins::MountAnswer answer =
      fetches_.fetch(*resolved.provider, resolved.call, resolved.share_key, held_since);
  {
    std::lock_guard lock(refresh_stops_mutex_);
    refresh_stops_.erase(request.target_path);
  }
  if (!answer.ok && answer.error.code == plugins::ErrorCode::Cancelled) {
    // Not a failure of the provider: nothing is counted, reported or backed off.
    spdlog::info("refresh of {} stopped: the volume is being unpublished", request.target_path);
    return RefreshOutcome{.status = {Code::Aborted, fmt::format("the refresh of {} was stopped: "
                                                                "the volume is being unpublished",
                                                                request.target_path)}};
  }
  if (!answer.ok) {
    return keep_old(plugins::error_code_name(answer.error.code),
                    {code_for(answer.error.code), answer.error.message}, answer.error.retry_after);
  }
  bool rotated = false;
  try {
    const mount::WriteResult written =
        mount::write_payload(request.target_path, answer.files, options_.write_limits);
    rotated = written.swapped;
    const bool record_changed = written.swapped || record.objects != answer.versions ||
                                record.provider != resolved.provider->name();
    record.objects = answer.versions;
    record.provider = resolved.provider->name();
    record.last_refresh = Clock::now();
    {
      std::lock_guard lock(quiet_mutex_);
      if (record_changed) {
        quiet_refreshes_.erase(request.target_path);
      } else {
        quiet_refreshes_[request.target_path] = record.last_refresh;
      }
    }
    if (record_changed) state_.save(record);
    notify([&](RefreshObserver& o) { o.refreshed(request.target_path); });
    if (written.swapped) {
      spdlog::info("refreshed {}: new content from provider {}", request.target_path,
                   record.provider);
    }
    kube::MountedVolume volume = mounted_volume(record, resolved.spc, answer.files);
    volume.refresh = true;
    volume.content_changed = written.swapped;
    // The new files stay either way; a Secret that could not follow them is retried on the
    // next refresh and reported as an event meanwhile.
    if (auto error = report_mount(volume)) {
      metrics_.rotation_error(record.provider, error->reason, seconds());
      metrics_.publish_error(record.provider, error->reason);
      spdlog::warn("refresh of {}: {}", request.target_path, error->message);
      return {.status = {}, .rotated = rotated};
    }
    metrics_.rotation_ok(record.provider, written.swapped, seconds());
    metrics_.publish_ok(record.provider);
  } catch (const mount::Error& e) {
    return keep_old("FileWriteError", write_failure(request.target_path, e));
  }
  return {.status = {}, .rotated = rotated};
}

RefreshOutcome Pipeline::refresh(const std::string& target_path, bool force) {
  auto guard = locks_.lock(target_path);
  std::optional<mount::MountRecord> record;
  bool mounted = false;
  try {
    record = state_.load(target_path);
    mounted = record && mount::platform::is_mount_point(target_path);
  } catch (const mount::Error& e) {
    return {.status = {Code::Internal, e.what()}};
  }
  if (!mounted || record->objects.empty()) {
    return {.status = {Code::NotFound,
                       fmt::format("{} is not a volume that sscsi-host has mounted", target_path)}};
  }
  const RememberedRequests::Shared request = remembered_.find(target_path);
  if (request == nullptr) {
    return {.status = {Code::NotFound,
                       fmt::format("{} is mounted, but the request it was published with is not "
                                   "known (tokens are held in memory only and sscsi-host "
                                   "restarted since); the kubelet's next republish brings it",
                                   target_path)}};
  }
  if (!force && !refresh_due(*record)) return {.status = {}, .rotated = false, .skipped = true};
  return refresh(*request, std::move(*record), Clock::now() + kRefreshDeadline);
}

bool Pipeline::refresh_due(const mount::MountRecord& record) {
  Clock::time_point last = record.last_refresh;
  {
    std::lock_guard lock(quiet_mutex_);
    auto it = quiet_refreshes_.find(record.target_path);
    if (it != quiet_refreshes_.end()) last = std::max(last, it->second);
  }
  if (Clock::now() < last + options_.rotation_poll_interval) return false;
  bool backing_off = false;
  notify([&](RefreshObserver& o) { backing_off = o.backing_off(record.target_path); });
  return !backing_off;
}

void Pipeline::remember(const PublishRequest& request) {
  remembered_.remember(request);
  notify([&](RefreshObserver& o) { o.remembered(request); });
}

void Pipeline::notify(const std::function<void(RefreshObserver&)>& call) {
  std::lock_guard lock(observer_mutex_);
  if (observer_ != nullptr) call(*observer_);
}

void Pipeline::observe(RefreshObserver* observer) {
  std::lock_guard lock(observer_mutex_);
  observer_ = observer;
  if (observer_ == nullptr) return;
  for (const RememberedRequests::Shared& request : remembered_.all()) {
    observer_->remembered(*request);
  }
}

std::optional<kube::LinkError> Pipeline::report_mount(const kube::MountedVolume& volume) {
  const auto started = std::chrono::steady_clock::now();
  std::optional<kube::LinkError> error = cluster_.mounted(volume);
  if (!error && !volume.spc->secret_objects.empty()) {
    metrics_.sync_ok(
        volume.spc->provider,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  return error;
}

Status Pipeline::unpublish(const std::string& /*volume_id*/, const std::string& target_path) {
  {
    std::lock_guard lock(refresh_stops_mutex_);
    if (const auto refreshing = refresh_stops_.find(target_path);
        refreshing != refresh_stops_.end()) {
      refreshing->second.request_stop();
    }
  }
  auto guard = locks_.lock(target_path);
  Status status = unpublish_locked(target_path);
  if (status.ok()) {
    // Tokens and secrets go with the mount.
    remembered_.forget(target_path);
    {
      std::lock_guard lock(quiet_mutex_);
      quiet_refreshes_.erase(target_path);
    }
    notify([&](RefreshObserver& o) { o.unmounted(target_path); });
    metrics_.unpublish_ok();
  } else {
    metrics_.unpublish_error();
  }
  return status;
}

Status Pipeline::unpublish_locked(const std::string& target_path) {
  const fs::path target = target_path;
  try {
    const std::optional<mount::MountRecord> record = state_.load(target_path);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(target, ec))) {
      if (record) state_.remove(target_path);
      return {};
    }
    const bool mounted = mount::platform::is_mount_point(target);
    if (mounted && !record) {
      return {Code::FailedPrecondition,
              fmt::format("{} is a mount point that sscsi did not make; refusing to unmount it",
                          target_path)};
    }
    if (mounted) {
      mount::clear_volume(target);
      mount::platform::unmount(target);
    }
    // Only an empty directory is removed: a directory holding anything is not ours to empty.
    if (!fs::remove(target, ec) && ec) {
      if (ec == std::errc::directory_not_empty) {
        return {Code::FailedPrecondition,
                fmt::format("{} is not empty and holds files sscsi did not write; refusing to "
                            "delete them",
                            target_path)};
      }
      return {Code::Internal, fmt::format("removing {}: {}", target_path, ec.message())};
    }
    if (record) state_.remove(target_path);
  } catch (const mount::Error& e) {
    return {Code::Internal, e.what()};
  }
  spdlog::info("unpublished {}", target_path);
  return {};
}

}  // namespace sscsi::publish
