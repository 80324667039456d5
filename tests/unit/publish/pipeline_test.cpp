// The publish pipeline with real tmpfs mounts, the real writer and state store, a
// SecretProviderClass file source, and a scripted in-process provider.
#include "publish/pipeline.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>

#include <fmt/format.h>

#include "kube/spc_file_source.h"
#include "metrics/registry.h"
#include "mount/platform.h"

namespace sscsi::publish {
namespace {

namespace fs = std::filesystem;
using Code = Status::Code;

// A provider whose answer the test sets; counts its calls and records what it was sent.
class ScriptedProvider final : public plugins::Provider {
 public:
  const std::string& name() const override { return name_; }
  const std::string& version() const override { return name_; }
  const std::string& path() const override { return name_; }
  std::string config_schema() const override { return {}; }
  std::string health() const override { return {}; }
  plugins::MountAnswer mount(const plugins::MountCall& call) override {
    std::unique_lock lock(mutex);
    ++calls;
    last_call.emplace(call);  // MountCall is not assignable (it would free its texts unwiped)
    if (hang) {
      // Until its caller stops the call (answered as the plugin facade does) or its deadline.
      hanging = true;
      changed.notify_all();
      changed.wait_until(lock, call.stop, call.deadline, [] { return false; });
      hanging = false;
      if (call.stop.stop_requested()) return error(plugins::ErrorCode::Cancelled, "cancelled");
    }
    return answer;
  }

  static plugins::MountAnswer files(std::initializer_list<std::pair<std::string, std::string>> f,
                                    const std::string& version = "v1") {
    plugins::MountAnswer a;
    a.ok = true;
    for (const auto& [path, content] : f) {
      a.files.push_back({path, 0644, mount::SecretBytes(content.begin(), content.end())});
    }
    a.versions.push_back({"secret/" + version, version});
    return a;
  }

  static plugins::MountAnswer error(plugins::ErrorCode code, std::string message) {
    plugins::MountAnswer a;
    a.error = {code, std::move(message), {}};
    return a;
  }

  std::mutex mutex;
  std::condition_variable_any changed;
  bool hang = false;
  bool hanging = false;
  int calls = 0;
  std::optional<plugins::MountCall> last_call;
  plugins::MountAnswer answer = files({{"password", "p1"}});

 private:
  std::string name_ = "scripted";
};

// A cluster whose answers the test sets; records what it was told.
class ScriptedLink final : public kube::ClusterLink {
 public:
  std::optional<kube::LinkError> check_pod(const kube::PodRef& pod) override {
    std::lock_guard lock(mutex);
    checked.push_back(pod);
    return pod_error;
  }
  std::optional<kube::LinkError> mounted(const kube::MountedVolume& volume) override {
    std::lock_guard lock(mutex);
    ++mounted_calls;
    last_refresh = volume.refresh;
    last_changed = volume.content_changed;
    const auto password = volume.files("password");
    last_password = password ? std::string(*password) : "<missing>";
    last_objects = volume.objects;
    return mounted_error;
  }
  void refresh_failed(const kube::PodRef& pod, const std::string& message) override {
    std::lock_guard lock(mutex);
    failures.push_back(pod.name + ": " + message);
  }

  std::mutex mutex;
  std::optional<kube::LinkError> pod_error;
  std::optional<kube::LinkError> mounted_error;
  std::vector<kube::PodRef> checked;
  int mounted_calls = 0;
  bool last_refresh = false;
  bool last_changed = false;
  std::string last_password;
  std::vector<std::pair<std::string, std::string>> last_objects;
  std::vector<std::string> failures;
};

PipelineOptions rotating(std::chrono::milliseconds interval) {
  PipelineOptions options;
  options.rotation_enabled = true;
  options.rotation_poll_interval = interval;
  return options;
}

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "sscsi-pipeline-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ / "spc");
    target_ = root_ / "pods" / "uid-1" / "volumes" / "kubernetes.io~csi" / "secrets" / "mount";
    fs::create_directories(target_.parent_path());
    std::ofstream(root_ / "spc" / "app.yaml")
        << "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n"
           "metadata: {name: app, namespace: team}\n"
           "spec: {provider: scripted, parameters: {objects: x, region: west}}\n"
           "---\napiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n"
           "metadata: {name: noparams, namespace: team}\nspec: {provider: scripted}\n"
           "---\napiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n"
           "metadata: {name: unknown, namespace: team}\n"
           "spec: {provider: vault, parameters: {a: b}}\n";
    auto provider = std::make_unique<ScriptedProvider>();
    provider_ = provider.get();
    providers_.add(std::move(provider));
    classes_ = std::make_unique<kube::SpcFileSource>(root_ / "spc");
    state_ = std::make_unique<mount::StateStore>(root_ / "state");
    publish_metrics_ = std::make_unique<PublishMetrics>(metrics_);
    make_pipeline({});
  }

  void TearDown() override {
    for (int i = 0; i < 3 && mount::platform::is_mount_point(target_); ++i) {
      umount2(target_.c_str(), MNT_DETACH);
    }
    fs::remove_all(root_);
  }

  void make_pipeline(PipelineOptions options) {
    options.tmpfs_size_bytes = 1 << 20;
    pipeline_ = std::make_unique<Pipeline>(options, *classes_, link_, providers_, *state_,
                                           *publish_metrics_);
  }

  PublishRequest request(const std::string& spc = "app") const {
    PublishRequest r;
    r.volume_id = "vol-1";
    r.target_path = target_.string();
    r.volume_context = {{"secretProviderClass", spc},
                        {"csi.storage.k8s.io/pod.name", "web-0"},
                        {"csi.storage.k8s.io/pod.namespace", "team"},
                        {"csi.storage.k8s.io/pod.uid", "uid-1"},
                        {"csi.storage.k8s.io/serviceAccount.name", "web"},
                        {"region", "east"}};
    r.secrets = {{"clientid", "id-1"}};
    return r;
  }

  Status publish(const PublishRequest& r) {
    return pipeline_->publish(r, std::chrono::system_clock::now() + std::chrono::seconds(10));
  }

  std::string read(const std::string& name) const {
    std::ifstream in(target_ / name);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  bool target_is_pristine() const {
    return !mount::platform::is_mount_point(target_) && !fs::exists(target_) &&
           !state_->load(target_.string()).has_value();
  }

  fs::path root_;
  fs::path target_;
  plugins::Registry providers_;
  ScriptedProvider* provider_ = nullptr;
  std::unique_ptr<kube::SpcFileSource> classes_;
  ScriptedLink link_;
  std::unique_ptr<mount::StateStore> state_;
  metrics::Registry metrics_;
  std::unique_ptr<PublishMetrics> publish_metrics_;
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(PipelineTest, FirstMountWritesFilesOnTmpfsAndRecordsIt) {
  const Status status = publish(request());
  ASSERT_TRUE(status.ok()) << status.message;
  EXPECT_TRUE(mount::platform::is_mount_point(target_));
  EXPECT_EQ(read("password"), "p1");
  const auto record = state_->load(target_.string());
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->provider, "scripted");
  EXPECT_EQ(record->secret_provider_class, "app");
  EXPECT_EQ(record->pod_name, "web-0");
  EXPECT_EQ(record->service_account, "web");
  ASSERT_EQ(record->objects.size(), 1u);
  EXPECT_EQ(record->objects[0].version, "v1");
  EXPECT_NE(metrics_.expose().find("node_publish_total{provider=\"scripted\",os_type=\"linux\"} 1"),
            std::string::npos);
}

TEST_F(PipelineTest, ProviderSeesParametersOverlaidWithVolumeContext) {
  ASSERT_TRUE(publish(request()).ok());
  EXPECT_EQ(provider_->last_call->attributes_json,
            "{\"csi.storage.k8s.io/pod.name\":\"web-0\",\"csi.storage.k8s.io/pod.namespace\":"
            "\"team\",\"csi.storage.k8s.io/pod.uid\":\"uid-1\",\"csi.storage.k8s.io/"
            "serviceAccount.name\":\"web\",\"objects\":\"x\",\"region\":\"east\","
            "\"secretProviderClass\":\"app\"}");
  EXPECT_EQ(provider_->last_call->secrets_json, "{\"clientid\":\"id-1\"}");
  EXPECT_EQ(provider_->last_call->default_file_mode, 0644u);
  EXPECT_TRUE(provider_->last_call->current_versions.empty());
}

TEST_F(PipelineTest, RepublishWithoutRotationIsIdempotentAndCallsNoProvider) {
  ASSERT_TRUE(publish(request()).ok());
  ASSERT_TRUE(publish(request()).ok());
  EXPECT_EQ(provider_->calls, 1);
}

TEST_F(PipelineTest, RepublishWithRotationRefreshesOncePerInterval) {
  make_pipeline(rotating(std::chrono::hours(1)));
  ASSERT_TRUE(publish(request()).ok());
  ASSERT_TRUE(publish(request()).ok());
  EXPECT_EQ(provider_->calls, 1) << "inside the interval nothing is fetched";

  make_pipeline(rotating(std::chrono::milliseconds(0)));
  provider_->answer = ScriptedProvider::files({{"password", "p2"}}, "v2");
  ASSERT_TRUE(publish(request()).ok());
  EXPECT_EQ(provider_->calls, 2);
  EXPECT_EQ(read("password"), "p2");
  ASSERT_EQ(provider_->last_call->current_versions.size(), 1u);
  EXPECT_EQ(provider_->last_call->current_versions[0].version, "v1");
  EXPECT_EQ(state_->load(target_.string())->objects[0].version, "v2");
}

TEST_F(PipelineTest, UnchangedRefreshSwapsNothing) {
  make_pipeline(rotating(std::chrono::milliseconds(0)));
  ASSERT_TRUE(publish(request()).ok());
  const fs::path before = fs::read_symlink(target_ / "..data");
  ASSERT_TRUE(publish(request()).ok());
  EXPECT_EQ(fs::read_symlink(target_ / "..data"), before);
  EXPECT_NE(metrics_.expose().find("rotation_reconcile_total{provider=\"scripted\",os_type="
                                   "\"linux\",rotated=\"false\"} 1"),
            std::string::npos);
}

TEST_F(PipelineTest, FailedRefreshKeepsOldContentAndAnswersOk) {
  make_pipeline(rotating(std::chrono::milliseconds(0)));
  ASSERT_TRUE(publish(request()).ok());
  provider_->answer = ScriptedProvider::error(plugins::ErrorCode::Throttled, "slow down");
  const Status status = publish(request());
  EXPECT_TRUE(status.ok()) << "a failed refresh must not make the kubelet tear the volume down";
  EXPECT_EQ(read("password"), "p1");
  EXPECT_TRUE(mount::platform::is_mount_point(target_));
  EXPECT_NE(
      metrics_.expose().find("rotation_reconcile_error_total{provider=\"scripted\","
                             "error_type=\"Throttled\",os_type=\"linux\",rotated=\"false\"} 1"),
      std::string::npos);
}

TEST_F(PipelineTest, FailedFirstMountLeavesNothingBehind) {
  provider_->answer = ScriptedProvider::error(plugins::ErrorCode::NotFound, "no secret db");
  const Status status = publish(request());
  EXPECT_EQ(status.code, Code::NotFound);
  EXPECT_EQ(status.message, "no secret db");
  EXPECT_TRUE(target_is_pristine());
  EXPECT_NE(metrics_.expose().find("node_publish_error_total{provider=\"scripted\",error_type="
                                   "\"NotFound\",os_type=\"linux\"} 1"),
            std::string::npos);
  // The kubelet's retry starts from scratch and succeeds (no stale "already mounted" skip).
  provider_->answer = ScriptedProvider::files({{"password", "p1"}});
  ASSERT_TRUE(publish(request()).ok());
  EXPECT_EQ(read("password"), "p1");
}

TEST_F(PipelineTest, FailedFirstMountKeepsADirectoryTheKubeletMade) {
  fs::create_directory(target_);
  provider_->answer = ScriptedProvider::error(plugins::ErrorCode::Unavailable, "down");
  EXPECT_EQ(publish(request()).code, Code::Unavailable);
  EXPECT_TRUE(fs::is_directory(target_));
  EXPECT_FALSE(mount::platform::is_mount_point(target_));
  EXPECT_FALSE(state_->load(target_.string()).has_value());
}

TEST_F(PipelineTest, MissingParentDirectoryIsReportedAndNothingIsCreated) {
  fs::remove_all(target_.parent_path());
  const Status status = publish(request());
  EXPECT_EQ(status.code, Code::FailedPrecondition);
  EXPECT_EQ(status.message, "the parent directory of " + target_.string() + " does not exist");
  EXPECT_FALSE(fs::exists(target_.parent_path()));
  EXPECT_EQ(provider_->calls, 0);
}

TEST_F(PipelineTest, AnswerTheWriterRefusesLeavesNothingBehind) {
  provider_->answer = ScriptedProvider::files({{"a", "x"}, {"a/b", "y"}});
  const Status status = publish(request());
  EXPECT_EQ(status.code, Code::ResourceExhausted);
  EXPECT_EQ(status.message.rfind("writing the files into " + target_.string() + " failed: ", 0), 0u)
      << status.message;
  EXPECT_TRUE(target_is_pristine());
}

TEST_F(PipelineTest, ProviderErrorsMapToCsiCodes) {
  const std::pair<plugins::ErrorCode, Code> cases[] = {
      {plugins::ErrorCode::InvalidParameters, Code::InvalidArgument},
      {plugins::ErrorCode::NotFound, Code::NotFound},
      {plugins::ErrorCode::Unauthorized, Code::PermissionDenied},
      {plugins::ErrorCode::Throttled, Code::ResourceExhausted},
      {plugins::ErrorCode::Unavailable, Code::Unavailable},
      {plugins::ErrorCode::Internal, Code::Internal},
      {plugins::ErrorCode::DeadlineExceeded, Code::DeadlineExceeded},
      {plugins::ErrorCode::InvalidAnswer, Code::Internal},
  };
  for (const auto& [from, to] : cases) {
    provider_->answer = ScriptedProvider::error(from, "e");
    EXPECT_EQ(publish(request()).code, to) << plugins::error_code_name(from);
    EXPECT_TRUE(target_is_pristine());
  }
}

TEST_F(PipelineTest, ClassProblemsAreReportedBeforeAnythingIsMounted) {
  Status status = publish(request("missing"));
  EXPECT_EQ(status.code, Code::NotFound);
  EXPECT_EQ(status.message,
            "SecretProviderClass team/missing not found in " + (root_ / "spc").string());
  status = publish(request("noparams"));
  EXPECT_EQ(status.code, Code::InvalidArgument);
  EXPECT_EQ(status.message, "SecretProviderClass team/noparams has no spec.parameters");
  status = publish(request("unknown"));
  EXPECT_EQ(status.code, Code::NotFound);
  EXPECT_EQ(status.message,
            "provider 'vault' named by SecretProviderClass team/unknown is not loaded (loaded: "
            "scripted)");
  EXPECT_EQ(provider_->calls, 0);
  EXPECT_TRUE(target_is_pristine());
}

TEST_F(PipelineTest, ForeignMountPointIsNeitherMountedOverNorUnmounted) {
  fs::create_directory(target_);
  mount::platform::mount_tmpfs(target_, 4096);
  Status status = publish(request());
  EXPECT_EQ(status.code, Code::FailedPrecondition);
  EXPECT_EQ(status.message, target_.string() +
                                " is already a mount point that sscsi did not make; refusing to "
                                "mount over it");
  status = pipeline_->unpublish("vol-1", target_.string());
  EXPECT_EQ(status.code, Code::FailedPrecondition);
  EXPECT_TRUE(mount::platform::is_mount_point(target_));
}

TEST_F(PipelineTest, TargetThatIsASymlinkIsRefusedAndNothingIsMounted) {
  const fs::path elsewhere = root_ / "elsewhere";
  fs::create_directory(elsewhere);
  fs::create_directory_symlink(elsewhere, target_);
  const Status status = publish(request());
  EXPECT_EQ(status.code, Code::FailedPrecondition);
  EXPECT_EQ(status.message, target_.string() + " is a symbolic link; refusing to mount through it");
  EXPECT_FALSE(mount::platform::is_mount_point(elsewhere));
  EXPECT_EQ(provider_->calls, 0);
}

TEST_F(PipelineTest, UnpublishRemovesEverythingAndIsIdempotent) {
  ASSERT_TRUE(publish(request()).ok());
  ASSERT_TRUE(pipeline_->unpublish("vol-1", target_.string()).ok());
  EXPECT_TRUE(target_is_pristine());
  EXPECT_TRUE(pipeline_->unpublish("vol-1", target_.string()).ok());
}

TEST_F(PipelineTest, UnpublishNeverEmptiesADirectoryItDidNotWrite) {
  fs::create_directory(target_);
  std::ofstream(target_ / "precious") << "keep me";
  const Status status = pipeline_->unpublish("vol-1", target_.string());
  EXPECT_EQ(status.code, Code::FailedPrecondition);
  EXPECT_EQ(read("precious"), "keep me");
}

TEST_F(PipelineTest, UnfinishedMountFromACrashIsRedoneFromScratch) {
  // What a host killed between mounting the tmpfs and the provider's answer leaves behind.
  fs::create_directory(target_);
  mount::MountRecord pending;
  pending.target_path = target_.string();
  pending.provider = "scripted";
  state_->save(pending);
  mount::platform::mount_tmpfs(target_, 4096);
  const Status status = publish(request());
  ASSERT_TRUE(status.ok()) << status.message;
  EXPECT_EQ(read("password"), "p1");
  EXPECT_EQ(state_->load(target_.string())->objects.size(), 1u);
  ASSERT_TRUE(pipeline_->unpublish("vol-1", target_.string()).ok());
  EXPECT_FALSE(mount::platform::is_mount_point(target_)) << "no stacked mount left behind";
}

TEST_F(PipelineTest, ClusterIsToldAboutAFirstMountWithTheWrittenFiles) {
  ASSERT_TRUE(publish(request()).ok());
  ASSERT_EQ(link_.checked.size(), 1u);
  EXPECT_EQ(link_.checked[0].namespace_name, "team");
  EXPECT_EQ(link_.checked[0].name, "web-0");
  EXPECT_EQ(link_.checked[0].uid, "uid-1");
  EXPECT_EQ(link_.mounted_calls, 1);
  EXPECT_FALSE(link_.last_refresh);
  EXPECT_EQ(link_.last_password, "p1");
  ASSERT_EQ(link_.last_objects.size(), 1u);
  EXPECT_EQ(link_.last_objects[0].first, "secret/v1");
}

TEST_F(PipelineTest, PodCheckFailureStopsBeforeAnythingIsMounted) {
  link_.pod_error = kube::LinkError{kube::LinkError::Kind::Mismatch, "PodNotFound",
                                    "pod team/web-0 has uid other, not uid-1"};
  const Status status = publish(request());
  EXPECT_EQ(status.code, Code::FailedPrecondition);
  EXPECT_EQ(status.message, "pod team/web-0 has uid other, not uid-1");
  EXPECT_EQ(provider_->calls, 0);
  EXPECT_TRUE(target_is_pristine());
}

TEST_F(PipelineTest, ClusterFailureAfterWritingUndoesTheFirstMount) {
  link_.mounted_error = kube::LinkError{kube::LinkError::Kind::Conflict, "FailedToCreateSecret",
                                        "Secret team/db exists and is not managed"};
  const Status status = publish(request());
  EXPECT_EQ(status.code, Code::FailedPrecondition);
  EXPECT_EQ(status.message, "Secret team/db exists and is not managed");
  EXPECT_TRUE(target_is_pristine());
  link_.mounted_error.reset();
  ASSERT_TRUE(publish(request()).ok());  // the kubelet's retry starts from scratch
  EXPECT_EQ(read("password"), "p1");
}

TEST_F(PipelineTest, RefreshReportsChangedContentAndFailures) {
  make_pipeline(rotating(std::chrono::milliseconds(0)));
  ASSERT_TRUE(publish(request()).ok());
  ASSERT_TRUE(publish(request()).ok());  // same content
  EXPECT_TRUE(link_.last_refresh);
  EXPECT_FALSE(link_.last_changed);
  provider_->answer = ScriptedProvider::files({{"password", "p2"}}, "v2");
  ASSERT_TRUE(publish(request()).ok());
  EXPECT_TRUE(link_.last_changed);
  EXPECT_EQ(link_.last_password, "p2");
  EXPECT_EQ(link_.mounted_calls, 3);
  EXPECT_EQ(link_.checked.size(), 1u);  // the pod is checked before a first mount only

  provider_->answer = ScriptedProvider::error(plugins::ErrorCode::Unavailable, "vault down");
  ASSERT_TRUE(publish(request()).ok());  // masked, as upstream
  ASSERT_EQ(link_.failures.size(), 1u);
  EXPECT_EQ(link_.failures[0], "web-0: vault down");
  EXPECT_EQ(read("password"), "p2");

  // A sync failure during a refresh keeps the new files and is not a publish failure either.
  provider_->answer = ScriptedProvider::files({{"password", "p3"}}, "v3");
  link_.mounted_error =
      kube::LinkError{kube::LinkError::Kind::Unavailable, "FailedToRotate", "apiserver down"};
  ASSERT_TRUE(publish(request()).ok());
  EXPECT_EQ(read("password"), "p3");
}

}  // namespace
}  // namespace sscsi::publish

namespace sscsi::publish {
namespace {

// Records what the pipeline tells the rotation scheduler; can claim a target is backing off.
class RecordingObserver final : public RefreshObserver {
 public:
  void remembered(const PublishRequest& request) override {
    events.push_back("remembered " + request.volume_context.at("csi.storage.k8s.io/pod.name"));
  }
  void refreshed(const std::string&) override { events.push_back("refreshed"); }
  void failed(const std::string&, std::chrono::milliseconds retry_after) override {
    events.push_back(fmt::format("failed {}", retry_after.count()));
  }
  void unmounted(const std::string&) override { events.push_back("unmounted"); }
  bool backing_off(const std::string&) override { return backing; }

  std::vector<std::string> events;
  bool backing = false;
};

TEST_F(PipelineTest, RefreshOfAnUnknownTargetIsNotFound) {
  const RefreshOutcome outcome = pipeline_->refresh(target_.string(), true);
  EXPECT_EQ(outcome.status.code, Code::NotFound);
  EXPECT_NE(outcome.status.message.find(target_.string()), std::string::npos);
  EXPECT_EQ(provider_->calls, 0);
}

TEST_F(PipelineTest, RefreshAfterARestartNeedsTheKubeletsRepublish) {
  ASSERT_TRUE(publish(request()).ok());
  make_pipeline(rotating(std::chrono::milliseconds(0)));  // a new host: nothing remembered
  RefreshOutcome outcome = pipeline_->refresh(target_.string(), true);
  EXPECT_EQ(outcome.status.code, Code::NotFound);
  EXPECT_NE(outcome.status.message.find("republish"), std::string::npos);
  EXPECT_EQ(provider_->calls, 1);
  ASSERT_TRUE(publish(request()).ok());  // the republish is remembered
  outcome = pipeline_->refresh(target_.string(), true);
  EXPECT_TRUE(outcome.status.ok()) << outcome.status.message;
}

TEST_F(PipelineTest, ForcedRefreshSendsTheRememberedRequestAndReportsRotation) {
  make_pipeline(rotating(std::chrono::hours(1)));
  ASSERT_TRUE(publish(request()).ok());
  RefreshOutcome outcome = pipeline_->refresh(target_.string(), false);
  EXPECT_TRUE(outcome.skipped) << "not due inside the poll interval";
  EXPECT_EQ(provider_->calls, 1);

  provider_->answer = ScriptedProvider::files({{"password", "p2"}}, "v2");
  outcome = pipeline_->refresh(target_.string(), true);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.message;
  EXPECT_TRUE(outcome.rotated);
  EXPECT_EQ(read("password"), "p2");
  EXPECT_EQ(provider_->last_call->secrets_json, "{\"clientid\":\"id-1\"}");
  ASSERT_EQ(provider_->last_call->current_versions.size(), 1u);
  EXPECT_EQ(provider_->last_call->current_versions[0].version, "v1");

  const fs::path before = fs::read_symlink(target_ / "..data");
  outcome = pipeline_->refresh(target_.string(), true);
  ASSERT_TRUE(outcome.status.ok());
  EXPECT_FALSE(outcome.rotated);
  EXPECT_EQ(fs::read_symlink(target_ / "..data"), before) << "unchanged content writes nothing";
}

TEST_F(PipelineTest, FailedForcedRefreshKeepsOldContentAndSaysWhy) {
  ASSERT_TRUE(publish(request()).ok());
  provider_->answer = ScriptedProvider::error(plugins::ErrorCode::Throttled, "slow down");
  provider_->answer.error.retry_after = std::chrono::seconds(7);
  RecordingObserver observer;
  pipeline_->observe(&observer);
  const RefreshOutcome outcome = pipeline_->refresh(target_.string(), true);
  pipeline_->observe(nullptr);
  EXPECT_EQ(outcome.status.code, Code::ResourceExhausted);
  EXPECT_EQ(outcome.status.message, "slow down");
  EXPECT_EQ(read("password"), "p1");
  EXPECT_EQ(link_.failures.size(), 1u);
  EXPECT_EQ(observer.events, (std::vector<std::string>{"remembered web-0", "failed 7000"}));
}

TEST_F(PipelineTest, ObserverHearsMountsRefreshesAndUnmounts) {
  make_pipeline(rotating(std::chrono::milliseconds(0)));
  RecordingObserver observer;
  pipeline_->observe(&observer);
  ASSERT_TRUE(publish(request()).ok());
  ASSERT_TRUE(publish(request()).ok());  // a republish: fresh tokens, then a refresh
  observer.backing = true;
  ASSERT_TRUE(publish(request()).ok());  // backing off: remembered, no provider call
  EXPECT_EQ(provider_->calls, 2);
  ASSERT_TRUE(pipeline_->unpublish("vol-1", target_.string()).ok());
  pipeline_->observe(nullptr);
  EXPECT_EQ(observer.events,
            (std::vector<std::string>{"remembered web-0", "remembered web-0", "refreshed",
                                      "remembered web-0", "unmounted"}));
  EXPECT_EQ(pipeline_->refresh(target_.string(), true).status.code, Code::NotFound)
      << "the request is forgotten on unpublish";
}

TEST_F(PipelineTest, UnpublishStopsARefreshThatWaitsForItsProvider) {
  ASSERT_TRUE(publish(request()).ok());
  {
    std::lock_guard lock(provider_->mutex);
    provider_->hang = true;
  }
  RecordingObserver observer;
  pipeline_->observe(&observer);
  // A forced refresh gives the provider a minute; the unpublish must not wait for it.
  auto refreshing =
      std::async(std::launch::async, [&] { return pipeline_->refresh(target_.string(), true); });
  {
    std::unique_lock lock(provider_->mutex);
    ASSERT_TRUE(provider_->changed.wait_for(lock, std::chrono::seconds(10),
                                            [&] { return provider_->hanging; }));
  }
  const Status unpublished = pipeline_->unpublish("vol-1", target_.string());
  EXPECT_TRUE(unpublished.ok()) << unpublished.message;
  ASSERT_EQ(refreshing.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const RefreshOutcome outcome = refreshing.get();
  pipeline_->observe(nullptr);
  EXPECT_EQ(outcome.status.code, Code::Aborted);
  EXPECT_EQ(outcome.status.message,
            fmt::format("the refresh of {} was stopped: the volume is being unpublished",
                        target_.string()));
  EXPECT_TRUE(target_is_pristine());
  // Not a provider failure: no event for the pod, no backoff.
  EXPECT_TRUE(link_.failures.empty());
  EXPECT_EQ(observer.events, (std::vector<std::string>{"remembered web-0", "unmounted"}));
}

}  // namespace
}  // namespace sscsi::publish
