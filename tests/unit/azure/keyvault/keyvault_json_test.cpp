#include "keyvault/keyvault_json.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "common/mount_error.h"

namespace sscsi::azure {
namespace {

template <typename Parse>
void expect_error(Parse parse, const std::string& body, const std::string& message) {
  try {
    parse(make_secret(body));
    ADD_FAILURE() << "accepted " << body;
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_UNAVAILABLE);
    EXPECT_EQ(std::string(error.what()), message) << body;
  }
}

// Reference §10.1 case 27.
TEST(ParseSecretBundle, PlainSecret) {
  const SecretBundle bundle = parse_secret_bundle(
      make_secret(R"({"value":"secret1value","id":"https://v.vault.azure.net/secrets/secret1/v1",)"
                  R"("attributes":{"enabled":true,"created":1700000000}})"));
  EXPECT_EQ(view(bundle.value), "secret1value");
  EXPECT_EQ(bundle.version, "v1");
  EXPECT_EQ(bundle.content_type, "");
  EXPECT_EQ(bundle.kid, "");
}

TEST(ParseSecretBundle, CertificateBackedSecret) {
  const SecretBundle bundle = parse_secret_bundle(make_secret(
      R"({"value":"MIIK...","id":"https://v.vault.azure.net/secrets/c1/abc",)"
      R"("contentType":"application/x-pkcs12","kid":"https://v.vault.azure.net/keys/c1/abc"})"));
  EXPECT_EQ(bundle.content_type, "application/x-pkcs12");
  EXPECT_EQ(bundle.kid, "https://v.vault.azure.net/keys/c1/abc");
  EXPECT_EQ(bundle.version, "abc");
}

// Reference §10.1 case 29 (nil value, nil id).
TEST(ParseSecretBundle, NilFieldsGiveUpstreamsErrors) {
  expect_error(parse_secret_bundle, R"({"id":"https://v/secrets/s/v"})", "secret value is nil");
  expect_error(parse_secret_bundle, R"({"value":null,"id":"https://v/secrets/s/v"})",
               "secret value is nil");
  expect_error(parse_secret_bundle, R"({"value":42,"id":"https://v/secrets/s/v"})",
               "secret value is nil");
  expect_error(parse_secret_bundle, R"({"value":"x"})", "secret id is nil");
}

TEST(ParseSecretBundle, MalformedJsonNeverQuotesTheValue) {
  try {
    parse_secret_bundle(make_secret(R"({"value":"TOP-SECRET-VALUE", "id": )"));
    FAIL();
  } catch (const MountError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find("TOP-SECRET"), std::string::npos);
    EXPECT_EQ(message.rfind("the secret answer is not JSON (parse error at byte ", 0), 0u)
        << message;
  }
  expect_error(parse_secret_bundle, "[]", "the secret answer is not a JSON object");
  expect_error(parse_secret_bundle, "", "the secret answer is not JSON (parse error at byte 1)");
}

TEST(ParseKeyBundle, RsaAndEcKeys) {
  const KeyBundle rsa = parse_key_bundle(make_secret(
      R"({"key":{"kid":"https://v.vault.azure.net/keys/k1/v9","kty":"RSA","key_ops":["sign"],)"
      R"("n":"0vx7agoebGcQ","e":"AQAB"},"attributes":{"enabled":true}})"));
  EXPECT_EQ(rsa.version, "v9");
  EXPECT_EQ(rsa.key.kty, "RSA");
  EXPECT_EQ(rsa.key.n, "0vx7agoebGcQ");
  EXPECT_EQ(rsa.key.e, "AQAB");
  const KeyBundle ec = parse_key_bundle(make_secret(
      R"({"key":{"kid":"https://v/keys/k2/v1","kty":"EC-HSM","crv":"P-384","x":"eA","y":"eQ"}})"));
  EXPECT_EQ(ec.key.kty, "EC-HSM");
  EXPECT_EQ(ec.key.crv, "P-384");
  EXPECT_EQ(ec.key.x, "eA");
  EXPECT_EQ(ec.key.y, "eQ");
}

TEST(ParseKeyBundle, NilFieldsGiveUpstreamsErrors) {
  expect_error(parse_key_bundle, R"({"attributes":{}})", "key value is nil");
  expect_error(parse_key_bundle, R"({"key":"flat"})", "key value is nil");
  expect_error(parse_key_bundle, R"({"key":{"kty":"RSA"}})", "key id is nil");
}

TEST(ParseKeyBundle, NumbersOutOfRangeAreMalformedJson) {
  expect_error(parse_key_bundle,
               R"({"key":{"kid":"https://kv/keys/k/1","kty":"RSA","n":"AQAB","e":"AQAB",)"
               R"("x":1e400}})",
               "the key answer is not JSON (a number is out of range)");
  expect_error(parse_secret_bundle,
               R"({"value":"SECRET","id":"https://kv/secrets/s/1","n":-1e999})",
               "the secret answer is not JSON (a number is out of range)");
}

// Reference §10.1 case 30.
TEST(ParseCertificateBundle, CerAndVersion) {
  const CertificateBundle bundle = parse_certificate_bundle(make_secret(
      R"({"id":"https://v.vault.azure.net/certificates/cert1/v1","cer":"dGVzdA==",)"
      R"("kid":"https://v/keys/cert1/v1","sid":"https://v/secrets/cert1/v1","x5t":"abc"})"));
  EXPECT_EQ(bundle.cer, "dGVzdA==");
  EXPECT_EQ(bundle.version, "v1");
}

TEST(ParseCertificateBundle, NilFieldsGiveUpstreamsErrors) {
  expect_error(parse_certificate_bundle, R"({"id":"https://v/certificates/c/v"})",
               "certificate value is nil");
  expect_error(parse_certificate_bundle, R"({"cer":"dGVzdA=="})", "certificate id is nil");
}

TEST(ParseVersionPage, EntriesAttributesAndNextLink) {
  const VersionPage page = parse_version_page(
      make_secret(R"({"value":[)"
                  R"({"id":"https://v/secrets/s/a","attributes":{"enabled":true,"created":10}},)"
                  R"({"id":"https://v/secrets/s/b","attributes":{"enabled":false,"created":20}},)"
                  R"({"id":"https://v/secrets/s/c"},)"
                  R"({"id":"https://v/secrets/s/d","attributes":{}},)"
                  R"({"attributes":{"enabled":true}})"
                  R"(],"nextLink":"https://v/secrets/s/versions?$skiptoken=x"})"),
      ObjectType::Secret);
  ASSERT_EQ(page.entries.size(), 4u);  // the entry without an id is dropped
  EXPECT_EQ(page.entries[0].version, "a");
  EXPECT_TRUE(page.entries[0].enabled);
  EXPECT_EQ(page.entries[0].created, 10);
  EXPECT_FALSE(page.entries[1].enabled);
  EXPECT_FALSE(page.entries[2].has_attributes);
  EXPECT_TRUE(page.entries[3].has_attributes);
  EXPECT_TRUE(page.entries[3].enabled);  // absent = enabled, as upstream
  EXPECT_EQ(page.entries[3].created, 0);
  EXPECT_EQ(page.next_link, "https://v/secrets/s/versions?$skiptoken=x");
}

TEST(ParseVersionPage, KeysUseKid) {
  const VersionPage page = parse_version_page(
      make_secret(R"({"value":[{"kid":"https://v/keys/k/v1","attributes":{"created":5}},)"
                  R"({"id":"https://v/keys/k/v2"}],"nextLink":null})"),
      ObjectType::Key);
  ASSERT_EQ(page.entries.size(), 1u);
  EXPECT_EQ(page.entries[0].version, "v1");
  EXPECT_FALSE(page.next_link.has_value());
}

TEST(ParseVersionPage, EmptyAndOddPages) {
  EXPECT_TRUE(parse_version_page(make_secret(R"({"value":[]})"), ObjectType::Cert).entries.empty());
  EXPECT_TRUE(parse_version_page(make_secret(R"({})"), ObjectType::Cert).entries.empty());
  EXPECT_FALSE(parse_version_page(make_secret(R"({"value":[],"nextLink":""})"), ObjectType::Cert)
                   .next_link.has_value());
  expect_error([](const SecretString& b) { return parse_version_page(b, ObjectType::Secret); },
               R"({"value":{"id":"x"}})",
               "the secret versions answer has a \"value\" that is not a list");
}

// attributes.created is Unix seconds held in an int64 (as the Go SDK's timeUnix, which refuses
// the whole answer when it is not one); a float is truncated, one outside int64 is refused.
TEST(ParseVersionPage, CreatedOutsideTheInt64RangeIsRefused) {
  const std::string message =
      "the secret versions answer has an attributes.created that is not a Unix time in seconds";
  for (const char* created :
       {"1e300", "-1e300", "9223372036854775808.0", "18446744073709551615", "9.3e18"}) {
    expect_error(
        [](const SecretString& b) { return parse_version_page(b, ObjectType::Secret); },
        std::string(R"({"value":[{"id":"https://kv/secrets/s/1","attributes":{"created":)") +
            created + "}}]}",
        message);
  }
  const VersionPage page = parse_version_page(
      make_secret(
          R"({"value":[{"id":"https://kv/secrets/s/1","attributes":{"created":12.9}},)"
          R"({"id":"https://kv/secrets/s/2","attributes":{"created":-5}},)"
          R"({"id":"https://kv/secrets/s/3","attributes":{"created":9223372036854775807}}]})"),
      ObjectType::Secret);
  ASSERT_EQ(page.entries.size(), 3u);
  EXPECT_EQ(page.entries[0].created, 12);
  EXPECT_EQ(page.entries[1].created, -5);
  EXPECT_EQ(page.entries[2].created, INT64_MAX);
}

}  // namespace
}  // namespace sscsi::azure
