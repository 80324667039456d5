#pragma once
// The real sscsi-host as a process in a private temp root, spoken to over its CSI socket with the
// generated gRPC client. The root holds everything the host touches:
//
//   <root>/csi.sock       --endpoint
//   <root>/plugins/       --plugin-dir: root-owned 0755, copies of the plugins, mode 0644
//   <root>/mock.json      --plugin-config mock=…: {"allowedContentDirs": ["<root>/content"]}
//   <root>/content/       files the mock's contentFile may read
//   <root>/spc/           --spc-dir: SecretProviderClass YAML files the tests write
//   <root>/state/         --state-dir: the host's mount records
//   <root>/pods/          kubelet-shaped targets: pods/<uid>/volumes/kubernetes.io~csi/<name>/mount
//
// The host runs at -v 5 unless the test passes its own -v. Every secret a test hands it (request
// secrets, service-account tokens) and every file content it writes into a target is remembered
// (log_canaries.h); the destructor fails the test if any of them is in the host's stderr, stdout
// or state directory. It then kills the host, detaches every mount left below the root (also when
// a test failed half-way) and removes the root.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "csi/proto/csi.grpc.pb.h"
#include "host_process.h"
#include "log_canaries.h"
#include "rotation/proto/admin.grpc.pb.h"
#include "spc_files.h"

namespace sscsi::testing_support {

struct CsiHostSetup {
  // Variants of the broken-plugin family (tests/plugins) to load next to the mock, by name.
  std::vector<std::string> test_plugins{};
  // Passed after the standard arguments (e.g. --enable-secret-rotation, -v 5).
  std::vector<std::string> extra_args{};
  // --spc-dir <root>/spc; false for hosts that read SecretProviderClasses from a cluster (pass
  // --kubeconfig or the in-cluster environment instead).
  bool spc_dir = true;
  // More provider plugins to load (paths of built .so files), e.g. the Azure plugin.
  std::vector<std::filesystem::path> plugins{};
  // Plugin configurations by provider name (JSON text), written to <root>/<name>.json and passed
  // as --plugin-config NAME=FILE. The mock's is always there.
  std::map<std::string, std::string> plugin_configs{};
  // After each successful publish the harness reads the volume's files to remember them as
  // canaries. A reader holds the volume busy, so a test racing unpublishes against publishes on
  // one target turns it off (those files are not secrets then).
  bool read_volumes_after_publish = true;
};

class CsiHost {
 public:
  explicit CsiHost(CsiHostSetup setup = {});
  ~CsiHost();
  CsiHost(const CsiHost&) = delete;
  CsiHost& operator=(const CsiHost&) = delete;

  // Starts the host and waits until it serves; throws with its stderr when it does not.
  // Starting again after kill() or stop() reuses every directory (a restart).
  void start();
  // SIGKILL, then reaps the process: no cleanup runs in the host.
  void kill();
  // SIGTERM; throws unless the host exits 0 in time.
  void stop();
  bool running() const;
  // The process id of the current run (to read /proc/<pid>); throws when it is not running.
  pid_t pid() const;

  // Everything the host wrote to stderr so far (all runs since construction).
  std::string log() const;
  // Everything the host wrote to stdout so far (all runs).
  std::string out() const;
  // Waits until the current run's stderr contains `needle`.
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds timeout);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path plugin_dir() const { return root_ / "plugins"; }
  std::filesystem::path state_dir() const { return root_ / "state"; }
  std::filesystem::path spc_dir() const { return root_ / "spc"; }
  std::filesystem::path content_dir() const { return root_ / "content"; }
  std::filesystem::path socket() const { return root_ / "csi.sock"; }

  // <root>/pods/<uid>/volumes/kubernetes.io~csi/<volume>/mount, with every directory above
  // `mount` created as the kubelet creates it; `mount` itself is not created.
  std::filesystem::path kubelet_target(const std::string& pod_uid,
                                       const std::string& volume = "secrets") const;

  // Writes <spc dir>/<spec.name>.yaml (atomically).
  void write_spc(const SpcSpec& spec) const;
  void write_spc_file(const std::string& file_name, const std::string& text) const;

  // Values the test knows to be secret beyond those found automatically (see the top).
  LogCanaries& canaries() { return canaries_; }

  // The files in --state-dir (mount records).
  std::vector<std::filesystem::path> records() const;

  // The CSI services over the socket of the latest start() (calls fail UNAVAILABLE while the
  // host is down).
  ::csi::v1::Node::Stub& node() const { return *node_; }
  ::csi::v1::Identity::Stub& identity() const { return *identity_; }

  grpc::Status publish(const ::csi::v1::NodePublishVolumeRequest& request,
                       std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;
  grpc::Status unpublish(const std::string& volume_id, const std::string& target_path,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;
  // sscsi.admin.v1.Admin/Refresh on the same socket (what `sscsi-ctl refresh` sends).
  grpc::Status refresh(const std::filesystem::path& target,
                       ::sscsi::admin::v1::RefreshResponse& response,
                       std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;

 private:
  void copy_plugin(const std::filesystem::path& file) const;
  std::vector<std::string> arguments() const;
  void stop_pump();
  void expect_no_canary_leaked();
  void expect_no_sanitizer_report();

  CsiHostSetup setup_;
  std::filesystem::path root_;
  std::string earlier_runs_log_;  // stderr of runs that ended
  std::string earlier_runs_out_;  // and their stdout
  mutable LogCanaries canaries_;

  mutable std::mutex process_mutex_;  // guards process_: the pump thread reads its pipes
  std::unique_ptr<HostProcess> process_;
  bool running_ = false;  // started and not yet killed or stopped
  std::jthread pump_;     // keeps reading the host's pipes so that a chatty host never blocks

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<::csi::v1::Node::Stub> node_;
  std::unique_ptr<::csi::v1::Identity::Stub> identity_;
};

}  // namespace sscsi::testing_support
