// The requests sscsi-ctl builds and the listing of a mounted volume.

#include "sscsi-ctl/publish_request.h"

#include <fstream>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "csi/volume_context_keys.h"
#include "csi_test_support.h"
#include "sscsi-ctl/volume_listing.h"

namespace sscsi::tools {
namespace {

namespace fs = std::filesystem;
namespace keys = sscsi::csi::keys;
using sscsi::csi::testing::TempDir;

TEST(CsiCtlRequest, DefaultVolumeIdIsCsiPlusSha256OfTheTarget) {
  // SHA-256("abc") from FIPS 180-2, appendix B.1.
  EXPECT_EQ(default_volume_id("abc"),
            "csi-ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(default_volume_id("/a"), default_volume_id("/b"));
}

TEST(CsiCtlRequest, Rfc3339IsUtcWithSeconds) {
  EXPECT_EQ(rfc3339_utc(std::chrono::system_clock::from_time_t(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339_utc(std::chrono::system_clock::from_time_t(1767322800)),
            "2026-01-02T03:00:00Z");
}

TEST(CsiCtlRequest, TokensJsonHasTheKubeletShape) {
  TempDir dir;
  std::ofstream(dir.path() / "a.jwt") << "  header.payload.sig\n";
  std::ofstream(dir.path() / "b.jwt") << "second";
  const auto now = std::chrono::system_clock::from_time_t(1767322800);
  const auto json = nlohmann::json::parse(
      service_account_tokens_json({{"api://AzureADTokenExchange", (dir.path() / "a.jwt").string()},
                                   {"vault", (dir.path() / "b.jwt").string()}},
                                  now));
  EXPECT_EQ(json, nlohmann::json::parse(R"({
    "api://AzureADTokenExchange": {"token": "header.payload.sig",
                                   "expirationTimestamp": "2026-01-02T04:00:00Z"},
    "vault": {"token": "second", "expirationTimestamp": "2026-01-02T04:00:00Z"}})"));
}

TEST(CsiCtlRequest, UnreadableOrEmptyTokenFilesAreNamed) {
  TempDir dir;
  const std::string missing = (dir.path() / "missing").string();
  try {
    service_account_tokens_json({{"aud", missing}}, std::chrono::system_clock::now());
    FAIL() << "accepted a missing file";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), "--token aud=" + missing + ": cannot open the token file");
  }
  const std::string empty = (dir.path() / "empty").string();
  std::ofstream(empty) << " \n";
  try {
    service_account_tokens_json({{"aud", empty}}, std::chrono::system_clock::now());
    FAIL() << "accepted an empty file";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), "--token aud=" + empty + ": the token file is empty");
  }
}

TEST(CsiCtlRequest, PublishRequestLooksLikeTheKubelets) {
  PublishCommand command;
  command.target = "/var/lib/kubelet/pods/u1/volumes/kubernetes.io~csi/v/mount";
  command.secret_provider_class = "azure-kv";
  command.pod_namespace = "team-a";
  command.pod_name = "web-0";
  command.pod_uid = "u1";
  command.secrets = {{"clientid", "abc"}};
  const auto request = make_publish_request(command, std::chrono::system_clock::now());
  EXPECT_EQ(request.volume_id(), default_volume_id(command.target));
  EXPECT_EQ(request.target_path(), command.target);
  EXPECT_TRUE(request.readonly());
  EXPECT_TRUE(request.volume_capability().has_mount());
  EXPECT_EQ(request.volume_capability().access_mode().mode(),
            ::csi::v1::VolumeCapability::AccessMode::SINGLE_NODE_READER_ONLY);
  const std::map<std::string, std::string> context(request.volume_context().begin(),
                                                   request.volume_context().end());
  EXPECT_EQ(context, (std::map<std::string, std::string>{
                         {"secretProviderClass", "azure-kv"},
                         {"csi.storage.k8s.io/pod.name", "web-0"},
                         {"csi.storage.k8s.io/pod.namespace", "team-a"},
                         {"csi.storage.k8s.io/pod.uid", "u1"},
                         {"csi.storage.k8s.io/serviceAccount.name", "default"},
                         {"csi.storage.k8s.io/ephemeral", "true"},
                     }));
  EXPECT_EQ(request.secrets().at("clientid"), "abc");

  command.volume_id = "given";
  EXPECT_EQ(make_publish_request(command, std::chrono::system_clock::now()).volume_id(), "given");
}

TEST(CsiCtlRequest, SecretFilesAreReadWithoutTheirTrailingLineBreaks) {
  TempDir dir;
  std::ofstream(dir.path() / "secret", std::ios::binary) << " two\nlines \r\n\n";
  std::ofstream(dir.path() / "empty");
  PublishCommand command;
  command.target = "/t";
  command.secrets = {{"clientid", "abc"}};
  command.secret_files = {{"clientsecret", (dir.path() / "secret").string()},
                          {"blank", (dir.path() / "empty").string()}};
  const auto request = make_publish_request(command, std::chrono::system_clock::now());
  const std::map<std::string, std::string> secrets(request.secrets().begin(),
                                                   request.secrets().end());
  EXPECT_EQ(secrets, (std::map<std::string, std::string>{
                         {"clientid", "abc"}, {"clientsecret", " two\nlines "}, {"blank", ""}}));
}

TEST(CsiCtlRequest, AnUnreadableSecretFileIsNamedAndItsValueNotRead) {
  TempDir dir;
  PublishCommand command;
  command.target = "/t";
  const std::string missing = (dir.path() / "missing").string();
  command.secret_files = {{"clientsecret", missing}};
  try {
    make_publish_request(command, std::chrono::system_clock::now());
    FAIL() << "accepted a missing file";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "--secret-file clientsecret=" + missing + ": cannot open the secret file");
  }
}

TEST(CsiCtlRequest, UnpublishRequestUsesTheSameDefaultVolumeId) {
  UnpublishCommand command;
  command.target = "/t";
  EXPECT_EQ(make_unpublish_request(command).volume_id(), default_volume_id("/t"));
  EXPECT_EQ(make_unpublish_request(command).target_path(), "/t");
}

// The layout the atomic writer produces: data in a timestamped directory behind ..data, and a
// top-level symlink per name.
void write_atomic_layout(const fs::path& target) {
  const fs::path data = target / "..2026_01_02_03_04_05.123";
  fs::create_directories(data / "certs");
  std::ofstream(data / "username") << "alice";
  std::ofstream(data / "certs" / "tls.crt") << "-----BEGIN CERTIFICATE-----\n";
  fs::create_directory_symlink("..2026_01_02_03_04_05.123", target / "..data");
  fs::create_symlink("..data/username", target / "username");
  fs::create_directory_symlink("..data/certs", target / "certs");
}

TEST(CsiCtlListing, FollowsTopLevelSymlinksAndSkipsDotDotEntries) {
  TempDir dir;
  write_atomic_layout(dir.path());
  fs::create_directory(dir.path() / "..2026_01_01_00_00_00.old");
  std::ofstream(dir.path() / "..2026_01_01_00_00_00.old" / "stale") << "old";
  const auto files = list_volume(dir.path());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].path, "certs/tls.crt");
  EXPECT_EQ(files[0].size, 28u);
  EXPECT_EQ(files[1].path, "username");
  EXPECT_EQ(files[1].size, 5u);
}

TEST(CsiCtlListing, MissingDirectoryThrows) {
  TempDir dir;
  EXPECT_THROW(list_volume(dir.path() / "absent"), fs::filesystem_error);
}

}  // namespace
}  // namespace sscsi::tools
