#include "plugins/answer_collector.h"

#include <fmt/format.h>

#include <cstring>
#include <utility>

#include "metrics/text_format.h"
#include "mount/path_rules.h"
#include "plugins/plugin_text.h"

namespace sscsi::plugins {
namespace {

// How much of an offending path a message shows; the rule says how long it was.
constexpr std::size_t kShownPathBytes = 120;

std::string quoted(std::string_view text) {
  return fmt::format("'{}'", printable(text, kShownPathBytes));
}

}  // namespace

std::optional<ErrorCode> error_code_from_status(int status) {
  switch (status) {
    case SSCSI_INVALID_PARAMETERS:
      return ErrorCode::InvalidParameters;
    case SSCSI_NOT_FOUND:
      return ErrorCode::NotFound;
    case SSCSI_UNAUTHORIZED:
      return ErrorCode::Unauthorized;
    case SSCSI_THROTTLED:
      return ErrorCode::Throttled;
    case SSCSI_UNAVAILABLE:
      return ErrorCode::Unavailable;
    case SSCSI_INTERNAL:
      return ErrorCode::Internal;
    case SSCSI_DEADLINE_EXCEEDED:
      return ErrorCode::DeadlineExceeded;
    default:
      return std::nullopt;
  }
}

AnswerCollector::AnswerCollector(std::string provider_name,
                                 std::chrono::system_clock::time_point deadline)
    : provider_(std::move(provider_name)), deadline_(deadline) {}

bool AnswerCollector::closed() {
  if (!closed_ && std::chrono::system_clock::now() >= deadline_) closed_ = true;
  return closed_;
}

std::optional<sscsi_status> AnswerCollector::refusal_status() {
  if (closed()) return SSCSI_DEADLINE_EXCEEDED;
  if (host_failed_.load()) return SSCSI_INTERNAL;
  if (!failure_) return std::nullopt;
  return failure_is_violation_ ? SSCSI_INVALID_PARAMETERS : plugin_status_;
}

void AnswerCollector::violate(std::string message) {
  if (failure_) return;
  failure_ = MountError{ErrorCode::InvalidAnswer, std::move(message), {}};
  failure_is_violation_ = true;
}

sscsi_status AnswerCollector::add_file(const char* path, std::uint32_t mode,
                                       const std::uint8_t* bytes, std::size_t len) {
  std::lock_guard lock(mutex_);
  if (const auto refused = refusal_status()) return *refused;
  if (path == nullptr) {
    violate(fmt::format("provider {} added a file with a NULL path", provider_));
    return SSCSI_INVALID_PARAMETERS;
  }
  const std::string_view file_path(path, std::strlen(path));
  if (const auto problem = mount::path_problem(file_path)) {
    violate(fmt::format("provider {} added a file with an invalid path {}: {}", provider_,
                        quoted(file_path), *problem));
    return SSCSI_INVALID_PARAMETERS;
  }
  if (const auto problem = mount::mode_problem(mode)) {
    violate(fmt::format("provider {} added file {} with an invalid mode: {}", provider_,
                        quoted(file_path), *problem));
    return SSCSI_INVALID_PARAMETERS;
  }
  if (bytes == nullptr && len > 0) {
    violate(fmt::format("provider {} added file {} with {} bytes of contents at a NULL pointer",
                        provider_, quoted(file_path), len));
    return SSCSI_INVALID_PARAMETERS;
  }
  if (files_.contains(std::string(file_path))) {
    violate(fmt::format("provider {} added file {} twice; every path must be unique", provider_,
                        quoted(file_path)));
    return SSCSI_INVALID_PARAMETERS;
  }
  mount::PayloadFile file{std::string(file_path), mode, {}};
  if (len > 0) file.data.assign(bytes, bytes + len);
  files_.emplace(file.path, std::move(file));
  return SSCSI_OK;
}

sscsi_status AnswerCollector::add_object_version(const char* id, const char* version) {
  std::lock_guard lock(mutex_);
  if (const auto refused = refusal_status()) return *refused;
  if (id == nullptr || *id == '\0') {
    violate(
        fmt::format("provider {} added an object version with an empty id; ids must be "
                    "non-empty",
                    provider_));
    return SSCSI_INVALID_PARAMETERS;
  }
  if (version == nullptr) {
    violate(
        fmt::format("provider {} added object version {} with a NULL version (use \"\" for "
                    "none)",
                    provider_, quoted(id)));
    return SSCSI_INVALID_PARAMETERS;
  }
  // Both end up in JSON (the pod status, the mount record), which holds only UTF-8 text.
  if (!metrics::is_valid_utf8(id)) {
    violate(fmt::format("provider {} added object version id {} that is not valid UTF-8",
                        provider_, quoted(id)));
    return SSCSI_INVALID_PARAMETERS;
  }
  if (!metrics::is_valid_utf8(version)) {
    violate(fmt::format("provider {} added object version {} with a version that is not valid "
                        "UTF-8",
                        provider_, quoted(id)));
    return SSCSI_INVALID_PARAMETERS;
  }
  if (!version_ids_.insert(id).second) {
    violate(fmt::format("provider {} added object version id {} twice; ids must be unique",
                        provider_, quoted(id)));
    return SSCSI_INVALID_PARAMETERS;
  }
  versions_.push_back(ObjectVersion{id, version});
  return SSCSI_OK;
}

void AnswerCollector::set_error(int status, const char* message, std::uint32_t retry_after_ms) {
  std::lock_guard lock(mutex_);
  if (closed() || failure_) return;  // the first failure wins
  if (status == SSCSI_OK) {
    violate(
        fmt::format("provider {} called set_error with SSCSI_OK; a failure needs an error "
                    "code",
                    provider_));
    return;
  }
  const auto error_code = error_code_from_status(status);
  if (!error_code) {
    violate(fmt::format("provider {} reported an unknown status code {}", provider_, status));
    return;
  }
  if (message == nullptr || *message == '\0') {
    violate(fmt::format("provider {} reported error {} without a message", provider_,
                        error_code_name(*error_code)));
    return;
  }
  // Every answer error names its provider, whether the host or the plugin wrote it.
  failure_ =
      MountError{*error_code, fmt::format("provider {}: {}", provider_, clean_plugin_text(message)),
                 std::chrono::milliseconds(retry_after_ms)};
  plugin_status_ = static_cast<sscsi_status>(status);  // a known code, checked above
}

void AnswerCollector::set_share_scope(int scope) {
  std::lock_guard lock(mutex_);
  if (closed()) return;
  unknown_share_scope_.reset();
  switch (scope) {
    case SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT:
      share_scope_ = ShareScope::NamespaceServiceAccount;
      break;
    case SSCSI_SHARE_SAME_SECRETS:
      share_scope_ = ShareScope::SameSecrets;
      break;
    case SSCSI_SHARE_NODE:
      share_scope_ = ShareScope::Node;
      break;
    case SSCSI_SHARE_NEVER:
      share_scope_ = ShareScope::Never;
      break;
    default:  // a value this host does not know: the contract says NEVER
      share_scope_ = ShareScope::Never;
      unknown_share_scope_ = scope;
      break;
  }
}

std::optional<int> AnswerCollector::unknown_share_scope() const {
  std::lock_guard lock(mutex_);
  return unknown_share_scope_;
}

void AnswerCollector::fail_contract(std::string message) {
  std::lock_guard lock(mutex_);
  if (!closed()) violate(std::move(message));
}

void AnswerCollector::mark_host_failure() noexcept { host_failed_.store(true); }

void AnswerCollector::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

MountAnswer AnswerCollector::result() {
  std::lock_guard lock(mutex_);
  MountAnswer answer;
  answer.share_scope = share_scope_;
  if (host_failed_.load()) {
    answer.error = MountError{ErrorCode::Internal,
                              fmt::format("the host failed while copying the answer of provider "
                                          "{} (out of memory)",
                                          provider_),
                              {}};
    return answer;
  }
  if (!failure_ && versions_.empty()) {
    violate(
        fmt::format("provider {} answered with no object versions; a successful answer "
                    "records at least one",
                    provider_));
  }
  if (failure_) {
    answer.error = *failure_;
    return answer;
  }
  answer.ok = true;
  answer.files.reserve(files_.size());
  for (auto& [path, file] : files_) answer.files.push_back(std::move(file));
  files_.clear();
  answer.versions = versions_;
  return answer;
}

}  // namespace sscsi::plugins
