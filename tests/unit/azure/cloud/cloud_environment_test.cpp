// Clouds resolved per mount (reference azure-provider.md §5, §10.1 cases 13, 14, 31).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cloud/azure_stack_file.h"
#include "cloud/cloud_environment.h"
#include "common/mount_error.h"

namespace sscsi::azure {
namespace {

std::string cloud_error(std::string_view name, std::string_view env_file = "",
                        std::string_view default_name = "",
                        const std::vector<std::string>& allowed_dirs = {}) {
  try {
    resolve_cloud(name, default_name, env_file, allowed_dirs);
  } catch (const MountError& e) {
    EXPECT_EQ(e.code(), SSCSI_INVALID_PARAMETERS);
    return e.what();
  }
  ADD_FAILURE() << "no MountError for " << name;
  return "";
}

// A private directory for environment files, removed afterwards.
class AzureStackFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sscsi-azure-cloud-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& contents) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }

  // The fixture's directory is the one the plugin's configuration allows.
  std::vector<std::string> allowed() const { return {dir_}; }
  std::string stack_error(std::string_view env_file) const {
    return cloud_error("AzureStackCloud", env_file, "", allowed());
  }

  std::string dir_;
};

const std::string kFullFile =
    R"({"name":"AZURESTACKCLOUD","activeDirectoryEndpoint":"https://login.stack.example/",)"
    R"("keyVaultEndpoint":"https://vault.stack.example/","keyVaultDNSSuffix":"vault.stack.example",)"
    R"("resourceManagerEndpoint":"https://management.stack.example/"})";

TEST(NamedClouds, EmptyMeansTheConfiguredDefaultThenPublic) {  // §10.1 case 14
  EXPECT_EQ(resolve_cloud("", "", "").name, "AzurePublicCloud");
  EXPECT_EQ(resolve_cloud("", "AzureChinaCloud", "").name, "AzureChinaCloud");
  EXPECT_EQ(resolve_cloud("AzureGermanCloud", "AzureChinaCloud", "").name, "AzureGermanCloud");
}

TEST(NamedClouds, TableMatchesGoAutorest) {  // §5
  const auto check = [](std::string_view name, const char* aad, const char* kv, const char* dns) {
    const CloudEnvironment cloud = resolve_cloud(name, "", "");
    EXPECT_EQ(cloud.name, name);
    EXPECT_EQ(cloud.active_directory_endpoint, aad);
    EXPECT_EQ(cloud.key_vault_endpoint, kv);
    EXPECT_EQ(cloud.key_vault_dns_suffix, dns);
  };
  check("AzurePublicCloud", "https://login.microsoftonline.com/", "https://vault.azure.net/",
        "vault.azure.net");
  check("AzureUSGovernmentCloud", "https://login.microsoftonline.us/",
        "https://vault.usgovcloudapi.net/", "vault.usgovcloudapi.net");
  check("AzureChinaCloud", "https://login.chinacloudapi.cn/", "https://vault.azure.cn/",
        "vault.azure.cn");
  check("AzureGermanCloud", "https://login.microsoftonline.de/", "https://vault.microsoftazure.de/",
        "vault.microsoftazure.de");
}

TEST(NamedClouds, NamesMatchCaseInsensitivelyAndRoundTrip) {  // §10.1 case 14
  for (const char* name :
       {"AzurePublicCloud", "AzureUSGovernmentCloud", "AzureChinaCloud", "AzureGermanCloud"}) {
    std::string upper(name);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(resolve_cloud(upper, "", "").name, name);
    std::string lower(name);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(resolve_cloud(lower, "", "").name, name);
  }
}

TEST(NamedClouds, UnknownNamesUseUpstreamsMessage) {  // §10.1 cases 14, 31
  EXPECT_EQ(cloud_error("AZUREWRONGCLOUD"),
            "cloudName AZUREWRONGCLOUD is not valid, error: autorest/azure: There is no cloud "
            "environment matching the name \"AZUREWRONGCLOUD\"");
  EXPECT_EQ(cloud_error("AzureCloud1"),
            "cloudName AzureCloud1 is not valid, error: autorest/azure: There is no cloud "
            "environment matching the name \"AZURECLOUD1\"");
  // go-autorest's table has no short aliases.
  EXPECT_EQ(cloud_error("AzureCloud"),
            "cloudName AzureCloud is not valid, error: autorest/azure: There is no cloud "
            "environment matching the name \"AZURECLOUD\"");
  EXPECT_EQ(cloud_error("", "", "Bogus"),
            "cloudName Bogus is not valid, error: autorest/azure: There is no cloud environment "
            "matching the name \"BOGUS\"");
}

TEST(VaultUrl, PerCloud) {  // §10.1 case 13
  EXPECT_EQ(vault_url(resolve_cloud("", "", ""), "testkv"), "https://testkv.vault.azure.net/");
  EXPECT_EQ(vault_url(resolve_cloud("AzureChinaCloud", "", ""), "testkv"),
            "https://testkv.vault.azure.cn/");
  EXPECT_EQ(vault_url(resolve_cloud("AzureGermanCloud", "", ""), "testkv"),
            "https://testkv.vault.microsoftazure.de/");
  EXPECT_EQ(vault_url(resolve_cloud("AzureUSGovernmentCloud", "", ""), "testkv"),
            "https://testkv.vault.usgovcloudapi.net/");
}

TEST_F(AzureStackFile, ReadPerMountWithTheNamePreserved) {  // §10.1 case 14
  const std::string path = write("env.json", kFullFile);
  const CloudEnvironment cloud = resolve_cloud("AZURESTACKCLOUD", "", path, allowed());
  EXPECT_EQ(cloud.name, "AZURESTACKCLOUD");
  EXPECT_EQ(cloud.active_directory_endpoint, "https://login.stack.example/");
  EXPECT_EQ(cloud.key_vault_endpoint, "https://vault.stack.example/");
  EXPECT_EQ(cloud.key_vault_dns_suffix, "vault.stack.example");
  EXPECT_EQ(vault_url(cloud, "kv1"), "https://kv1.vault.stack.example/");
  EXPECT_EQ(std::getenv("AZURE_ENVIRONMENT_FILEPATH"), nullptr);  // no process-wide state
  // The same request with the default cloud: the file is read again, each mount its own.
  EXPECT_EQ(resolve_cloud("", "azurestackcloud", path, allowed()).name, "AZURESTACKCLOUD");
}

TEST_F(AzureStackFile, UpstreamsE2eFileAndNormalisedEndpoints) {
  const std::string e2e =
      R"({"name":"AzureStackCloud","activeDirectoryEndpoint":"https://login.microsoftonline.com/",)"
      R"("keyVaultEndpoint":"https://vault.azure.net/","keyVaultDNSSuffix":"vault.azure.net"})";
  EXPECT_EQ(
      resolve_cloud("AzureStackCloud", "", write("e2e.json", e2e), allowed()).key_vault_dns_suffix,
      "vault.azure.net");
  const std::string bare =
      R"({"activeDirectoryEndpoint":"https://adfs.local","keyVaultEndpoint":"HTTPS://vault.local:8443",)"
      R"("keyVaultDNSSuffix":"vault.local"})";
  const CloudEnvironment cloud =
      resolve_cloud("AzureStackCloud", "", write("bare.json", bare), allowed());
  EXPECT_EQ(cloud.name, "AzureStackCloud");  // no name in the file
  EXPECT_EQ(cloud.active_directory_endpoint, "https://adfs.local/");
  EXPECT_EQ(cloud.key_vault_endpoint, "HTTPS://vault.local:8443/");
}

TEST_F(AzureStackFile, MissingFileUsesUpstreamsMessage) {  // §10.1 case 31
  const std::string path = dir_ + "/akscustom.json";
  EXPECT_EQ(stack_error(path), "cloudName AzureStackCloud is not valid, error: open " + path +
                                   ": no such file or directory");
}

TEST_F(AzureStackFile, ClearErrorsNamingTheFileAndField) {
  // Upstream accepts a file with just a name (test vector 14) and fails later with empty
  // endpoints; here every endpoint is required and checked, the message naming the field.
  const std::string prefix = "cloudName AzureStackCloud is not valid, error: ";
  const auto error_for = [&](const std::string& name, const std::string& contents) {
    return stack_error(write(name, contents));
  };
  std::string path = dir_ + "/minimal.json";
  EXPECT_EQ(
      error_for("minimal.json", R"({"name":"AZURESTACKCLOUD"})"),
      prefix + path + ": field \"activeDirectoryEndpoint\" is missing, empty or not a string");
  path = dir_ + "/no-kv.json";
  EXPECT_EQ(
      error_for("no-kv.json", R"({"activeDirectoryEndpoint":"https://a/","keyVaultEndpoint":7})"),
      prefix + path + ": field \"keyVaultEndpoint\" is missing, empty or not a string");
  path = dir_ + "/no-dns.json";
  EXPECT_EQ(
      error_for("no-dns.json",
                R"({"activeDirectoryEndpoint":"https://a/","keyVaultEndpoint":"https://v/"})"),
      prefix + path + ": field \"keyVaultDNSSuffix\" is missing, empty or not a string");
  path = dir_ + "/http.json";
  EXPECT_EQ(
      error_for(
          "http.json",
          R"({"activeDirectoryEndpoint":"http://login.local/","keyVaultEndpoint":"https://v/","keyVaultDNSSuffix":"v"})"),
      prefix + path +
          ": field \"activeDirectoryEndpoint\" must be an https URL such as "
          "\"https://login.microsoftonline.com/\", not \"http://login.local/\"");
  path = dir_ + "/userinfo.json";
  EXPECT_EQ(
      error_for(
          "userinfo.json",
          R"({"activeDirectoryEndpoint":"https://a/","keyVaultEndpoint":"https://u@v/","keyVaultDNSSuffix":"v"})"),
      prefix + path +
          ": field \"keyVaultEndpoint\" must be an https URL such as "
          "\"https://login.microsoftonline.com/\", not \"https://u@v/\"");
  // Endpoints the HTTP client's URL parser refuses are refused here, naming the field.
  path = dir_ + "/bad-host.json";
  EXPECT_EQ(
      error_for(
          "bad-host.json",
          R"({"activeDirectoryEndpoint":"https://(x/","keyVaultEndpoint":"https://v/","keyVaultDNSSuffix":"v"})"),
      prefix + path +
          ": field \"activeDirectoryEndpoint\" must be an https URL such as "
          "\"https://login.microsoftonline.com/\", not \"https://(x/\"");
  path = dir_ + "/bad-port.json";
  EXPECT_EQ(
      error_for(
          "bad-port.json",
          R"({"activeDirectoryEndpoint":"https://a/","keyVaultEndpoint":"https://v:99999","keyVaultDNSSuffix":"v"})"),
      prefix + path +
          ": field \"keyVaultEndpoint\" must be an https URL such as "
          "\"https://login.microsoftonline.com/\", not \"https://v:99999\"");
  path = dir_ + "/dns.json";
  EXPECT_EQ(
      error_for(
          "dns.json",
          R"({"activeDirectoryEndpoint":"https://a/","keyVaultEndpoint":"https://v/","keyVaultDNSSuffix":".vault.local"})"),
      prefix + path +
          ": field \"keyVaultDNSSuffix\" must be a DNS name such as \"vault.azure.net\", not "
          "\".vault.local\"");
  path = dir_ + "/dns2.json";
  EXPECT_EQ(
      error_for(
          "dns2.json",
          R"({"activeDirectoryEndpoint":"https://a/","keyVaultEndpoint":"https://v/","keyVaultDNSSuffix":"evil.com/x"})"),
      prefix + path +
          ": field \"keyVaultDNSSuffix\" must be a DNS name such as \"vault.azure.net\", not "
          "\"evil.com/x\"");
  path = dir_ + "/name.json";
  EXPECT_EQ(error_for("name.json", R"({"name":["x"]})"),
            prefix + path + ": field \"name\" must be a string");
  path = dir_ + "/array.json";
  EXPECT_EQ(error_for("array.json", "[1,2]"),
            prefix + path + ": must hold a JSON object, not array");
  path = dir_ + "/broken.json";
  EXPECT_EQ(error_for("broken.json", "{\"name\": secret-looking-text}"),
            prefix + path + ": invalid JSON (syntax error at byte 10)");
  path = dir_ + "/huge-number.json";
  EXPECT_EQ(error_for("huge-number.json", R"({"name":"AzureStackCloud","x":1e400})"),
            prefix + path + ": invalid JSON (a number is out of range)");
  path = dir_ + "/empty.json";
  EXPECT_EQ(error_for("empty.json", ""), prefix + path + ": unexpected end of JSON input");
}

// Upstream reads whatever AZURE_ENVIRONMENT_FILEPATH names ("open : no such file or directory"
// when unset, any relative path, any size, blocking on a FIFO); these clearer refusals are ours.
TEST_F(AzureStackFile, OnlySmallRegularFilesAtAbsolutePaths) {
  const std::string prefix = "cloudName AzureStackCloud is not valid, error: ";
  EXPECT_EQ(stack_error(""),
            prefix +
                "cloudEnvFileName is not set; AzureStackCloud reads its endpoints from the "
                "JSON file that parameter names");
  EXPECT_EQ(stack_error("env.json"),
            prefix + "cloudEnvFileName must be an absolute path, not \"env.json\"");
  const std::string sub = dir_ + "/sub.json";
  ASSERT_EQ(::mkdir(sub.c_str(), 0700), 0);
  EXPECT_EQ(stack_error(sub), prefix + sub + " is not a regular file");
  const std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(stack_error(fifo), prefix + fifo + " is not a regular file");
  const std::string big = write("big.json", kFullFile + std::string(kMaxAzureStackFileBytes, ' '));
  EXPECT_EQ(stack_error(big), prefix + big + " is larger than 65536 bytes");
  const std::string exact =
      write("exact.json", kFullFile + std::string(kMaxAzureStackFileBytes - kFullFile.size(), ' '));
  EXPECT_EQ(resolve_cloud("AzureStackCloud", "", exact, allowed()).key_vault_dns_suffix,
            "vault.stack.example");
  if (::geteuid() != 0) {
    const std::string locked = write("locked.json", kFullFile);
    ASSERT_EQ(::chmod(locked.c_str(), 0), 0);
    EXPECT_EQ(stack_error(locked), prefix + "open " + locked + ": permission denied");
  }
}

}  // namespace
}  // namespace sscsi::azure
