#include "app/options.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "app/version.h"

namespace sscsi::app {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

Options parse_ok(const std::vector<std::string>& args) {
  auto result = parse_options(args);
  if (const auto* early = std::get_if<EarlyExit>(&result)) {
    ADD_FAILURE() << "exited with " << early->exit_code << ": " << early->err;
    return Options{};
  }
  return std::get<Options>(result);
}

EarlyExit parse_exit(const std::vector<std::string>& args) {
  auto result = parse_options(args);
  if (std::holds_alternative<Options>(result)) {
    ADD_FAILURE() << "accepted the options";
    return EarlyExit{};
  }
  return std::get<EarlyExit>(result);
}

// A config file in a fresh temporary directory, removed with the fixture.
class AppConfigFileTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "sscsi-options-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& content, const std::string& name = "host.conf") {
    const fs::path path = dir_ / name;
    std::ofstream(path) << content;
    return path.string();
  }

  fs::path dir_;
};

TEST(AppOptions, DefaultsAreUpstreamsWhereUpstreamHasTheFlag) {
  const Options options = parse_ok({});
  EXPECT_EQ(options.endpoint, "unix:///tmp/csi.sock");
  EXPECT_EQ(options.csi_socket, "/tmp/csi.sock");
  EXPECT_EQ(options.node_id, "");
  EXPECT_EQ(options.driver_name, "secrets-store.csi.k8s.io");
  EXPECT_EQ(options.metrics_address, (ListenAddress{"", 8095}));
  EXPECT_EQ(options.health_address, (ListenAddress{"", 9808}));
  EXPECT_FALSE(options.enable_secret_rotation);
  EXPECT_EQ(options.rotation_poll_interval, 2min);
  EXPECT_FALSE(options.log_format_json);
  EXPECT_EQ(options.verbosity, 0);
  EXPECT_EQ(options.plugin_dir, "/usr/lib/sscsi/plugins");
  EXPECT_TRUE(options.plugin_configs.empty());
  EXPECT_TRUE(options.required_plugins.empty());
  EXPECT_EQ(options.state_dir, "/run/sscsi");
  EXPECT_EQ(options.spc_dir, "");
  EXPECT_EQ(options.kubeconfig, "");
  EXPECT_EQ(options.kube_api_qps, 20);
  EXPECT_EQ(options.kube_api_burst, 30);
  EXPECT_EQ(options.config_file, "");
}

TEST(AppOptions, ReadsEveryOptionFromTheCommandLine) {
  const Options options = parse_ok({
      "--endpoint=unix:///csi/csi.sock",
      "--nodeid",
      "node-7",
      "--drivername=example.csi.k8s.io",
      "--metrics-addr",
      "127.0.0.1:9095",
      "--health-addr=[::1]:0",
      "--enable-secret-rotation",
      "--rotation-poll-interval=1m30s",
      "--log-format-json=true",
      "-v",
      "4",
      "--plugin-dir=/opt/plugins",
      "--plugin-config=mock=/etc/sscsi/mock.json",
      "--plugin-config",
      "azure=/etc/sscsi/azure.json",
      "--require-plugins=azure,mock",
      "--state-dir=/var/lib/sscsi",
      "--spc-dir=/etc/sscsi/spc",
      "--kube-api-qps=50",
      "--kube-api-burst",
      "80",
  });
  EXPECT_EQ(options.endpoint, "unix:///csi/csi.sock");
  EXPECT_EQ(options.csi_socket, "/csi/csi.sock");
  EXPECT_EQ(options.node_id, "node-7");
  EXPECT_EQ(options.driver_name, "example.csi.k8s.io");
  EXPECT_EQ(options.metrics_address, (ListenAddress{"127.0.0.1", 9095}));
  EXPECT_EQ(options.health_address, (ListenAddress{"::1", 0}));
  EXPECT_TRUE(options.enable_secret_rotation);
  EXPECT_EQ(options.rotation_poll_interval, 90s);
  EXPECT_TRUE(options.log_format_json);
  EXPECT_EQ(options.verbosity, 4);
  EXPECT_EQ(options.plugin_dir, "/opt/plugins");
  EXPECT_EQ(options.plugin_configs,
            (std::map<std::string, fs::path>{{"azure", "/etc/sscsi/azure.json"},
                                             {"mock", "/etc/sscsi/mock.json"}}));
  EXPECT_EQ(options.required_plugins, (std::vector<std::string>{"azure", "mock"}));
  EXPECT_EQ(options.state_dir, "/var/lib/sscsi");
  EXPECT_EQ(options.spc_dir, "/etc/sscsi/spc");
  EXPECT_EQ(options.kube_api_qps, 50);
  EXPECT_EQ(options.kube_api_burst, 80);
}

TEST(AppOptions, AcceptsGoFlagSpellings) {
  // Go's flag package takes one or two dashes and `=` or a separate value.
  EXPECT_EQ(parse_ok({"-endpoint=unix:///a.sock"}).endpoint, "unix:///a.sock");
  EXPECT_EQ(parse_ok({"-nodeid", "n1"}).node_id, "n1");
  EXPECT_EQ(parse_ok({"-v=3"}).verbosity, 3);
  EXPECT_EQ(parse_ok({"-v", "3"}).verbosity, 3);
  EXPECT_EQ(parse_ok({"-v3"}).verbosity, 3);
  EXPECT_EQ(parse_ok({"--v", "5"}).verbosity, 5);
  EXPECT_EQ(parse_ok({"--v=2"}).verbosity, 2);
  EXPECT_TRUE(parse_ok({"-enable-secret-rotation"}).enable_secret_rotation);
}

TEST(AppOptions, BooleanFlagsTakeAnOptionalValue) {
  EXPECT_TRUE(parse_ok({"--enable-secret-rotation"}).enable_secret_rotation);
  EXPECT_TRUE(parse_ok({"--enable-secret-rotation=true"}).enable_secret_rotation);
  EXPECT_FALSE(parse_ok({"--enable-secret-rotation=false"}).enable_secret_rotation);
  EXPECT_TRUE(parse_ok({"--enable-secret-rotation=1"}).enable_secret_rotation);
  // As with any option that takes a value, the next word is the value when it is not an option.
  EXPECT_FALSE(parse_ok({"--enable-secret-rotation", "false"}).enable_secret_rotation);
  EXPECT_TRUE(parse_ok({"--enable-secret-rotation", "--v=1"}).enable_secret_rotation);
  EXPECT_TRUE(parse_ok({"--log-format-json"}).log_format_json);
  EXPECT_FALSE(parse_ok({"--log-format-json=False"}).log_format_json);
}

TEST(AppOptions, RequirePluginsRepeatsAddUp) {
  EXPECT_EQ(parse_ok({"--require-plugins=a", "--require-plugins", "b,a"}).required_plugins,
            (std::vector<std::string>{"a", "b"}));
}

// The help text with every run of whitespace made one space (descriptions wrap).
std::string flattened(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\n';
    if (space && !out.empty() && out.back() == ' ') continue;
    out.push_back(space ? ' ' : c);
  }
  return out;
}

TEST(AppOptions, SharedFetchWindowDefaultsToThirtySecondsAndAcceptsZero) {
  EXPECT_EQ(parse_ok({}).shared_fetch_window, 30s);
  EXPECT_EQ(parse_ok({"--shared-fetch-window=45s"}).shared_fetch_window, 45s);
  EXPECT_EQ(parse_ok({"--shared-fetch-window", "0s"}).shared_fetch_window, 0s);
  EXPECT_EQ(parse_ok({"--shared-fetch-window=0"}).shared_fetch_window, 0s);
  const EarlyExit negative = parse_exit({"--shared-fetch-window=-1s"});
  EXPECT_EQ(negative.exit_code, kUsageExitCode);
  EXPECT_NE(negative.err.find("option --shared-fetch-window: \"-1s\" must not be negative"),
            std::string::npos)
      << negative.err;
  const EarlyExit bad = parse_exit({"--shared-fetch-window=30"});
  EXPECT_EQ(bad.exit_code, kUsageExitCode);
  EXPECT_NE(bad.err.find("option --shared-fetch-window: invalid duration \"30\": missing unit"),
            std::string::npos)
      << bad.err;
  const EarlyExit help = parse_exit({"--help"});
  EXPECT_NE(help.out.find("--shared-fetch-window"), std::string::npos);
  EXPECT_NE(help.out.find("(=30s)"), std::string::npos);
}

TEST(AppOptions, HelpListsEveryOptionWithItsDefault) {
  const EarlyExit help = parse_exit({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.err, "");
  EXPECT_TRUE(help.out.starts_with("Usage: sscsi-host [OPTIONS]\n"));
  for (const char* option : {"--endpoint",
                             "--nodeid",
                             "--drivername",
                             "--metrics-addr",
                             "--health-addr",
                             "--enable-secret-rotation",
                             "--rotation-poll-interval",
                             "--log-format-json",
                             "--v",
                             "--plugin-dir",
                             "--plugin-config",
                             "--require-plugins",
                             "--state-dir",
                             "--spc-dir",
                             "--kubeconfig",
                             "--kube-api-qps",
                             "--kube-api-burst",
                             "--config",
                             "--help",
                             "--version"}) {
    EXPECT_NE(help.out.find(option), std::string::npos) << option;
  }
  for (const char* default_value :
       {"(=unix:///tmp/csi.sock)", "(=secrets-store.csi.k8s.io)", "(=:8095)", "(=:9808)", "(=2m)",
        "(=/usr/lib/sscsi/plugins)", "(=/run/sscsi)", "(=false)", "(=0)"}) {
    EXPECT_NE(help.out.find(default_value), std::string::npos) << default_value;
  }
  EXPECT_NE(flattened(help.out).find("0-1 info, 2-4 debug, 5 trace"), std::string::npos);
  EXPECT_EQ(parse_exit({"-h"}).out, help.out);
  EXPECT_EQ(help_text(), help.out);
}

TEST(AppOptions, HelpWinsOverOtherValidOptions) {
  EXPECT_EQ(parse_exit({"--v=3", "--help"}).exit_code, 0);
}

TEST(AppOptions, VersionPrintsUpstreamsJsonShape) {
  const EarlyExit version = parse_exit({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  ASSERT_FALSE(version.out.empty());
  EXPECT_EQ(version.out.back(), '\n');
  const auto json = nlohmann::json::parse(version.out);
  EXPECT_EQ(json.size(), 3u);
  EXPECT_EQ(json.at("BuildVersion"), build_info().version);
  EXPECT_EQ(json.at("GitCommit"), build_info().git_commit);
  EXPECT_EQ(json.at("BuildDate"), build_info().build_date);
  EXPECT_FALSE(build_info().version.empty());
  EXPECT_FALSE(build_info().git_commit.empty());
  EXPECT_EQ(version.out.find("{\"BuildVersion\":"), 0u);
}

struct ErrorCase {
  std::vector<std::string> args;
  std::string expected;  // a part of the one-line message
};

void PrintTo(const ErrorCase& error_case, std::ostream* out) {
  for (const std::string& arg : error_case.args) *out << '[' << arg.substr(0, 40) << ']';
}

class AppOptionErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(AppOptionErrorTest, ExitsTwoWithOneLineNamingTheProblem) {
  const EarlyExit exit = parse_exit(GetParam().args);
  EXPECT_EQ(exit.exit_code, kUsageExitCode);
  EXPECT_EQ(exit.out, "");
  EXPECT_EQ(exit.err.find("sscsi-host: "), 0u) << exit.err;
  EXPECT_NE(exit.err.find(GetParam().expected), std::string::npos) << exit.err;
  EXPECT_NE(exit.err.find("(see sscsi-host --help)\n"), std::string::npos) << exit.err;
  EXPECT_EQ(exit.err.find('\n'), exit.err.size() - 1) << "more than one line: " << exit.err;
}

INSTANTIATE_TEST_SUITE_P(
    AppEveryError, AppOptionErrorTest,
    testing::Values(
        ErrorCase{{"--bogus"}, "unknown option --bogus"},
        ErrorCase{{"--spc-dir=/a", "--kubeconfig=/b"}, "--spc-dir and --kubeconfig exclude"},
        ErrorCase{{"--kube-api-qps=0"},
                  "option --kube-api-qps: \"0\" must be a whole number from 1 to 1000"},
        ErrorCase{{"--kube-api-qps=2.5"}, "\"2.5\" must be a whole number from 1 to 1000"},
        ErrorCase{{"--kube-api-burst=10001"},
                  "option --kube-api-burst: \"10001\" must be a whole number from 1 to 10000"},
        ErrorCase{{"--endpointx=unix:///a"}, "unknown option --endpointx"},
        ErrorCase{{"--end=unix:///a"}, "unknown option --end"},  // no prefix guessing
        ErrorCase{{"-x"}, "unknown option -x"},
        ErrorCase{{"stray"}, "unexpected argument \"stray\""},
        ErrorCase{{"--enable-secret-rotation", "no"},
                  "option --enable-secret-rotation: \"no\" is not a boolean"},
        ErrorCase{{"--v=1", "stray"}, "unexpected argument \"stray\""},
        ErrorCase{{"--endpoint", "--nodeid", "x"},
                  "option --endpoint: \"--nodeid\" must have the form unix:///ABSOLUTE/PATH"},
        ErrorCase{{"--endpoint"}, "'--endpoint' is missing"},
        ErrorCase{{"--help=yes"}, "'--help' does not take any arguments"},
        ErrorCase{{"--nodeid=a", "--nodeid=b"}, "'--nodeid' cannot be specified more than once"},
        ErrorCase{{"--endpoint=tcp://0.0.0.0:1"}, "option --endpoint: \"tcp://0.0.0.0:1\": tcp"},
        ErrorCase{{"--endpoint=unix://tmp/csi.sock"}, "option --endpoint: \"unix://tmp/csi.sock\""},
        ErrorCase{{"--nodeid=" + std::string(300, 'n')}, "option --nodeid: the value is 300 bytes"},
        ErrorCase{{"--drivername=bad_name"}, "option --drivername: \"bad_name\" is not a CSI"},
        ErrorCase{{"--metrics-addr=8095"}, "option --metrics-addr: \"8095\" must have the form"},
        ErrorCase{{"--metrics-addr=:99999"}, "option --metrics-addr: \":99999\": the port"},
        ErrorCase{{"--health-addr=9808"}, "option --health-addr: \"9808\" must have the form"},
        ErrorCase{{"--enable-secret-rotation=maybe"},
                  "option --enable-secret-rotation: \"maybe\" is not a boolean"},
        ErrorCase{{"--log-format-json=yes"}, "option --log-format-json: \"yes\" is not a boolean"},
        ErrorCase{{"--rotation-poll-interval=2x"},
                  "option --rotation-poll-interval: invalid duration \"2x\": unknown unit \"x\""},
        ErrorCase{{"--rotation-poll-interval=120"},
                  "option --rotation-poll-interval: invalid duration \"120\": missing unit"},
        ErrorCase{{"--rotation-poll-interval=0s"},
                  "option --rotation-poll-interval: \"0s\" must be greater than zero"},
        ErrorCase{{"--rotation-poll-interval=-1m"},
                  "option --rotation-poll-interval: \"-1m\" must be greater than zero"},
        ErrorCase{{"-v", "9"}, "option --v: \"9\" must be a whole number from 0 to 5"},
        ErrorCase{{"--v=-1"}, "option --v: \"-1\" must be a whole number from 0 to 5"},
        ErrorCase{{"-v=high"}, "option --v: \"high\" must be a whole number from 0 to 5"},
        ErrorCase{{"--plugin-dir", ""}, "option --plugin-dir: the directory is empty"},
        ErrorCase{{"--plugin-dir="}, "'--plugin-dir' should follow immediately after the equal"},
        ErrorCase{{"--plugin-config=mock"}, "option --plugin-config: \"mock\" must have the form"},
        ErrorCase{{"--plugin-config=bad name=x.json"},
                  "option --plugin-config: \"bad name=x.json\": the provider name \"bad name\""},
        ErrorCase{{"--plugin-config=mock="}, "option --plugin-config: \"mock=\": the FILE"},
        ErrorCase{{"--plugin-config=mock=a.json", "--plugin-config=mock=b.json"},
                  "option --plugin-config: provider \"mock\" is configured twice (a.json and "
                  "b.json)"},
        ErrorCase{{"--require-plugins=a,,b"},
                  "option --require-plugins: \"a,,b\" contains an empty provider name"},
        ErrorCase{{"--require-plugins=a.b"}, "option --require-plugins: \"a.b\": the provider"},
        ErrorCase{{"--state-dir=run/sscsi"},
                  "option --state-dir: \"run/sscsi\" must be an absolute path"},
        ErrorCase{{"--config=/nonexistent/sscsi-host.conf"},
                  "config file /nonexistent/sscsi-host.conf cannot be opened: No such file or "
                  "directory"},
        ErrorCase{{"--config=/"}, "config file / is not a regular file"},
        ErrorCase{{"--config", ""}, "option --config: the file name is empty"}));

// The file picks the plugin directory: only root (or the host's user) may be able to change it.
TEST_F(AppConfigFileTest, AFileOthersMayWriteOrOwnIsRefused) {
  const std::string file = write("v = 2\n");
  const auto parse_fails = [](const std::vector<std::string>& args) {
    const EarlyExit exit = parse_exit(args);
    EXPECT_EQ(exit.exit_code, kUsageExitCode);
    return exit.err;
  };
  const auto message = [&](const std::string& problem) {
    return "sscsi-host: config file " + file + " " + problem + " (see sscsi-host --help)\n";
  };
  ASSERT_EQ(chmod(file.c_str(), 0666), 0);
  EXPECT_EQ(parse_fails({"--config", file}),
            message("is world-writable (mode 0666); remove that permission (chmod o-w)"));
  ASSERT_EQ(chmod(file.c_str(), 0620), 0);
  EXPECT_EQ(parse_fails({"--config", file}),
            message("is group-writable (mode 0620); remove that permission (chmod g-w)"));
  ASSERT_EQ(chmod(file.c_str(), 0644), 0);
  if (geteuid() == 0) {
    ASSERT_EQ(chown(file.c_str(), 65534, 65534), 0);
    EXPECT_EQ(parse_fails({"--config", file}),
              message("is owned by uid 65534; it must be owned by root (uid 0)"));
  }
  ASSERT_EQ(chown(file.c_str(), geteuid(), getegid()), 0);
  parse_ok({"--config", file});  // the same file, once fixed
}

TEST_F(AppConfigFileTest, AFileInADirectoryOthersMayWriteIsRefused) {
  const std::string file = write("v = 2\n");
  ASSERT_EQ(chmod(dir_.c_str(), 0777), 0);
  const EarlyExit exit = parse_exit({"--config", file});
  EXPECT_EQ(exit.exit_code, kUsageExitCode);
  EXPECT_EQ(exit.err, "sscsi-host: config file " + file + " is inside " + dir_.string() +
                          ", which is world-writable (mode 0777); remove that permission (chmod "
                          "o-w) (see sscsi-host --help)\n");
  ASSERT_EQ(chmod(dir_.c_str(), 01777), 0);  // sticky, like /tmp: only the owner may rename
  parse_ok({"--config", file});
}

TEST_F(AppConfigFileTest, AFifoIsRefusedWithoutBlocking) {
  const fs::path fifo = dir_ / "host.conf";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const EarlyExit exit = parse_exit({"--config", fifo.string()});
  EXPECT_EQ(exit.err, "sscsi-host: config file " + fifo.string() +
                          " is not a regular file (see sscsi-host --help)\n");
}

TEST_F(AppConfigFileTest, ReadsEveryKeyFromTheFile) {
  const std::string config = write(
      "# a comment\n"
      "endpoint = unix:///csi/csi.sock\n"
      "nodeid = node-1\n"
      "drivername = secrets-store.csi.k8s.io\n"
      "metrics-addr = :9000\n"
      "health-addr = 127.0.0.1:9001\n"
      "enable-secret-rotation = true\n"
      "rotation-poll-interval = 30s\n"
      "log-format-json = true\n"
      "v = 2\n"
      "plugin-dir = build/plugins\n"
      "plugin-config = mock=config/plugins/mock.json\n"
      "plugin-config = azure=/etc/sscsi/azure.json\n"
      "require-plugins = mock\n"
      "require-plugins = azure\n"
      "state-dir = /run/sscsi-test\n"
      "kubeconfig = /root/.kube/config\n");
  const Options options = parse_ok({"--config", config});
  EXPECT_EQ(options.config_file, config);
  EXPECT_EQ(options.csi_socket, "/csi/csi.sock");
  EXPECT_EQ(options.node_id, "node-1");
  EXPECT_EQ(options.metrics_address, (ListenAddress{"", 9000}));
  EXPECT_EQ(options.health_address, (ListenAddress{"127.0.0.1", 9001}));
  EXPECT_TRUE(options.enable_secret_rotation);
  EXPECT_EQ(options.rotation_poll_interval, 30s);
  EXPECT_TRUE(options.log_format_json);
  EXPECT_EQ(options.verbosity, 2);
  EXPECT_EQ(options.plugin_dir, "build/plugins");
  EXPECT_EQ(options.plugin_configs,
            (std::map<std::string, fs::path>{{"azure", "/etc/sscsi/azure.json"},
                                             {"mock", "config/plugins/mock.json"}}));
  EXPECT_EQ(options.required_plugins, (std::vector<std::string>{"mock", "azure"}));
  EXPECT_EQ(options.state_dir, "/run/sscsi-test");
  EXPECT_EQ(options.kubeconfig, "/root/.kube/config");
}

TEST_F(AppConfigFileTest, CommandLineWinsOverTheFile) {
  const std::string config = write(
      "v = 2\n"
      "nodeid = from-file\n"
      "rotation-poll-interval = 30s\n"
      "enable-secret-rotation = true\n"
      "require-plugins = azure,mock\n"
      "plugin-config = mock=file-mock.json\n"
      "plugin-config = azure=file-azure.json\n");
  const Options options = parse_ok({"--v=5", "--config", config, "--enable-secret-rotation=false",
                                    "--require-plugins=mock", "--plugin-config=mock=cli-mock.json",
                                    "--plugin-config=extra=cli-extra.json"});
  EXPECT_EQ(options.verbosity, 5);
  EXPECT_EQ(options.node_id, "from-file");  // not on the command line
  EXPECT_EQ(options.rotation_poll_interval, 30s);
  EXPECT_FALSE(options.enable_secret_rotation);
  // A list option is replaced as a whole; plugin configs are replaced name by name.
  EXPECT_EQ(options.required_plugins, (std::vector<std::string>{"mock"}));
  EXPECT_EQ(options.plugin_configs, (std::map<std::string, fs::path>{
                                        {"azure", "file-azure.json"},
                                        {"extra", "cli-extra.json"},
                                        {"mock", "cli-mock.json"},
                                    }));
}

TEST_F(AppConfigFileTest, ErrorsNameTheFileAndTheKey) {
  const auto expect_error = [&](const std::string& content, const std::string& expected) {
    const std::string config = write(content);
    const EarlyExit exit = parse_exit({"--config=" + config});
    EXPECT_EQ(exit.exit_code, kUsageExitCode);
    EXPECT_NE(exit.err.find(expected), std::string::npos) << exit.err;
    EXPECT_NE(exit.err.find(config), std::string::npos) << exit.err;
    EXPECT_NE(exit.err.find("(see sscsi-host --help)"), std::string::npos) << exit.err;
  };
  expect_error("bogus = 1\n", "unknown key \"bogus\"");
  expect_error("config = other.conf\n", "unknown key \"config\"");
  expect_error("help = true\n", "unknown key \"help\"");
  expect_error("this line has no equals sign\n", "invalid line");
  expect_error("v = 9\n", "key \"v\" in config file");
  expect_error("v = 9\n", "\"9\" must be a whole number from 0 to 5");
  expect_error("v = 1\nv = 2\n", "cannot be specified more than once");
  expect_error("rotation-poll-interval = soon\n", "key \"rotation-poll-interval\" in config file");
  expect_error("plugin-config = mock=a.json\nplugin-config = mock=b.json\n",
               "provider \"mock\" is configured twice (a.json and b.json)");
  expect_error("endpoint = tcp://0.0.0.0:1\n", "tcp endpoints are not offered");
}

TEST_F(AppConfigFileTest, AnErrorInTheFileIsReportedEvenWhenTheCommandLineOverridesIt) {
  // The file is read whole: a broken file is a problem worth knowing about.
  const std::string config = write("bogus = 1\n");
  EXPECT_EQ(parse_exit({"--config", config, "--v=1"}).exit_code, kUsageExitCode);
}

TEST_F(AppConfigFileTest, AValueOverriddenOnTheCommandLineIsNotChecked) {
  // Only the value in effect is validated, so a bad file value can be overridden at once.
  const std::string config = write("v = 9\n");
  EXPECT_EQ(parse_ok({"--config", config, "--v=1"}).verbosity, 1);
}

}  // namespace
}  // namespace sscsi::app
