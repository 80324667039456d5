// What reaches the log: one line per call with method, volume, target, duration and status,
// and never a token, a secret or a mount flag (upstream CVE-2023-2878 logged the tokens).

#include "csi/volume_context_keys.h"
#include "server_fixture.h"

namespace sscsi::csi {
namespace {

namespace pb = ::csi::v1;
using testing::context_with_timeout;
using CsiServerLogging = testing::CsiServerFixture;

constexpr std::string_view kTokenCanary = "eyJhbGciOiJSUzI1NiJ9.TOKEN-CANARY-51c2";
constexpr std::string_view kSecretCanary = "SECRET-CANARY-9e77";
constexpr std::string_view kSecretKeyCanary = "SECRETKEY-CANARY-3d10";
constexpr std::string_view kFlagCanary = "FLAG-CANARY-a4b8";

pb::NodePublishVolumeRequest with_canaries(pb::NodePublishVolumeRequest request) {
  (*request.mutable_volume_context())[std::string(keys::kServiceAccountTokens)] =
      std::string(R"({"api://AzureADTokenExchange":{"token":")") + std::string(kTokenCanary) +
      R"(","expirationTimestamp":"2030-01-01T00:00:00Z"}})";
  (*request.mutable_secrets())[std::string(kSecretKeyCanary)] = std::string(kSecretCanary);
  request.mutable_volume_capability()->mutable_mount()->add_mount_flags(std::string(kFlagCanary));
  return request;
}

void expect_no_canary(const std::string& log) {
  for (const std::string_view canary :
       {kTokenCanary, kSecretCanary, kSecretKeyCanary, kFlagCanary}) {
    EXPECT_EQ(log.find(canary), std::string::npos) << canary << " leaked into:\n" << log;
  }
  EXPECT_EQ(log.find("TOKEN-CANARY"), std::string::npos);
}

TEST_F(CsiServerLogging, CanariesNeverReachTheLogAtTraceLevel) {
  start();
  // Success, a Publisher failure, and each validation failure that happens after the tokens
  // and secrets are present.
  ASSERT_TRUE(publish(with_canaries(publish_request())).ok());
  publisher_.answer({publish::Status::Code::PermissionDenied, "identity refused by Key Vault"});
  EXPECT_EQ(publish(with_canaries(publish_request())).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto readonly_false = with_canaries(publish_request());
  readonly_false.set_readonly(false);
  EXPECT_EQ(publish(readonly_false).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto wrong_uid = with_canaries(publish_request());
  (*wrong_uid.mutable_volume_context())[std::string(keys::kPodUid)] = "other";
  EXPECT_EQ(publish(wrong_uid).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto no_spc = with_canaries(publish_request());
  no_spc.mutable_volume_context()->erase(std::string(keys::kSecretProviderClass));
  EXPECT_EQ(publish(no_spc).error_code(), grpc::StatusCode::UNKNOWN);

  pb::NodeStageVolumeRequest stage;
  stage.set_volume_id("vol");
  stage.set_staging_target_path("/staging");
  stage.mutable_volume_capability()->mutable_mount()->add_mount_flags(std::string(kFlagCanary));
  (*stage.mutable_secrets())["k"] = std::string(kSecretCanary);
  pb::NodeStageVolumeResponse stage_response;
  ASSERT_TRUE(node_->NodeStageVolume(context_with_timeout().get(), stage, &stage_response).ok());

  const std::string log = log_.text();
  expect_no_canary(log);
  // The lines are there: the test would pass vacuously on an empty log otherwise.
  EXPECT_NE(
      log.find("CSI NodePublishVolume volume=\"csi-0123456789abcdef\" target=\"" + target() + "\""),
      std::string::npos)
      << log;
  EXPECT_NE(log.find("code=PERMISSION_DENIED message=\"identity refused by Key Vault\""),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("code=INVALID_ARGUMENT message=\"Readonly is not true in request\""),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("CSI NodeStageVolume"), std::string::npos) << log;
}

TEST_F(CsiServerLogging, OneLinePerCallWithDurationAndCode) {
  start();
  ASSERT_TRUE(publish(publish_request()).ok());
  pb::ProbeResponse probe;
  ASSERT_TRUE(identity_->Probe(context_with_timeout().get(), pb::ProbeRequest(), &probe).ok());
  pb::NodeGetInfoResponse info;
  ASSERT_TRUE(
      node_->NodeGetInfo(context_with_timeout().get(), pb::NodeGetInfoRequest(), &info).ok());

  const std::string log = log_.text();
  std::size_t publish_lines = 0;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("CSI NodePublishVolume") == std::string::npos) continue;
    ++publish_lines;
    EXPECT_NE(line.find(" duration="), std::string::npos) << line;
    EXPECT_NE(line.find("ms code=OK"), std::string::npos) << line;
    EXPECT_NE(line.find("[debug]"), std::string::npos) << line;
  }
  EXPECT_EQ(publish_lines, 1u) << log;
  EXPECT_NE(log.find("[trace] CSI Probe duration="), std::string::npos) << log;
  EXPECT_NE(log.find("[debug] CSI NodeGetInfo duration="), std::string::npos) << log;
}

TEST_F(CsiServerLogging, FailuresAreWarningsAndRequestStringsAreEscaped) {
  start();
  auto request = publish_request();
  request.set_volume_id("vol\nFORGED LINE");
  request.set_readonly(false);
  EXPECT_EQ(publish(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::string log = log_.text();
  EXPECT_NE(log.find("[warning] CSI NodePublishVolume volume=\"vol\\nFORGED LINE\""),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("\nFORGED LINE"), std::string::npos) << log;
}

}  // namespace
}  // namespace sscsi::csi
