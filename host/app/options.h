#pragma once
// sscsi-host's options: the command line plus an optional INI-style --config file with the same
// keys (the command line wins). Flag names follow the upstream driver where a flag exists there.

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "app/option_values.h"

namespace sscsi::app {

// Exit status for a command line or config file that cannot be used (as getopt-based tools do).
inline constexpr int kUsageExitCode = 2;

// Every member's initializer is its default; --help prints these same values.
struct Options {
  // CSI endpoint as given, and the socket path it names. Used by the CSI server (later work).
  std::string endpoint = "unix:///tmp/csi.sock";
  std::filesystem::path csi_socket = "/tmp/csi.sock";
  std::string node_id;  // empty = not set
  std::string driver_name = "secrets-store.csi.k8s.io";
  ListenAddress metrics_address{"", 8095};  // GET /metrics
  ListenAddress health_address{"", 9808};   // GET /healthz (the livenessprobe sidecar's port)
  bool enable_secret_rotation = false;
  std::chrono::nanoseconds rotation_poll_interval = std::chrono::minutes(2);  // always > 0
  // How long one plugin answer is reused for identical mounts (shared fetches); 0 = only
  // concurrent identical mounts share a call. Always >= 0.
  std::chrono::nanoseconds shared_fetch_window = std::chrono::seconds(30);

  bool log_format_json = false;
  int verbosity = 0;  // 0-5, klog style

  std::filesystem::path plugin_dir = "/usr/lib/sscsi/plugins";
  std::map<std::string, std::filesystem::path> plugin_configs;  // provider name -> JSON file
  std::vector<std::string> required_plugins;                    // provider names, no repeats

  // Size limit of each volume's tmpfs. A refresh holds the old and the new version at once, so
  // a volume's content may use at most half of it.
  std::uint64_t tmpfs_size_bytes = 64ull << 20;
  // Accept any absolute target path, not only kubelet pod-volume paths (standalone use, tests).
  bool allow_any_target = false;
  // Leave the process dumpable: core dumps and same-user /proc/<pid>/mem or ptrace access then
  // see every secret and token in memory. For debugging only.
  bool allow_core_dumps = false;

  std::filesystem::path state_dir = "/run/sscsi";  // absolute
  std::filesystem::path spc_dir;                   // empty = no standalone SecretProviderClasses
  std::filesystem::path kubeconfig;                // empty = in-cluster configuration
  // Client-side limit on requests to the API server: a steady rate and a burst above it.
  int kube_api_qps = 20;
  int kube_api_burst = 30;
  std::filesystem::path config_file;  // empty = none given
};

// What to do instead of running: print `out` to stdout and `err` to stderr, exit with the code.
// --help and --version exit 0; any unusable option or config file exits kUsageExitCode with one
// line on stderr naming the option and the problem.
struct EarlyExit {
  int exit_code = 0;
  std::string out;
  std::string err;
};

// `args` excludes the program name. Never throws for bad input.
std::variant<Options, EarlyExit> parse_options(const std::vector<std::string>& args);

// The --help text: every option with its default.
std::string help_text();

}  // namespace sscsi::app
