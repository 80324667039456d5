#include "keyvault/keyvault_paths.h"

#include <gtest/gtest.h>

namespace sscsi::azure {
namespace {

constexpr const char* kVault = "https://myvault.vault.azure.net/";

TEST(ObjectUrl, EmptyVersionKeepsTheTrailingSlash) {
  EXPECT_EQ(object_url(kVault, ObjectType::Secret, "db-password", ""),
            "https://myvault.vault.azure.net/secrets/db-password/?api-version=7.4");
  EXPECT_EQ(object_url(kVault, ObjectType::Key, "k1", "0123abcd"),
            "https://myvault.vault.azure.net/keys/k1/0123abcd?api-version=7.4");
  EXPECT_EQ(object_url("https://kv.vault.azure.cn", ObjectType::Cert, "c1", ""),
            "https://kv.vault.azure.cn/certificates/c1/?api-version=7.4");
}

TEST(ObjectUrl, NamesAndVersionsArePercentEncoded) {
  EXPECT_EQ(object_url(kVault, ObjectType::Secret, "a/../b?c", "v 1#"),
            "https://myvault.vault.azure.net/secrets/a%2F..%2Fb%3Fc/v%201%23?api-version=7.4");
}

TEST(VersionsUrl, PerCollection) {
  EXPECT_EQ(versions_url(kVault, ObjectType::Secret, "s"),
            "https://myvault.vault.azure.net/secrets/s/versions?api-version=7.4");
  EXPECT_EQ(versions_url(kVault, ObjectType::Key, "k"),
            "https://myvault.vault.azure.net/keys/k/versions?api-version=7.4");
  EXPECT_EQ(versions_url(kVault, ObjectType::Cert, "c"),
            "https://myvault.vault.azure.net/certificates/c/versions?api-version=7.4");
}

TEST(VersionFromId, ThirdPathSegment) {
  EXPECT_EQ(version_from_id("https://v.vault.azure.net/secrets/secret1/v1"), "v1");
  EXPECT_EQ(version_from_id("https://v.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef"),
            "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(version_from_id("https://v.vault.azure.net:443/certificates/c/v2/extra"), "v2");
  EXPECT_EQ(version_from_id("https://v.vault.azure.net/secrets/secret1"), "");
  EXPECT_EQ(version_from_id("https://v.vault.azure.net/secrets/secret1/"), "");
  EXPECT_EQ(version_from_id(""), "");
  EXPECT_EQ(version_from_id("/secrets/s/v3"), "v3");
}

TEST(NextLink, OnlyTheVaultsOwnOrigin) {
  EXPECT_EQ(next_link_problem(kVault,
                              "https://myvault.vault.azure.net/secrets/s/versions?"
                              "api-version=7.4&$skiptoken=abc"),
            "");
  EXPECT_EQ(next_link_problem(kVault, "https://MYVAULT.vault.azure.net:443/x"), "");
  EXPECT_NE(next_link_problem(kVault, "https://evil.example.com/secrets/s/versions")
                .find("https://evil.example.com:443, not to the vault"),
            std::string::npos);
  EXPECT_NE(next_link_problem(kVault, "http://myvault.vault.azure.net/x"), "");
  EXPECT_NE(next_link_problem(kVault, "https://myvault.vault.azure.net:8443/x"), "");
  EXPECT_NE(next_link_problem(kVault, "https://other.vault.azure.net/x"), "");
  EXPECT_NE(next_link_problem(kVault, "/secrets/s/versions").find("is not a URL"),
            std::string::npos);
}

TEST(NextLink, ApiVersionAddedWhenMissing) {
  EXPECT_EQ(with_api_version("https://v/s/versions?$skiptoken=x"),
            "https://v/s/versions?$skiptoken=x&api-version=7.4");
  EXPECT_EQ(with_api_version("https://v/s/versions"), "https://v/s/versions?api-version=7.4");
  EXPECT_EQ(with_api_version("https://v/s/versions?api-version=7.4&$skiptoken=x"),
            "https://v/s/versions?api-version=7.4&$skiptoken=x");
  EXPECT_EQ(with_api_version("https://v/s?$skiptoken=x&api-version=7.3"),
            "https://v/s?$skiptoken=x&api-version=7.3");
}

}  // namespace
}  // namespace sscsi::azure
