#include "sscsi-ctl/command_line.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "sscsi-ctl/timeout.h"

namespace sscsi::tools {
namespace {

using namespace std::chrono_literals;

CtlOptions parsed(const std::vector<std::string>& args) {
  auto result = parse_command_line(args);
  if (std::holds_alternative<HelpRequest>(result)) {
    ADD_FAILURE() << "got help instead of options";
    return {};
  }
  return std::get<CtlOptions>(result);
}

std::string usage_error(const std::vector<std::string>& args) {
  try {
    parse_command_line(args);
  } catch (const UsageError& error) {
    return error.what();
  }
  return "(accepted)";
}

TEST(CsiCtlCommandLine, DefaultsAreTmpSocketAndTwoMinutes) {
  const CtlOptions options = parsed({"probe"});
  EXPECT_EQ(options.endpoint, "unix:///tmp/csi.sock");
  EXPECT_EQ(options.timeout, 2min);
  EXPECT_TRUE(std::holds_alternative<ProbeCommand>(options.command));
}

TEST(CsiCtlCommandLine, GlobalOptionsGoBeforeOrAfterTheCommand) {
  const CtlOptions before =
      parsed({"--endpoint", "unix:///run/a.sock", "--timeout", "30s", "info"});
  EXPECT_EQ(before.endpoint, "unix:///run/a.sock");
  EXPECT_EQ(before.timeout, 30s);
  EXPECT_TRUE(std::holds_alternative<InfoCommand>(before.command));

  const CtlOptions after = parsed({"info", "--endpoint=unix:///run/b.sock", "--timeout=1m30s"});
  EXPECT_EQ(after.endpoint, "unix:///run/b.sock");
  EXPECT_EQ(after.timeout, 90s);
}

TEST(CsiCtlCommandLine, PublishTakesEveryOption) {
  const CtlOptions options = parsed({"publish",
                                     "--target",
                                     "/var/lib/kubelet/pods/u1/volumes/kubernetes.io~csi/v/mount/",
                                     "--spc",
                                     "azure-kv",
                                     "--namespace",
                                     "team-a",
                                     "--pod",
                                     "web-0",
                                     "--pod-uid",
                                     "u1",
                                     "--service-account",
                                     "web",
                                     "--volume-id",
                                     "vol-7",
                                     "--secret",
                                     "clientid=abc",
                                     "--secret",
                                     "clientsecret=x=y",
                                     "--secret-file",
                                     "tenantid=/run/tenant",
                                     "--token",
                                     "api://AzureADTokenExchange=/run/token",
                                     "--show"});
  const auto& publish = std::get<PublishCommand>(options.command);
  EXPECT_EQ(publish.target, "/var/lib/kubelet/pods/u1/volumes/kubernetes.io~csi/v/mount");
  EXPECT_EQ(publish.secret_provider_class, "azure-kv");
  EXPECT_EQ(publish.pod_namespace, "team-a");
  EXPECT_EQ(publish.pod_name, "web-0");
  EXPECT_EQ(publish.pod_uid, "u1");
  EXPECT_EQ(publish.service_account, "web");
  EXPECT_EQ(publish.volume_id, "vol-7");
  EXPECT_EQ(publish.secrets,
            (std::map<std::string, std::string>{{"clientid", "abc"}, {"clientsecret", "x=y"}}));
  EXPECT_EQ(publish.secret_files,
            (std::map<std::string, std::string>{{"tenantid", "/run/tenant"}}));
  EXPECT_EQ(publish.token_files,
            (std::map<std::string, std::string>{{"api://AzureADTokenExchange", "/run/token"}}));
  EXPECT_TRUE(publish.show_contents);
}

TEST(CsiCtlCommandLine, PublishDefaultsAndRelativeTarget) {
  const CtlOptions options = parsed({"publish", "--target", "mnt/./x", "--spc", "s", "--namespace",
                                     "n", "--pod", "p", "--pod-uid", "u"});
  const auto& publish = std::get<PublishCommand>(options.command);
  EXPECT_EQ(publish.target, (std::filesystem::current_path() / "mnt" / "x").string());
  EXPECT_EQ(publish.service_account, "default");
  EXPECT_FALSE(publish.volume_id.has_value());
  EXPECT_TRUE(publish.secrets.empty());
  EXPECT_TRUE(publish.secret_files.empty());
  EXPECT_TRUE(publish.token_files.empty());
  EXPECT_FALSE(publish.show_contents);
}

TEST(CsiCtlCommandLine, UnpublishTakesTargetAndVolumeId) {
  const CtlOptions options = parsed({"unpublish", "--target", "/t", "--volume-id", "v"});
  const auto& unpublish = std::get<UnpublishCommand>(options.command);
  EXPECT_EQ(unpublish.target, "/t");
  EXPECT_EQ(unpublish.volume_id, "v");
}

TEST(CsiCtlCommandLine, HelpIsAnAnswerNotAnError) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"-h"}, {"publish", "--help"}, {"unpublish", "-h"}, {"--help", "probe"}}) {
    const auto result = parse_command_line(args);
    ASSERT_TRUE(std::holds_alternative<HelpRequest>(result)) << args[0];
    EXPECT_NE(std::get<HelpRequest>(result).text.find("usage: sscsi-ctl"), std::string::npos);
  }
  const auto publish_help = std::get<HelpRequest>(parse_command_line({"publish", "--help"}));
  EXPECT_NE(publish_help.text.find("--pod-uid"), std::string::npos);
}

TEST(CsiCtlCommandLine, UsageErrorsSayWhatIsWrong) {
  EXPECT_EQ(usage_error({}),
            "no command given; expected probe, info, publish, unpublish or refresh");
  EXPECT_EQ(usage_error({"mount"}),
            "unknown command \"mount\"; expected probe, info, publish, unpublish or refresh");
  EXPECT_EQ(usage_error({"unpublish"}), "the option '--target' is required but missing");
  EXPECT_EQ(
      usage_error({"publish", "--target", "/t", "--spc", "s", "--namespace", "n", "--pod", "p"}),
      "the option '--pod-uid' is required but missing");
  EXPECT_EQ(usage_error({"probe", "--target", "/t"}), "unrecognised option '--target'");
  EXPECT_EQ(usage_error({"probe", "--timeout", "5"}),
            "timeout \"5\": each number needs a unit: h, m, s or ms");
  EXPECT_EQ(usage_error({"unpublish", "--target", ""}), "--target is empty");
}

TEST(CsiCtlCommandLine, MalformedSecretIsRefusedWithoutEchoingIt) {
  const std::string error =
      usage_error({"publish", "--target", "/t", "--spc", "s", "--namespace", "n", "--pod", "p",
                   "--pod-uid", "u", "--secret", "hunter2-no-key"});
  EXPECT_EQ(error, "--secret needs the form KEY=VALUE");
  EXPECT_EQ(usage_error({"publish", "--target", "/t", "--spc", "s", "--namespace", "n", "--pod",
                         "p", "--pod-uid", "u", "--secret", "k=1", "--secret", "k=2"}),
            "--secret: k is given twice");
  EXPECT_EQ(usage_error({"publish", "--target", "/t", "--spc", "s", "--namespace", "n", "--pod",
                         "p", "--pod-uid", "u", "--secret", "k=1", "--secret-file", "k=/f"}),
            "--secret-file: k is also given with --secret");
  EXPECT_EQ(usage_error({"publish", "--target", "/t", "--spc", "s", "--namespace", "n", "--pod",
                         "p", "--pod-uid", "u", "--secret-file", "/f"}),
            "--secret-file needs the form KEY=FILE");
  EXPECT_EQ(usage_error({"publish", "--target", "/t", "--spc", "s", "--namespace", "n", "--pod",
                         "p", "--pod-uid", "u", "--token", "=file"}),
            "--token needs the form AUDIENCE=FILE");
}

TEST(CsiCtlTimeout, GoStyleDurations) {
  EXPECT_EQ(parse_timeout("2m"), 2min);
  EXPECT_EQ(parse_timeout("30s"), 30s);
  EXPECT_EQ(parse_timeout("1m30s"), 90s);
  EXPECT_EQ(parse_timeout("1h"), 1h);
  EXPECT_EQ(parse_timeout("1500ms"), 1500ms);
  EXPECT_EQ(parse_timeout("1s500ms"), 1500ms);
}

TEST(CsiCtlTimeout, BadDurationsAreNamed) {
  const auto error = [](std::string_view text) {
    try {
      parse_timeout(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_EQ(error(""), "timeout \"\": is empty; write e.g. 2m, 30s or 1m30s");
  EXPECT_EQ(error("10"), "timeout \"10\": each number needs a unit: h, m, s or ms");
  EXPECT_EQ(error("-5s"), "timeout \"-5s\": expected a whole number");
  EXPECT_EQ(error("1.5s"), "timeout \"1.5s\": each number needs a unit: h, m, s or ms");
  EXPECT_EQ(error("0s"), "timeout \"0s\": must be longer than zero");
  EXPECT_EQ(error("5d"), "timeout \"5d\": each number needs a unit: h, m, s or ms");
  EXPECT_EQ(error("999999h"), "timeout \"999999h\": is too long");
}

}  // namespace
}  // namespace sscsi::tools
