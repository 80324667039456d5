// cloudEnvFileName is read only inside the operator's allowedCloudEnvDirs (docs/SECURITY.md):
// the plugin runs as root in a container that sees other pods' volumes, /proc and /dev, and a
// refusal must say nothing about the file that was named.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cloud/azure_stack_file.h"
#include "common/mount_error.h"
#include "fifo_watchdog.h"

namespace sscsi::azure {
namespace {

using azure_test::FifoWatchdog;

const std::string kEnvFile =
    R"({"name":"AzureStackCloud","activeDirectoryEndpoint":"https://login.stack.example/",)"
    R"("keyVaultEndpoint":"https://vault.stack.example/","keyVaultDNSSuffix":"vault.stack.example"})";

std::string outside_message(const std::string& path, const std::string& dirs) {
  return "cloudEnvFileName \"" + path +
         "\" is outside the directories the azure plugin may read cloud files from "
         "(allowedCloudEnvDirs in its configuration: " +
         dirs + ")";
}

std::string read_error(const std::string& path, const std::vector<std::string>& allowed) {
  try {
    read_azure_stack_file(path, allowed);
  } catch (const MountError& e) {
    EXPECT_EQ(e.code(), SSCSI_INVALID_PARAMETERS);
    return e.what();
  }
  ADD_FAILURE() << "no MountError for " << path;
  return "";
}

// <tmp>/allowed is what the configuration lists; <tmp>/other holds a valid environment file the
// plugin must never read.
class ConfinedFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sscsi-azure-confined-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    allowed_dir_ = root_ + "/allowed";
    other_dir_ = root_ + "/other";
    ASSERT_EQ(::mkdir(allowed_dir_.c_str(), 0700), 0);
    ASSERT_EQ(::mkdir(other_dir_.c_str(), 0700), 0);
    write(other_dir_ + "/env.json", kEnvFile);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  static void write(const std::string& path, const std::string& contents) {
    std::ofstream(path, std::ios::binary) << contents;
  }
  std::vector<std::string> allowed() const { return {allowed_dir_}; }

  std::string root_;
  std::string allowed_dir_;
  std::string other_dir_;
};

TEST_F(ConfinedFile, AFileInsideAnAllowedDirectoryIsRead) {
  write(allowed_dir_ + "/akscustom.json", kEnvFile);
  EXPECT_EQ(read_azure_stack_file(allowed_dir_ + "/akscustom.json", allowed()).key_vault_endpoint,
            "https://vault.stack.example/");
  ASSERT_EQ(::mkdir((allowed_dir_ + "/nested").c_str(), 0700), 0);
  write(allowed_dir_ + "/nested/env.json", kEnvFile);
  EXPECT_EQ(read_azure_stack_file(allowed_dir_ + "/nested/env.json", {"/nonexistent", allowed_dir_})
                .key_vault_dns_suffix,
            "vault.stack.example");
}

// A valid file outside, and a missing one: both get the same message, so neither was opened
// and the answer does not tell whether it exists.
TEST_F(ConfinedFile, OutsideTheAllowedDirectoriesIsRefusedWithoutOpening) {
  const std::string valid = other_dir_ + "/env.json";
  EXPECT_EQ(read_error(valid, allowed()), outside_message(valid, allowed_dir_));
  const std::string missing = other_dir_ + "/missing.json";
  EXPECT_EQ(read_error(missing, allowed()), outside_message(missing, allowed_dir_));
  EXPECT_EQ(read_error(allowed_dir_, allowed()), outside_message(allowed_dir_, allowed_dir_));
}

TEST_F(ConfinedFile, ProcAndOtherPodsAreRefusedByTheDefaultConfiguration) {
  const std::vector<std::string> aks = {"/etc/kubernetes"};
  EXPECT_EQ(read_error("/proc/self/environ", aks),
            outside_message("/proc/self/environ", "/etc/kubernetes"));
  EXPECT_EQ(read_error("/var/lib/kubelet/pods/uid/volumes/x/secret", aks),
            outside_message("/var/lib/kubelet/pods/uid/volumes/x/secret", "/etc/kubernetes"));
  EXPECT_EQ(read_error("/dev/watchdog", {"/etc/kubernetes", "/opt/stack"}),
            outside_message("/dev/watchdog", "/etc/kubernetes, /opt/stack"));
}

TEST_F(ConfinedFile, ASiblingWhoseNameStartsLikeTheAllowedDirectoryIsOutside) {
  const std::string sibling = allowed_dir_ + "X";
  ASSERT_EQ(::mkdir(sibling.c_str(), 0700), 0);
  write(sibling + "/env.json", kEnvFile);
  EXPECT_EQ(read_error(sibling + "/env.json", allowed()),
            outside_message(sibling + "/env.json", allowed_dir_));
}

TEST_F(ConfinedFile, DotDotDotAndEmptyElementsAreRefused) {
  const auto unclean = [&](const std::string& path) {
    return "cloudEnvFileName \"" + path +
           "\" must be a clean absolute path, without \".\", \"..\" or empty elements "
           "(allowedCloudEnvDirs in the azure plugin's configuration: " +
           allowed_dir_ + ")";
  };
  for (const std::string& path :
       {allowed_dir_ + "/../other/env.json", allowed_dir_ + "/./env.json",
        allowed_dir_ + "//env.json", allowed_dir_ + "/sub/", allowed_dir_ + "/.."}) {
    EXPECT_EQ(read_error(path, allowed()), unclean(path));
  }
}

TEST_F(ConfinedFile, ASymbolicLinkAsTheLastElementIsRefused) {
  const std::string escaping = allowed_dir_ + "/escape.json";
  ASSERT_EQ(::symlink((other_dir_ + "/env.json").c_str(), escaping.c_str()), 0);
  EXPECT_EQ(read_error(escaping, allowed()),
            "cloudEnvFileName \"" + escaping + "\" is a symbolic link; name the file itself");
  const std::string to_proc = allowed_dir_ + "/environ.json";
  ASSERT_EQ(::symlink("/proc/self/environ", to_proc.c_str()), 0);
  EXPECT_EQ(read_error(to_proc, allowed()),
            "cloudEnvFileName \"" + to_proc + "\" is a symbolic link; name the file itself");
}

TEST_F(ConfinedFile, ADirectoryLinkThatLeavesTheAllowedDirectoryIsOutside) {
  const std::string link = allowed_dir_ + "/pods";
  ASSERT_EQ(::symlink(other_dir_.c_str(), link.c_str()), 0);
  EXPECT_EQ(read_error(link + "/env.json", allowed()),
            outside_message(link + "/env.json", allowed_dir_));
  // Nothing below the link is looked up: a missing file there gets the same answer.
  EXPECT_EQ(read_error(link + "/missing/deeper.json", allowed()),
            outside_message(link + "/missing/deeper.json", allowed_dir_));
  const std::string to_root = allowed_dir_ + "/root";
  ASSERT_EQ(::symlink("/", to_root.c_str()), 0);
  EXPECT_EQ(read_error(to_root + "/proc/self/environ", allowed()),
            outside_message(to_root + "/proc/self/environ", allowed_dir_));
}

TEST_F(ConfinedFile, ADirectoryLinkThatStaysInsideIsFollowed) {
  ASSERT_EQ(::mkdir((allowed_dir_ + "/v1").c_str(), 0700), 0);
  write(allowed_dir_ + "/v1/env.json", kEnvFile);
  ASSERT_EQ(::symlink("v1", (allowed_dir_ + "/current").c_str()), 0);
  EXPECT_EQ(read_azure_stack_file(allowed_dir_ + "/current/env.json", allowed()).name,
            "AzureStackCloud");
}

// An operator may list a directory that is itself a symbolic link; its target is where the
// opened file really is.
TEST_F(ConfinedFile, AnAllowedDirectoryThatIsALinkStillWorks) {
  write(other_dir_ + "/env.json", kEnvFile);
  const std::string alias = root_ + "/alias";
  ASSERT_EQ(::symlink(other_dir_.c_str(), alias.c_str()), 0);
  EXPECT_EQ(read_azure_stack_file(alias + "/env.json", {alias}).name, "AzureStackCloud");
}

TEST_F(ConfinedFile, AFifoInAnAllowedDirectoryIsRefusedWithoutWaiting) {
  const FifoWatchdog fifo(allowed_dir_ + "/env.json");
  std::string error;
  EXPECT_TRUE(fifo.returns_by_itself(std::chrono::seconds(5), [&] {
    error = read_error(fifo.path(), allowed());
  })) << "the read waited for a writer on the FIFO";
  EXPECT_EQ(error, fifo.path() + " is not a regular file");
}

TEST_F(ConfinedFile, AnEmptyAllowListRefusesEveryFile) {
  write(allowed_dir_ + "/env.json", kEnvFile);
  const std::string path = allowed_dir_ + "/env.json";
  EXPECT_EQ(read_error(path, {}),
            "cloudEnvFileName \"" + path +
                "\" is refused: the azure plugin's configuration lets it read cloud files from no "
                "directory (allowedCloudEnvDirs is empty)");
}

TEST_F(ConfinedFile, ErrorsInsideAnAllowedDirectoryKeepGosWording) {
  const std::string missing = allowed_dir_ + "/nowhere/akscustom.json";
  EXPECT_EQ(read_error(missing, allowed()), "open " + missing + ": no such file or directory");
}

}  // namespace
}  // namespace sscsi::azure
