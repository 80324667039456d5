// sscsi-host as a process: start, plugin loading lines, signals, exit codes, --help, --version,
// JSON logs and the example configuration. Paths come from CMake (see CMakeLists.txt).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "host_process.h"

namespace sscsi {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing_support::HostProcess;
using testing_support::run_to_end;

const fs::path kHost = SSCSI_HOST_BINARY;
const fs::path kMockPlugin = fs::path(SSCSI_PLUGIN_DIR) / "libsscsi-provider-mock.so";
// A real plugin the loader refuses: built for ABI major 2 (tests/plugins, variant wrong_major).
const fs::path kBrokenPlugin = fs::path(SSCSI_TEST_PLUGIN_DIR) / "libwrong_major.so";
const fs::path kSourceDir = SSCSI_SOURCE_DIR;

// Generous: the binary may run under sanitizers on a loaded machine. Waits end as soon as the
// expected output appears.
constexpr auto kStartTimeout = 30s;
constexpr auto kStopTimeout = 10s;
// sscsi-host prints this once it waits for signals: before it, SIGTERM could kill it outright.
constexpr const char* kReady = "running; stop with SIGTERM or SIGINT";

// A fresh plugin directory (root-owned, 0755, as the loader demands) holding copies of plugins.
class HostTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::is_regular_file(kMockPlugin))
        << kMockPlugin << " is missing: build the sscsi-provider-mock target";
    ASSERT_TRUE(fs::is_regular_file(kBrokenPlugin))
        << kBrokenPlugin << " is missing: build the sscsi_test_plugins target";
    std::string pattern = (fs::temp_directory_path() / "sscsi-host-it-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    plugin_dir_ = pattern;
    fs::permissions(plugin_dir_, fs::perms(0755));
    pattern = (fs::temp_directory_path() / "sscsi-host-run-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    run_dir_ = pattern;
  }
  void TearDown() override {
    fs::remove_all(plugin_dir_);
    fs::remove_all(run_dir_);
  }

  // Where this test's host listens and keeps its state, so tests never share a socket.
  std::vector<std::string> private_paths() const {
    return {"--endpoint",     "unix://" + (run_dir_ / "csi.sock").string(),
            "--state-dir",    (run_dir_ / "state").string(),
            "--metrics-addr", "127.0.0.1:0",
            "--health-addr",  "127.0.0.1:0"};
  }

  void add_plugin(const fs::path& file) {
    const fs::path copy = plugin_dir_ / file.filename();
    fs::copy_file(file, copy);
    fs::permissions(copy, fs::perms(0755));
  }

  std::vector<std::string> args(std::vector<std::string> extra = {}) const {
    std::vector<std::string> all{"--plugin-dir", plugin_dir_.string()};
    const auto paths = private_paths();
    all.insert(all.end(), paths.begin(), paths.end());
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  }

  // Starts the host, waits until it is ready, sends `signal_number`, expects exit 0.
  void expect_clean_stop(HostProcess& host, int signal_number, const std::string& name) {
    ASSERT_TRUE(host.wait_for_stderr(kReady, kStartTimeout)) << host.err();
    host.send_signal(signal_number);
    ASSERT_TRUE(host.wait_for_exit(kStopTimeout)) << "did not stop on " << name << "\n"
                                                  << host.err();
    EXPECT_TRUE(host.exited()) << host.describe_end() << "\n" << host.err();
    EXPECT_EQ(host.exit_code(), 0) << host.err();
    EXPECT_NE(host.err().find("stopping on " + name), std::string::npos) << host.err();
    EXPECT_NE(host.err().find("stopped"), std::string::npos) << host.err();
  }

  fs::path plugin_dir_;
  fs::path run_dir_;
};

TEST_F(HostTest, LogsTheLoadedAndTheRefusedPluginThenStopsOnSigterm) {
  add_plugin(kMockPlugin);
  add_plugin(kBrokenPlugin);
  HostProcess host(kHost, args());
  expect_clean_stop(host, SIGTERM, "SIGTERM");
  const std::string& err = host.err();
  EXPECT_NE(err.find("loaded provider mock version "), std::string::npos) << err;
  EXPECT_NE(err.find("refused plugin " + (plugin_dir_ / "libwrong_major.so").string() + ": "),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("1 provider plugin(s) loaded (mock), 1 file(s) refused"), std::string::npos)
      << err;
  EXPECT_NE(err.find("unloaded 1 provider plugin(s)"), std::string::npos) << err;
}

TEST_F(HostTest, StopsOnSigint) {
  add_plugin(kMockPlugin);
  HostProcess host(kHost, args());
  expect_clean_stop(host, SIGINT, "SIGINT");
}

TEST_F(HostTest, IgnoresSighupAndKeepsRunning) {
  add_plugin(kMockPlugin);
  HostProcess host(kHost, args());
  ASSERT_TRUE(host.wait_for_stderr(kReady, kStartTimeout)) << host.err();
  host.send_signal(SIGHUP);
  ASSERT_TRUE(host.wait_for_stderr("ignoring SIGHUP", kStopTimeout)) << host.err();
  EXPECT_FALSE(host.wait_for_exit(0ms)) << "ended on SIGHUP: " << host.describe_end();
  host.send_signal(SIGTERM);
  ASSERT_TRUE(host.wait_for_exit(kStopTimeout)) << host.err();
  EXPECT_EQ(host.exit_code(), 0) << host.describe_end();
}

constexpr uid_t kNobody = 65534;

// errno of opening /proc/<pid>/environ from a child running as `uid` (0: it could be opened).
int environ_open_errno_as(uid_t uid, pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/environ";
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setresgid(uid, uid, uid) != 0 || ::setresuid(uid, uid, uid) != 0) ::_exit(255);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ::_exit(fd >= 0 ? 0 : errno);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A process of the host's own user cannot read its memory or environment, and no core dump is
// written: the host runs as nobody here, so that "the same user" is not root, who may anyway.
TEST_F(HostTest, IsNotDumpableUnlessCoreDumpsAreAllowed) {
  add_plugin(kMockPlugin);
  // The binary is copied where nobody may run it, whichever directory holds the checkout.
  const fs::path host_copy = run_dir_ / "sscsi-host";
  fs::copy_file(kHost, host_copy);
  fs::permissions(host_copy, fs::perms(0755));
  ASSERT_EQ(::chown(run_dir_.c_str(), kNobody, kNobody), 0);
  const auto as_nobody = [&](std::vector<std::string> extra) {
    std::vector<std::string> all{"--reuid=65534", "--regid=65534", "--clear-groups",
                                 host_copy.string()};
    const auto rest = args(std::move(extra));
    all.insert(all.end(), rest.begin(), rest.end());
    return all;
  };
  {
    HostProcess host("/usr/bin/setpriv", as_nobody({}));
    ASSERT_TRUE(host.wait_for_stderr(kReady, kStartTimeout)) << host.err();
    EXPECT_EQ(environ_open_errno_as(kNobody, host.pid()), EACCES);
  }
  HostProcess debug("/usr/bin/setpriv", as_nobody({"--allow-core-dumps"}));
  ASSERT_TRUE(debug.wait_for_stderr(kReady, kStartTimeout)) << debug.err();
  EXPECT_EQ(environ_open_errno_as(kNobody, debug.pid()), 0);
  EXPECT_NE(debug.err().find("--allow-core-dumps is set: a core dump of this process would hold "
                             "the secrets and tokens it has in memory"),
            std::string::npos)
      << debug.err();
}

TEST_F(HostTest, AMissingRequiredPluginExitsOneWithTheReason) {
  add_plugin(kMockPlugin);
  HostProcess host(kHost, args({"--require-plugins", "mock,nonexistent"}));
  ASSERT_TRUE(host.wait_for_exit(kStartTimeout)) << host.err();
  EXPECT_TRUE(host.exited()) << host.describe_end();
  EXPECT_EQ(host.exit_code(), 1) << host.err();
  EXPECT_NE(host.err().find("required plugin \"nonexistent\" is not loaded: no plugin in " +
                            plugin_dir_.string() + " provides it (loaded: mock)"),
            std::string::npos)
      << host.err();
  EXPECT_EQ(host.err().find(kReady), std::string::npos) << "reached the wait: " << host.err();
  EXPECT_NE(host.err().find("unloaded 1 provider plugin(s)"), std::string::npos) << host.err();
}

TEST_F(HostTest, ARefusedRequiredPluginExitsOneNamingTheRefusal) {
  add_plugin(kMockPlugin);
  add_plugin(kBrokenPlugin);
  HostProcess host(kHost, args({"--require-plugins=wrong_major"}));
  ASSERT_TRUE(host.wait_for_exit(kStartTimeout)) << host.err();
  EXPECT_EQ(host.exit_code(), 1) << host.describe_end() << "\n" << host.err();
  const std::string refused_file = (plugin_dir_ / "libwrong_major.so").string();
  // The refusal line as the loader logged it, and the fatal line that repeats its reason.
  const std::string marker = "refused plugin " + refused_file + ": ";
  const auto at = host.err().find(marker);
  ASSERT_NE(at, std::string::npos) << host.err();
  const std::string reason =
      host.err().substr(at + marker.size(), host.err().find('\n', at) - at - marker.size());
  ASSERT_FALSE(reason.empty());
  EXPECT_NE(host.err().find("required plugin \"wrong_major\" is not loaded: refused " +
                            refused_file + " (" + reason + ")"),
            std::string::npos)
      << host.err();
}

TEST_F(HostTest, AnUnusablePluginDirectoryExitsOne) {
  const fs::path missing = plugin_dir_ / "does-not-exist";
  HostProcess host(kHost, {"--plugin-dir", missing.string()});
  ASSERT_TRUE(host.wait_for_exit(kStartTimeout)) << host.err();
  EXPECT_EQ(host.exit_code(), 1) << host.describe_end() << "\n" << host.err();
  EXPECT_NE(host.err().find("cannot load plugins from --plugin-dir " + missing.string()),
            std::string::npos)
      << host.err();
}

TEST_F(HostTest, AStateDirectoryOthersMayWriteExitsOne) {
  add_plugin(kMockPlugin);
  const fs::path state = run_dir_ / "state";
  fs::create_directories(state);
  fs::permissions(state, fs::perms(0777));
  HostProcess host(kHost, args());
  ASSERT_TRUE(host.wait_for_exit(kStartTimeout)) << host.err();
  EXPECT_EQ(host.exit_code(), 1) << host.describe_end() << "\n" << host.err();
  EXPECT_NE(host.err().find("the state directory " + state.string() +
                            " may be written by others (mode 0777)"),
            std::string::npos)
      << host.err();
}

TEST(HostCommandLine, HelpListsEveryOptionAndExitsZero) {
  const auto run = run_to_end(kHost, {"--help"}, kStopTimeout);
  ASSERT_TRUE(run.ended) << run.end;
  EXPECT_EQ(run.exit_code, 0) << run.end;
  EXPECT_EQ(run.err, "");
  for (const char* option :
       {"--endpoint", "--nodeid", "--drivername", "--metrics-addr", "--enable-secret-rotation",
        "--rotation-poll-interval", "--log-format-json", "--v", "--plugin-dir", "--plugin-config",
        "--require-plugins", "--state-dir", "--spc-dir", "--kubeconfig", "--config", "--help",
        "--version"}) {
    EXPECT_NE(run.out.find(option), std::string::npos) << option << " missing from\n" << run.out;
  }
}

TEST(HostCommandLine, AnUnknownOptionExitsTwoWithOneLine) {
  const auto run = run_to_end(kHost, {"--no-such-option"}, kStopTimeout);
  ASSERT_TRUE(run.ended) << run.end;
  EXPECT_EQ(run.exit_code, 2) << run.end;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "sscsi-host: unknown option --no-such-option (see sscsi-host --help)\n");
}

TEST(HostCommandLine, ABadValueExitsTwoNamingTheOption) {
  const auto run = run_to_end(kHost, {"-v", "9"}, kStopTimeout);
  EXPECT_EQ(run.exit_code, 2) << run.end;
  EXPECT_EQ(run.err,
            "sscsi-host: option --v: \"9\" must be a whole number from 0 to 5 (see sscsi-host "
            "--help)\n");
}

TEST(HostCommandLine, AMissingConfigFileExitsTwo) {
  const auto run = run_to_end(kHost, {"--config", "/nonexistent/host.conf"}, kStopTimeout);
  EXPECT_EQ(run.exit_code, 2) << run.end;
  EXPECT_NE(run.err.find("config file /nonexistent/host.conf cannot be opened: No such file or "
                         "directory"),
            std::string::npos)
      << run.err;
}

TEST(HostCommandLine, VersionIsOneJsonLine) {
  const auto run = run_to_end(kHost, {"--version"}, kStopTimeout);
  EXPECT_EQ(run.exit_code, 0) << run.end;
  ASSERT_FALSE(run.out.empty());
  EXPECT_EQ(run.out.find('\n'), run.out.size() - 1) << run.out;
  const auto json = nlohmann::json::parse(run.out);
  ASSERT_TRUE(json.is_object());
  EXPECT_EQ(json.size(), 3u) << run.out;
  for (const char* key : {"BuildVersion", "GitCommit", "BuildDate"}) {
    ASSERT_TRUE(json.contains(key)) << key;
    EXPECT_TRUE(json.at(key).is_string()) << key;
    EXPECT_FALSE(json.at(key).get<std::string>().empty()) << key;
  }
}

TEST_F(HostTest, JsonLogFormatGivesOneObjectPerStderrLine) {
  add_plugin(kMockPlugin);
  add_plugin(kBrokenPlugin);
  HostProcess host(kHost, args({"--log-format-json", "-v", "5"}));
  expect_clean_stop(host, SIGTERM, "SIGTERM");
  std::istringstream lines(host.err());
  int count = 0;
  bool saw_plugin_logger = false;
  bool saw_refusal = false;
  for (std::string line; std::getline(lines, line); ++count) {
    nlohmann::json json;
    ASSERT_NO_THROW(json = nlohmann::json::parse(line)) << "not JSON: " << line;
    ASSERT_TRUE(json.is_object()) << line;
    for (const char* key : {"ts", "level", "logger", "msg"}) {
      ASSERT_TRUE(json.contains(key) && json.at(key).is_string()) << key << " in " << line;
    }
    saw_plugin_logger = saw_plugin_logger || json.at("logger") == "mock";
    saw_refusal = saw_refusal || (json.at("level") == "warn" &&
                                  json.at("msg").get<std::string>().starts_with("refused plugin"));
  }
  EXPECT_GT(count, 5);
  EXPECT_TRUE(saw_plugin_logger) << "no line from the mock plugin's logger:\n" << host.err();
  EXPECT_TRUE(saw_refusal) << host.err();
}

TEST_F(HostTest, TheExampleConfigStartsAndStops) {
  // As documented in config/host.conf: run from the checkout with the build's plugins.
  add_plugin(kMockPlugin);
  std::vector<std::string> args{"--config", "config/host.conf", "--plugin-dir",
                                plugin_dir_.string()};
  const auto paths = private_paths();
  args.insert(args.end(), paths.begin(), paths.end());
  HostProcess host(kHost, args, kSourceDir);
  expect_clean_stop(host, SIGTERM, "SIGTERM");
  const std::string& err = host.err();
  EXPECT_NE(err.find("config=config/host.conf"), std::string::npos) << err;
  EXPECT_NE(err.find("loaded provider mock version "), std::string::npos) << err;
  EXPECT_EQ(err.find("refused plugin"), std::string::npos)
      << "the example config refers to something "
         "missing:\n"
      << err;
  // The host itself has nothing to warn about (the mock may warn that its example content
  // directory does not exist on this machine).
  EXPECT_EQ(err.find(" W [host]"), std::string::npos) << err;
  EXPECT_EQ(err.find(" E ["), std::string::npos) << err;
}

}  // namespace
}  // namespace sscsi
