#include "http/url.h"

#include <gtest/gtest.h>

namespace sscsi::azure {
namespace {

TEST(PercentEncode, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(percent_encode("abc-XYZ_0.9~"), "abc-XYZ_0.9~");
  EXPECT_EQ(percent_encode("a b/c?d#e%f"), "a%20b%2Fc%3Fd%23e%25f");
  EXPECT_EQ(percent_encode("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(FormEncode, MatchesGoUrlValuesEncoding) {
  const SecretString form =
      form_encode({{"grant_type", "client_credentials"},
                   {"scope", "https://vault.azure.net/.default openid offline_access profile"}});
  EXPECT_EQ(view(form),
            "grant_type=client_credentials&scope=https%3A%2F%2Fvault.azure.net%2F.default+openid+"
            "offline_access+profile");
}

TEST(FormEncode, EncodesSecretsCompletely) {
  EXPECT_EQ(view(form_encode({{"client_secret", "a&b=c+d"}})), "client_secret=a%26b%3Dc%2Bd");
  EXPECT_EQ(view(form_encode({})), "");
}

TEST(ParseUrl, SplitsAnHttpsUrl) {
  const auto url = parse_url("https://MyVault.Vault.Azure.NET/secrets/s1/?api-version=7.4");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "myvault.vault.azure.net");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->path, "/secrets/s1/");
  EXPECT_EQ(url->query, "api-version=7.4");
  EXPECT_FALSE(url->has_userinfo);
  EXPECT_EQ(origin_of(*url), "https://myvault.vault.azure.net:443");
}

TEST(ParseUrl, ExplicitPortsAndPlainHttp) {
  const auto url = parse_url("http://169.254.169.254:80/metadata");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(origin_of(*url), "http://169.254.169.254:80");
  EXPECT_EQ(origin_of(*parse_url("https://h:8443")), "https://h:8443");
  EXPECT_EQ(parse_url("https://h")->path, "/");
}

TEST(ParseUrl, Ipv6Hosts) {
  const auto url = parse_url("https://[::1]:9443/x");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(origin_of(*url), "https://[::1]:9443");
}

TEST(ParseUrl, UserinfoAndFragmentAreReported) {
  EXPECT_TRUE(parse_url("https://user:pw@h/")->has_userinfo);
  EXPECT_TRUE(parse_url("https://h/#frag")->has_fragment);
}

TEST(ParseUrl, RejectsWhatIsNotAnAbsoluteHttpUrl) {
  for (const char* bad :
       {"", "vault.azure.net", "/secrets/x", "ftp://h/", "https://", "https:///path",
        "https://h/ x", "https://h:99999/", "api://x/y", "https://h\n/"}) {
    EXPECT_FALSE(parse_url(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace sscsi::azure
