#include "app/option_values.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace sscsi::app {
namespace {

// Runs `parse` expecting std::invalid_argument whose message contains `part`.
template <class Parse>
void expect_refused(Parse parse, const std::string& part) {
  try {
    parse();
    ADD_FAILURE() << "accepted; expected a message containing: " << part;
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find(part), std::string::npos) << error.what();
  }
}

TEST(AppUnixEndpoint, GivesTheSocketPath) {
  EXPECT_EQ(parse_unix_endpoint("unix:///csi/csi.sock"), "/csi/csi.sock");
  EXPECT_EQ(parse_unix_endpoint("unix:///tmp/csi.sock"), "/tmp/csi.sock");
}

TEST(AppUnixEndpoint, RefusesWhatIsNotAnAbsoluteUnixSocket) {
  expect_refused([] { parse_unix_endpoint("tcp://127.0.0.1:10000"); },
                 "tcp endpoints are not offered");
  expect_refused([] { parse_unix_endpoint("unix://tmp/csi.sock"); }, "must be absolute");
  expect_refused([] { parse_unix_endpoint("/csi/csi.sock"); }, "unix:///ABSOLUTE/PATH");
  expect_refused([] { parse_unix_endpoint("unix://"); }, "must be absolute");
  expect_refused([] { parse_unix_endpoint("unix:///csi/"); }, "names a directory");
  expect_refused([] { parse_unix_endpoint("unix:///" + std::string(107, 'a')); },
                 "is 108 bytes; a unix socket path holds at most 107");
  EXPECT_NO_THROW(parse_unix_endpoint("unix:///" + std::string(106, 'a')));
}

TEST(AppListenAddress, AcceptsHostPortForms) {
  EXPECT_EQ(parse_listen_address(":8095"), (ListenAddress{"", 8095}));
  EXPECT_EQ(parse_listen_address("0.0.0.0:8095"), (ListenAddress{"0.0.0.0", 8095}));
  EXPECT_EQ(parse_listen_address("localhost:1"), (ListenAddress{"localhost", 1}));
  EXPECT_EQ(parse_listen_address("metrics.node-1.local:65535"),
            (ListenAddress{"metrics.node-1.local", 65535}));
  EXPECT_EQ(parse_listen_address("[::1]:8095"), (ListenAddress{"::1", 8095}));
  EXPECT_EQ(parse_listen_address("[::]:9000"), (ListenAddress{"::", 9000}));
  // Port 0: the kernel picks a free port (tests read the chosen one from the log).
  EXPECT_EQ(parse_listen_address("127.0.0.1:0"), (ListenAddress{"127.0.0.1", 0}));
  EXPECT_EQ(parse_listen_address(":0"), (ListenAddress{"", 0}));
}

TEST(AppListenAddress, PrintsAsWritten) {
  EXPECT_EQ(to_string(ListenAddress{"", 8095}), ":8095");
  EXPECT_EQ(to_string(ListenAddress{"127.0.0.1", 80}), "127.0.0.1:80");
  EXPECT_EQ(to_string(ListenAddress{"::1", 8095}), "[::1]:8095");
}

TEST(AppListenAddress, RefusesBadHostsAndPorts) {
  expect_refused([] { parse_listen_address("8095"); }, "must have the form HOST:PORT or :PORT");
  expect_refused([] { parse_listen_address(":"); },
                 "the port \"\" must be a number from 0 to 65535 (0: any free port)");
  expect_refused([] { parse_listen_address(":65536"); }, "the port \"65536\"");
  expect_refused([] { parse_listen_address(":http"); }, "the port \"http\"");
  expect_refused([] { parse_listen_address(":80x"); }, "the port \"80x\"");
  expect_refused([] { parse_listen_address(":-1"); }, "the port \"-1\"");
  expect_refused([] { parse_listen_address("::1:8095"); }, "write an IPv6 address in brackets");
  expect_refused([] { parse_listen_address("[::1]8095"); }, "[IPV6]:PORT");
  expect_refused([] { parse_listen_address("[nope]:8095"); }, "\"nope\" is not an IPv6 address");
  expect_refused([] { parse_listen_address("300.1.1.1:8095"); }, "neither a host name nor an IPv4");
  expect_refused([] { parse_listen_address("bad_host:8095"); }, "neither a host name nor an IPv4");
  expect_refused([] { parse_listen_address("-a:8095"); }, "neither a host name nor an IPv4");
  expect_refused([] { parse_listen_address("a..b:8095"); }, "neither a host name nor an IPv4");
}

TEST(AppBool, AcceptsGoSpellings) {
  for (const char* yes : {"1", "t", "T", "TRUE", "true", "True"}) EXPECT_TRUE(parse_bool(yes));
  for (const char* no : {"0", "f", "F", "FALSE", "false", "False"}) EXPECT_FALSE(parse_bool(no));
  expect_refused([] { parse_bool("yes"); }, "\"yes\" is not a boolean");
  expect_refused([] { parse_bool(""); }, "\"\" is not a boolean");
  expect_refused([] { parse_bool("tRuE"); }, "is not a boolean");
}

TEST(AppVerbosity, IsZeroToFive) {
  for (int level = 0; level <= 5; ++level) {
    EXPECT_EQ(parse_verbosity(std::to_string(level)), level);
  }
  for (const char* bad : {"6", "9", "-1", "", "2x", " 2", "+2", "99999999999"}) {
    expect_refused([bad] { parse_verbosity(bad); }, "must be a whole number from 0 to 5");
  }
}

TEST(AppProviderName, FollowsTheAbiRule) {
  EXPECT_TRUE(is_provider_name("mock"));
  EXPECT_TRUE(is_provider_name("azure_kv-2"));
  EXPECT_TRUE(is_provider_name(std::string(30, 'a')));
  EXPECT_FALSE(is_provider_name(std::string(31, 'a')));
  EXPECT_FALSE(is_provider_name(""));
  EXPECT_FALSE(is_provider_name("a.b"));
  EXPECT_FALSE(is_provider_name("a b"));
  EXPECT_FALSE(is_provider_name("a/b"));
}

TEST(AppPluginConfig, SplitsAtTheFirstEquals) {
  const auto [name, file] = parse_plugin_config("mock=/etc/sscsi/mock.json");
  EXPECT_EQ(name, "mock");
  EXPECT_EQ(file, "/etc/sscsi/mock.json");
  EXPECT_EQ(parse_plugin_config("a=b=c").second, "b=c");
  EXPECT_EQ(parse_plugin_config("a=relative.json").second, "relative.json");
}

TEST(AppPluginConfig, RefusesBadEntries) {
  expect_refused([] { parse_plugin_config("mock"); }, "must have the form NAME=FILE");
  expect_refused([] { parse_plugin_config("=x.json"); }, "the provider name \"\" must match");
  expect_refused([] { parse_plugin_config("a b=x.json"); }, "the provider name \"a b\" must match");
  expect_refused([] { parse_plugin_config(std::string(31, 'n') + "=x.json"); },
                 "must match ^[a-zA-Z0-9_-]{1,30}$");
  expect_refused([] { parse_plugin_config("mock="); }, "the FILE after '=' is empty");
}

TEST(AppProviderList, SplitsTrimsAndDeduplicates) {
  EXPECT_EQ(parse_provider_list("azure"), (std::vector<std::string>{"azure"}));
  EXPECT_EQ(parse_provider_list("azure,mock"), (std::vector<std::string>{"azure", "mock"}));
  EXPECT_EQ(parse_provider_list(" azure , mock "), (std::vector<std::string>{"azure", "mock"}));
  EXPECT_EQ(parse_provider_list("mock,azure,mock"), (std::vector<std::string>{"mock", "azure"}));
  expect_refused([] { parse_provider_list(""); }, "contains an empty provider name");
  expect_refused([] { parse_provider_list("a,,b"); }, "contains an empty provider name");
  expect_refused([] { parse_provider_list("a,"); }, "contains an empty provider name");
  expect_refused([] { parse_provider_list("a,b.c"); }, "the provider name \"b.c\" must match");
}

TEST(AppDriverName, FollowsTheCsiRule) {
  EXPECT_NO_THROW(check_driver_name("secrets-store.csi.k8s.io"));
  EXPECT_NO_THROW(check_driver_name(std::string(63, 'a')));
  expect_refused([] { check_driver_name(std::string(64, 'a')); }, "is not a CSI driver name");
  expect_refused([] { check_driver_name(""); }, "is not a CSI driver name");
  expect_refused([] { check_driver_name("-a"); }, "is not a CSI driver name");
  expect_refused([] { check_driver_name("a."); }, "is not a CSI driver name");
  expect_refused([] { check_driver_name("a_b"); }, "is not a CSI driver name");
}

TEST(AppNodeId, IsAtMost256Bytes) {
  EXPECT_NO_THROW(check_node_id(""));
  EXPECT_NO_THROW(check_node_id(std::string(256, 'n')));
  expect_refused([] { check_node_id(std::string(257, 'n')); },
                 "the value is 257 bytes long; a CSI node id holds at most 256");
}

}  // namespace
}  // namespace sscsi::app
