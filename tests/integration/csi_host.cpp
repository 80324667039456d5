#include "csi_host.h"

#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "mount_table.h"

namespace sscsi::testing_support {
namespace {

namespace fs = std::filesystem;
namespace pb = ::csi::v1;
using namespace std::chrono_literals;

const fs::path kHostBinary = SSCSI_HOST_BINARY;
const fs::path kMockPlugin = fs::path(SSCSI_PLUGIN_DIR) / "libsscsi-provider-mock.so";
const fs::path kTestPluginDir = SSCSI_TEST_PLUGIN_DIR;

// sscsi-host prints this once every start-up action ran, the CSI server included.
constexpr const char* kReady = "running; stop with SIGTERM or SIGINT";
// Generous: the host may run under sanitizers on a loaded machine; waits end at the event.
constexpr auto kStartTimeout = 30s;
constexpr auto kStopTimeout = 15s;
// Looked for by the pump; never printed, so each pump waits its full slice.
constexpr const char* kNeverPrinted = "\x01\x02never printed\x03";

fs::path make_temp_root() {
  std::string pattern = (fs::temp_directory_path() / "sscsi-it-csi-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(fmt::format("mkdtemp {} failed", pattern));
  }
  return pattern;
}

void make_dir(const fs::path& dir, fs::perms mode) {
  fs::create_directory(dir);
  fs::permissions(dir, mode);
}

}  // namespace

CsiHost::CsiHost(CsiHostSetup setup) : setup_(std::move(setup)), root_(make_temp_root()) {
  try {
    fs::permissions(root_, fs::perms(0755));
    make_dir(plugin_dir(), fs::perms(0755));
    make_dir(content_dir(), fs::perms(0755));
    make_dir(spc_dir(), fs::perms(0755));
    make_dir(root_ / "pods", fs::perms(0750));
    copy_plugin(kMockPlugin);
    for (const std::string& variant : setup_.test_plugins) {
      copy_plugin(kTestPluginDir / fmt::format("lib{}.so", variant));
    }
    for (const fs::path& plugin : setup_.plugins) copy_plugin(plugin);
    std::ofstream config(root_ / "mock.json");
    config << fmt::format(R"({{"allowedContentDirs": ["{}"]}})", content_dir().string()) << '\n';
    for (const auto& [name, json] : setup_.plugin_configs) {
      std::ofstream(root_ / (name + ".json")) << json << '\n';
    }
  } catch (...) {
    fs::remove_all(root_);
    throw;
  }
}

CsiHost::~CsiHost() {
  try {
    canaries_.add_published_files();  // what rotations wrote since the publishes
    if (running()) kill();
    expect_no_canary_leaked();
    expect_no_sanitizer_report();
    stop_pump();
    process_.reset();
  } catch (...) {
    // Teardown goes on: the mounts below must not outlive the test.
  }
  detach_mounts_under(root_);
  std::error_code ignored;
  fs::remove_all(root_, ignored);
}

// A sanitizer in the host prints its report on stderr when it finds the problem; the host may
// run on (TSan, UBSan) or be killed before it exits, so its exit code alone would not tell.
void CsiHost::expect_no_sanitizer_report() {
  const std::string text = log();
  for (const std::string_view marker : {"WARNING: ThreadSanitizer:", "ERROR: AddressSanitizer:",
                                        "ERROR: LeakSanitizer:", "runtime error:"}) {
    const std::size_t at = text.find(marker);
    if (at != std::string::npos) {
      ADD_FAILURE() << "sscsi-host reported a sanitizer finding:\n"
                    << text.substr(at > 200 ? at - 200 : 0, 6000);
    }
  }
}

void CsiHost::expect_no_canary_leaked() {
  std::vector<std::string> leaks = canaries_.leaks_in(log(), "the host's stderr");
  for (std::string& leak : canaries_.leaks_in(out(), "the host's stdout")) {
    leaks.push_back(std::move(leak));
  }
  std::error_code ec;
  for (fs::recursive_directory_iterator it(state_dir(), ec), end; !ec && it != end;
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (std::string& leak : canaries_.leaks_in(text, it->path().string())) {
      leaks.push_back(std::move(leak));
    }
  }
  for (const std::string& leak : leaks) ADD_FAILURE() << leak;
}

void CsiHost::copy_plugin(const fs::path& file) const {
  if (!fs::is_regular_file(file)) {
    throw std::runtime_error(
        fmt::format("{} is missing: build the sscsi-provider-mock and sscsi_test_plugins targets",
                    file.string()));
  }
  const fs::path copy = plugin_dir() / file.filename();
  fs::copy_file(file, copy, fs::copy_options::overwrite_existing);
  fs::permissions(copy, fs::perms(0644));
}

std::vector<std::string> CsiHost::arguments() const {
  std::vector<std::string> args{"--endpoint", "unix://" + socket().string(), "--state-dir",
                                state_dir().string(), "--plugin-dir", plugin_dir().string(),
                                "--plugin-config", "mock=" + (root_ / "mock.json").string(),
                                "--nodeid", "integration-node",
                                // any free ports, so that hosts of parallel tests never collide
                                "--metrics-addr", "127.0.0.1:0", "--health-addr", "127.0.0.1:0"};
  for (const auto& [name, json] : setup_.plugin_configs) {
    args.insert(args.end(), {"--plugin-config", name + "=" + (root_ / (name + ".json")).string()});
  }
  if (setup_.spc_dir) args.insert(args.end(), {"--spc-dir", spc_dir().string()});
  const auto& extra = setup_.extra_args;
  if (std::find(extra.begin(), extra.end(), "-v") == extra.end() &&
      std::find(extra.begin(), extra.end(), "--v") == extra.end()) {
    args.insert(args.end(), {"-v", "5"});  // the most detailed logs get the canary check
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

void CsiHost::start() {
  if (running()) throw std::logic_error("CsiHost::start: the host is already running");
  stop_pump();
  {
    std::lock_guard lock(process_mutex_);
    if (process_) {
      earlier_runs_log_ += process_->err();
      earlier_runs_out_ += process_->out();
    }
    process_ = std::make_unique<HostProcess>(kHostBinary, arguments());
    running_ = true;
  }
  pump_ = std::jthread([this](std::stop_token stop) {
    while (!stop.stop_requested()) {
      {
        std::lock_guard lock(process_mutex_);
        process_->wait_for_stderr(kNeverPrinted, 20ms);
      }
      std::this_thread::sleep_for(1ms);  // lets other threads take the lock
    }
  });
  if (!wait_for_log(kReady, kStartTimeout)) {
    std::string state;
    {
      std::lock_guard lock(process_mutex_);
      state = process_->describe_end();
    }
    throw std::runtime_error(
        fmt::format("sscsi-host did not become ready ({}); stderr:\n{}", state, log()));
  }
  channel_ = grpc::CreateChannel("unix:" + socket().string(), grpc::InsecureChannelCredentials());
  node_ = pb::Node::NewStub(channel_);
  identity_ = pb::Identity::NewStub(channel_);
}

void CsiHost::stop_pump() {
  if (pump_.joinable()) {
    pump_.request_stop();
    pump_.join();
  }
}

void CsiHost::kill() {
  stop_pump();
  std::lock_guard lock(process_mutex_);
  process_->send_signal(SIGKILL);
  running_ = false;
  if (!process_->wait_for_exit(kStopTimeout)) {
    throw std::runtime_error("sscsi-host did not end on SIGKILL");
  }
  // The stubs stay: a call still in flight uses them (it fails UNAVAILABLE); start() replaces
  // them.
}

void CsiHost::stop() {
  stop_pump();
  std::lock_guard lock(process_mutex_);
  process_->send_signal(SIGTERM);
  const bool ended = process_->wait_for_exit(kStopTimeout);
  running_ = !ended;
  if (!ended || !process_->exited() || process_->exit_code() != 0) {
    throw std::runtime_error(fmt::format("sscsi-host did not stop cleanly on SIGTERM ({}):\n{}",
                                         process_->describe_end(), process_->err()));
  }
}

bool CsiHost::running() const {
  std::lock_guard lock(process_mutex_);
  return running_;
}

pid_t CsiHost::pid() const {
  std::lock_guard lock(process_mutex_);
  if (!running_ || !process_) throw std::logic_error("sscsi-host is not running");
  return process_->pid();
}

std::string CsiHost::log() const {
  std::lock_guard lock(process_mutex_);
  return earlier_runs_log_ + (process_ ? process_->err() : std::string());
}

std::string CsiHost::out() const {
  std::lock_guard lock(process_mutex_);
  return earlier_runs_out_ + (process_ ? process_->out() : std::string());
}

bool CsiHost::wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    {
      std::lock_guard lock(process_mutex_);
      if (process_ && process_->err().find(needle) != std::string::npos) return true;
      if (!pump_.joinable()) process_->wait_for_stderr(needle, 20ms);
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
}

fs::path CsiHost::kubelet_target(const std::string& pod_uid, const std::string& volume) const {
  const fs::path volume_dir = root_ / "pods" / pod_uid / "volumes" / "kubernetes.io~csi" / volume;
  fs::create_directories(volume_dir);
  return volume_dir / "mount";
}

void CsiHost::write_spc(const SpcSpec& spec) const {
  write_file_atomically(spc_dir() / (spec.name + ".yaml"), spc_yaml(spec));
}

void CsiHost::write_spc_file(const std::string& file_name, const std::string& text) const {
  write_file_atomically(spc_dir() / file_name, text);
}

std::vector<fs::path> CsiHost::records() const {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(state_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    files.push_back(it->path());
  }
  return files;
}

grpc::Status CsiHost::publish(const pb::NodePublishVolumeRequest& request,
                              std::chrono::milliseconds timeout) const {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  pb::NodePublishVolumeResponse response;
  canaries_.add_request(request);
  const grpc::Status status = node_->NodePublishVolume(&context, request, &response);
  if (status.ok() && setup_.read_volumes_after_publish) {
    canaries_.add_volume(request.target_path());
  }
  return status;
}

grpc::Status CsiHost::unpublish(const std::string& volume_id, const std::string& target_path,
                                std::chrono::milliseconds timeout) const {
  pb::NodeUnpublishVolumeRequest request;
  request.set_volume_id(volume_id);
  request.set_target_path(target_path);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  pb::NodeUnpublishVolumeResponse response;
  return node_->NodeUnpublishVolume(&context, request, &response);
}

grpc::Status CsiHost::refresh(const fs::path& target, ::sscsi::admin::v1::RefreshResponse& response,
                              std::chrono::milliseconds timeout) const {
  auto admin = ::sscsi::admin::v1::Admin::NewStub(channel_);
  ::sscsi::admin::v1::RefreshRequest request;
  request.set_target_path(target.string());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  return admin->Refresh(&context, request, &response);
}

}  // namespace sscsi::testing_support
