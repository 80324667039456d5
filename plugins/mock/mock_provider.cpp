#include "mock_provider.h"

#include <cstddef>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "call_cancellation.h"
#include "content_file.h"
#include "content_version.h"
#include "injected_latency.h"
#include "mount_error.h"
#include "mount_parameters.h"
#include "quote.h"
#include "status_names.h"
#include "wiped_bytes.h"

namespace sscsi::mock {
namespace {

// Where each ABI 1.0 table ends: a table the other side built must reach this far (struct_size)
// before its 1.0 members may be used.
constexpr std::size_t kHostApiEnd =
    offsetof(sscsi_host_api, call_cancelled) + sizeof(sscsi_host_api::call_cancelled);
constexpr std::size_t kRequestEnd = offsetof(sscsi_mount_request, n_current_versions) +
                                    sizeof(sscsi_mount_request::n_current_versions);
constexpr std::size_t kSinkEnd =
    offsetof(sscsi_mount_sink, set_share_scope) + sizeof(sscsi_mount_sink::set_share_scope);
constexpr std::size_t kSinkSetErrorEnd =
    offsetof(sscsi_mount_sink, set_error) + sizeof(sscsi_mount_sink::set_error);

constexpr const char* kObjectVersionPrefix = "mock/";

void log(const sscsi_host_api& host, sscsi_log_level level, const std::string& message) {
  if (host.log_enabled(host.host_ctx, level)) host.log(host.host_ctx, level, message.c_str());
}

// Throws the injected failure unless failFirst has been used up for this target path.
void inject_failure(const InjectedFailure& failure, CallCounter& calls, const char* target_path) {
  if (failure.first_calls) {
    const std::uint64_t call = calls.next(target_path == nullptr ? "" : target_path);
    if (call > *failure.first_calls) return;
  }
  throw MountError(failure.code, failure.message, failure.retry_after_ms);
}

void stop_if_cancelled(const CallCancellation& cancellation) {
  if (const auto reason = cancellation.reason()) {
    throw MountError(SSCSI_DEADLINE_EXCEEDED,
                     std::string("gave up before reading object contents: ") + *reason);
  }
}

}  // namespace

std::unique_ptr<MockProvider> MockProvider::create(const sscsi_host_api& host,
                                                   const char* config_json) {
  if (host.struct_size < kHostApiEnd) {
    throw std::runtime_error("the host's service table is smaller than ABI 1.0 (struct_size " +
                             std::to_string(host.struct_size) + ")");
  }
  ProviderConfig config = parse_provider_config(config_json);

  static const char* const kLabels[] = {"result"};
  std::uint32_t metric_id = 0;
  const sscsi_status defined = host.metric_define(
      host.host_ctx, SSCSI_METRIC_COUNTER, kMountMetricName,
      "Mount calls answered by the mock provider, by result (ok or the error code).", kLabels, 1,
      nullptr, 0, &metric_id);
  if (defined != SSCSI_OK) {
    throw std::runtime_error(std::string("the host refused to define metric ") + kMountMetricName +
                             " (" + std::string(status_name(defined)) + ")");
  }

  for (const std::filesystem::path& dir : config.allowed_content_dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      log(host, SSCSI_LOG_WARN,
          "allowedContentDirs entry " + quote(dir.string()) +
              " is not an existing directory; contentFile objects under it fail with NotFound "
              "until it is");
    }
  }
  log(host, SSCSI_LOG_INFO,
      "mock provider ready; contentFile allowed under " +
          std::to_string(config.allowed_content_dirs.size()) + " directories");
  return std::unique_ptr<MockProvider>(new MockProvider(host, std::move(config), metric_id));
}

MockProvider::MockProvider(const sscsi_host_api& host, ProviderConfig config,
                           std::uint32_t metric_id)
    : host_(host), config_(std::move(config)), mount_metric_(metric_id) {}

void MockProvider::mount(const sscsi_mount_request* request, const sscsi_mount_sink& sink) {
  Outcome outcome;
  if (sink.struct_size < kSinkEnd) {
    outcome.status = SSCSI_INTERNAL;
    if (sink.struct_size >= kSinkSetErrorEnd) {
      sink.set_error(sink.sink_ctx, SSCSI_INTERNAL,
                     "the host's mount sink is smaller than ABI 1.0; the mock provider cannot "
                     "answer through it",
                     0);
    }
  } else {
    // The answer depends only on the parameters and the node's files, never on the pod, but
    // failFirst counts per volume: by default sharing stays within one namespace and service
    // account. The shareScope parameter chooses another scope once the parameters are read.
    sink.set_share_scope(sink.sink_ctx, SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT);
    if (request == nullptr || request->struct_size < kRequestEnd) {
      outcome.status = SSCSI_INTERNAL;
      sink.set_error(sink.sink_ctx, SSCSI_INTERNAL,
                     "the host's mount request is missing or smaller than ABI 1.0", 0);
    } else {
      outcome = answer(*request, sink);
    }
  }
  record(outcome);
}

MockProvider::Outcome MockProvider::answer(const sscsi_mount_request& request,
                                           const sscsi_mount_sink& sink) {
  Outcome outcome;
  try {
    const MountParameters parameters =
        parse_mount_parameters(request.attributes_json, parsed_objects_);
    sink.set_share_scope(sink.sink_ctx, parameters.share_scope);
    outcome.objects = parameters.objects->size();
    const CallCancellation cancellation(host_, request);
    wait_injected_latency(parameters.latency, cancellation);
    if (parameters.failure) {
      inject_failure(*parameters.failure, calls_per_target_, request.target_path);
    }

    // Everything is read before anything is handed over, so a missing file fails the mount
    // without a half-built answer.
    std::vector<WipedBytes> contents;
    contents.reserve(parameters.objects->size());
    stop_if_cancelled(cancellation);
    for (const ObjectSpec& object : *parameters.objects) {
      if (object.content) {
        contents.emplace_back(*object.content);
      } else {
        stop_if_cancelled(cancellation);
        contents.push_back(
            read_content_file(*object.content_file, config_.allowed_content_dirs, object.label()));
      }
    }

    for (std::size_t i = 0; i < parameters.objects->size(); ++i) {
      const ObjectSpec& object = (*parameters.objects)[i];
      const WipedBytes& bytes = contents[i];
      const std::uint32_t mode = object.mode.value_or(request.default_file_mode);
      // A refusal means the host has already failed the answer and said why: stop.
      outcome.status = sink.add_file(sink.sink_ctx, object.output_path.c_str(), mode, bytes.data(),
                                     bytes.size());
      if (outcome.status != SSCSI_OK) return outcome;
      const std::string id = kObjectVersionPrefix + object.output_path;
      const std::string version =
          object.version.empty() ? content_version(bytes.view()) : object.version;
      outcome.status = sink.add_object_version(sink.sink_ctx, id.c_str(), version.c_str());
      if (outcome.status != SSCSI_OK) return outcome;
    }
  } catch (const MountError& e) {
    sink.set_error(sink.sink_ctx, e.code(), e.what(), e.retry_after_ms());
    outcome.status = e.code();
  } catch (const std::exception& e) {
    sink.set_error(sink.sink_ctx, SSCSI_INTERNAL,
                   (std::string("mock provider failed unexpectedly: ") + e.what()).c_str(), 0);
    outcome.status = SSCSI_INTERNAL;
  }
  return outcome;
}

void MockProvider::record(const Outcome& outcome) {
  const std::string result(status_name(outcome.status));
  const char* const labels[] = {result.c_str()};
  // A refused sample cannot be reported anywhere better than the host's own log: ignore it.
  (void)host_.metric_record(host_.host_ctx, mount_metric_, labels, 1, 1.0);
  log(host_, SSCSI_LOG_DEBUG,
      "mount: " + std::to_string(outcome.objects) +
          (outcome.objects == 1 ? " object" : " objects") + ", outcome " + result);
}

}  // namespace sscsi::mock
