// sscsi-ctl end to end, in-process, against a CsiServer on a real socket whose fake Publisher
// writes files the way the atomic writer does.

#include "sscsi-ctl/commands.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "csi/volume_context_keys.h"
#include "server_fixture.h"
#include "sscsi-ctl/publish_request.h"

namespace sscsi::tools {
namespace {

namespace fs = std::filesystem;
namespace keys = sscsi::csi::keys;

struct Result {
  int status;
  std::string out;
  std::string err;
};

class CsiCtlRun : public sscsi::csi::testing::CsiServerFixture {
 protected:
  Result run(std::vector<std::string> args) {
    args.insert(args.begin(),
                {"--endpoint", "unix://" + server_->socket_path().string(), "--timeout", "20s"});
    std::ostringstream out;
    std::ostringstream err;
    const int status = run_ctl(args, out, err);
    return {status, out.str(), err.str()};
  }

  std::vector<std::string> publish_args(const std::string& uid = "pod-uid-1") {
    return {"publish", "--target", target(uid), "--spc",     "azure-kv", "--namespace",
            "team-a",  "--pod",    "web-0",     "--pod-uid", uid};
  }
};

void write_files(const std::string& target) {
  const fs::path data = fs::path(target) / "..2026_01_02_03_04_05.1";
  fs::create_directories(data / "db");
  std::ofstream(data / "username") << "alice";
  std::ofstream(data / "db" / "password") << "correct horse\n";
  fs::create_directory_symlink("..2026_01_02_03_04_05.1", fs::path(target) / "..data");
  fs::create_symlink("..data/username", fs::path(target) / "username");
  fs::create_directory_symlink("..data/db", fs::path(target) / "db");
}

TEST_F(CsiCtlRun, ProbePrintsReadiness) {
  start();
  const Result result = run({"probe"});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, "ready: true\n");
}

TEST_F(CsiCtlRun, InfoPrintsIdentityNodeAndCapabilities) {
  start();
  const Result result = run({"info"});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out,
            "driver:              secrets-store.csi.k8s.io\n"
            "vendor version:      9.8.7-test\n"
            "plugin capabilities: CONTROLLER_SERVICE\n"
            "node id:             node-under-test\n"
            "node capabilities:   STAGE_UNSTAGE_VOLUME\n");
}

TEST_F(CsiCtlRun, PublishListsWhatWasMountedAndShowPrintsContents) {
  start();
  publisher_.on_publish(
      [](const publish::PublishRequest& request) { write_files(request.target_path); });
  auto args = publish_args();
  const Result listed = run(args);
  ASSERT_EQ(listed.status, 0) << listed.err;
  const std::string volume_id = default_volume_id(target());
  EXPECT_EQ(listed.out, "published " + volume_id + " at " + target() +
                            ": 2 files\n"
                            "        14  db/password\n"
                            "         5  username\n");

  fs::remove_all(target());
  args.push_back("--show");
  const Result shown = run(args);
  ASSERT_EQ(shown.status, 0) << shown.err;
  EXPECT_NE(shown.out.find("==> db/password <==\ncorrect horse\n==> username <==\nalice\n"),
            std::string::npos)
      << shown.out;
}

TEST_F(CsiCtlRun, PublishSendsSecretsAndTokensAsTheKubeletDoes) {
  start();
  publisher_.on_publish(
      [](const publish::PublishRequest& request) { fs::create_directories(request.target_path); });
  std::ofstream(dir_.path() / "token") << "jwt-value\n";
  std::ofstream(dir_.path() / "client-secret") << "s3cr3t\n";
  auto args = publish_args();
  for (const std::string& extra : std::vector<std::string>{
           "--secret", "clientid=abc", "--secret-file",
           "clientsecret=" + (dir_.path() / "client-secret").string(), "--token",
           "api://AzureADTokenExchange=" + (dir_.path() / "token").string(), "--service-account",
           "web"}) {
    args.push_back(extra);
  }
  const Result result = run(args);
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find(": 0 files\n"), std::string::npos) << result.out;

  ASSERT_EQ(publisher_.published().size(), 1u);
  const publish::PublishRequest request = publisher_.published()[0];
  EXPECT_EQ(request.secrets,
            (std::map<std::string, std::string>{{"clientid", "abc"}, {"clientsecret", "s3cr3t"}}));
  EXPECT_EQ(request.volume_context.at(std::string(keys::kServiceAccountName)), "web");
  EXPECT_EQ(request.volume_context.at(std::string(keys::kEphemeral)), "true");
  const auto tokens =
      nlohmann::json::parse(request.volume_context.at(std::string(keys::kServiceAccountTokens)));
  EXPECT_EQ(tokens["api://AzureADTokenExchange"]["token"], "jwt-value");
  EXPECT_TRUE(tokens["api://AzureADTokenExchange"].contains("expirationTimestamp"));
}

TEST_F(CsiCtlRun, DriverErrorsArePrintedWithTheirCodeAndExitOne) {
  start();
  publisher_.answer(
      {publish::Status::Code::NotFound, "SecretProviderClass team-a/azure-kv not found"});
  const Result not_found = run(publish_args());
  EXPECT_EQ(not_found.status, 1);
  EXPECT_EQ(not_found.err, "error: NOT_FOUND: SecretProviderClass team-a/azure-kv not found\n");
  EXPECT_EQ(not_found.out, "");

  // The server refuses a target of another pod.
  auto args = publish_args();
  args[2] = target("someone-else");
  const Result mismatch = run(args);
  EXPECT_EQ(mismatch.status, 1);
  EXPECT_EQ(mismatch.err.rfind("error: INVALID_ARGUMENT: Target path", 0), 0u) << mismatch.err;
}

TEST_F(CsiCtlRun, UnpublishReportsWhatWasUnpublished) {
  start();
  const Result result = run({"unpublish", "--target", target()});
  EXPECT_EQ(result.status, 0) << result.err;
  const std::string volume_id = default_volume_id(target());
  EXPECT_EQ(result.out, "unpublished " + volume_id + " from " + target() + "\n");
  ASSERT_EQ(publisher_.unpublished().size(), 1u);
  EXPECT_EQ(publisher_.unpublished()[0], std::make_pair(volume_id, target()));
}

TEST_F(CsiCtlRun, UnreachableDriverIsUnavailable) {
  start();
  server_->shutdown();
  const Result result = run({"probe"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err.rfind("error: UNAVAILABLE: ", 0), 0u) << result.err;
}

// A socket someone else made (the default /tmp/csi.sock can be taken first) gets no request,
// so no --secret value or token reaches it.
TEST_F(CsiCtlRun, ASocketOwnedByAnotherUserIsNotSentAnything) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give the socket away";
  start();
  const std::string socket = server_->socket_path().string();
  ASSERT_EQ(chown(socket.c_str(), 65534, 65534), 0);
  std::vector<std::string> args = publish_args();
  args.insert(args.end(), {"--secret", "clientsecret=s3cr3t"});
  const Result result = run(args);
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err, "error: " + socket +
                            " is owned by uid 65534, not by root or this user (uid 0), so it is "
                            "not sscsi-host's socket; nothing was sent to it\n");
  EXPECT_TRUE(publisher_.published().empty());
  ASSERT_EQ(chown(socket.c_str(), 0, 0), 0);
  EXPECT_EQ(run({"probe"}).status, 0);  // the same socket, given back
}

TEST_F(CsiCtlRun, UsageErrorsExitTwo) {
  start();
  const Result no_command = run({});
  EXPECT_EQ(no_command.status, 2);
  EXPECT_EQ(no_command.err,
            "sscsi-ctl: no command given; expected probe, info, publish, unpublish or refresh\n"
            "Run 'sscsi-ctl --help' for usage.\n");

  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_ctl({"--endpoint", "tcp://127.0.0.1:1", "probe"}, out, err), 2);
  EXPECT_NE(err.str().find("only unix sockets are served"), std::string::npos) << err.str();

  auto args = publish_args();
  args.push_back("--token");
  args.push_back("aud=" + (dir_.path() / "no-such-token").string());
  const Result bad_token = run(args);
  EXPECT_EQ(bad_token.status, 2);
  EXPECT_NE(bad_token.err.find("cannot open the token file"), std::string::npos) << bad_token.err;
  EXPECT_TRUE(publisher_.published().empty());
}

TEST_F(CsiCtlRun, HelpExitsZero) {
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_ctl({"--help"}, out, err), 0);
  EXPECT_NE(out.str().find("usage: sscsi-ctl"), std::string::npos);
  EXPECT_EQ(err.str(), "");
}

}  // namespace
}  // namespace sscsi::tools
