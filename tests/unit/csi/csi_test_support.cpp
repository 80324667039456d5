#include "csi_test_support.h"

#include <stdlib.h>

#include <stdexcept>

#include <spdlog/sinks/ostream_sink.h>

#include "csi/volume_context_keys.h"

namespace sscsi::csi::testing {

TempDir::TempDir() {
  std::string pattern = "/tmp/sscsi-csi-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

publish::Status FakePublisher::publish(const publish::PublishRequest& request,
                                       std::chrono::system_clock::time_point deadline) {
  std::function<void(const publish::PublishRequest&)> action;
  publish::Status answer;
  std::string throw_what;
  {
    std::unique_lock lock(mutex_);
    published_.push_back(request);
    deadlines_.push_back(deadline);
    ++arrivals_;
    ++running_;
    peak_ = std::max(peak_, running_);
    arrived_.notify_all();
    if (hold_count_ > 0) {
      arrived_.wait_for(lock, std::chrono::seconds(60),
                        [&] { return hold_count_ == 0 || arrivals_ >= hold_count_; });
    }
    action = action_;
    answer = answer_;
    throw_what = throw_what_;
  }
  if (action) action(request);
  {
    std::lock_guard lock(mutex_);
    --running_;
  }
  if (!throw_what.empty()) throw std::runtime_error(throw_what);
  return answer;
}

publish::Status FakePublisher::unpublish(const std::string& volume_id,
                                         const std::string& target_path) {
  std::lock_guard lock(mutex_);
  unpublished_.emplace_back(volume_id, target_path);
  return answer_;
}

void FakePublisher::answer(publish::Status status) {
  std::lock_guard lock(mutex_);
  answer_ = std::move(status);
}

void FakePublisher::throw_on_publish(std::string what) {
  std::lock_guard lock(mutex_);
  throw_what_ = std::move(what);
}

void FakePublisher::hold_until(int count) {
  std::lock_guard lock(mutex_);
  hold_count_ = count;
}

void FakePublisher::release_held() {
  std::lock_guard lock(mutex_);
  hold_count_ = 0;
  arrived_.notify_all();
}

void FakePublisher::on_publish(std::function<void(const publish::PublishRequest&)> action) {
  std::lock_guard lock(mutex_);
  action_ = std::move(action);
}

std::vector<publish::PublishRequest> FakePublisher::published() const {
  std::lock_guard lock(mutex_);
  return published_;
}

std::vector<std::chrono::system_clock::time_point> FakePublisher::deadlines() const {
  std::lock_guard lock(mutex_);
  return deadlines_;
}

std::vector<std::pair<std::string, std::string>> FakePublisher::unpublished() const {
  std::lock_guard lock(mutex_);
  return unpublished_;
}

int FakePublisher::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

int FakePublisher::peak_concurrency() const {
  std::lock_guard lock(mutex_);
  return peak_;
}

CapturedLog::CapturedLog() : stream_(std::make_shared<std::ostringstream>()) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*stream_);
  logger = std::make_shared<spdlog::logger>("csi-test", sink);
  logger->set_level(spdlog::level::trace);
  logger->flush_on(spdlog::level::trace);
}

std::string CapturedLog::text() const {
  // A handler writes its line before it answers, so once a test has its answers every line of
  // those calls is in the stream.
  logger->flush();
  return stream_->str();
}

CsiServerOptions server_options(const TempDir& dir, const CapturedLog& log,
                                const std::string& socket_name) {
  CsiServerOptions options;
  options.endpoint = "unix://" + (dir.path() / socket_name).string();
  options.driver_name = "secrets-store.csi.k8s.io";
  options.version = "9.8.7-test";
  options.node_id = "node-under-test";
  options.logger = log.logger;
  return options;
}

std::shared_ptr<grpc::Channel> connect(const std::filesystem::path& socket) {
  return grpc::CreateChannel("unix:" + socket.string(), grpc::InsecureChannelCredentials());
}

std::unique_ptr<grpc::ClientContext> context_with_timeout(std::chrono::milliseconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

std::string kubelet_target(const std::string& kubelet_root, const std::string& uid,
                           const std::string& volume_name) {
  return kubelet_root + "/pods/" + uid + "/volumes/kubernetes.io~csi/" + volume_name + "/mount";
}

::csi::v1::NodePublishVolumeRequest valid_publish_request(const std::string& kubelet_root,
                                                          const std::string& uid,
                                                          const std::string& volume_name) {
  ::csi::v1::NodePublishVolumeRequest request;
  request.set_volume_id("csi-0123456789abcdef");
  request.set_target_path(kubelet_target(kubelet_root, uid, volume_name));
  request.set_readonly(true);
  auto* capability = request.mutable_volume_capability();
  capability->mutable_mount();
  capability->mutable_access_mode()->set_mode(
      ::csi::v1::VolumeCapability::AccessMode::SINGLE_NODE_READER_ONLY);
  auto& context = *request.mutable_volume_context();
  context[std::string(keys::kSecretProviderClass)] = "azure-kv";
  context[std::string(keys::kPodName)] = "web-0";
  context[std::string(keys::kPodNamespace)] = "default";
  context[std::string(keys::kPodUid)] = uid;
  context[std::string(keys::kServiceAccountName)] = "default";
  context[std::string(keys::kEphemeral)] = "true";
  return request;
}

}  // namespace sscsi::csi::testing
