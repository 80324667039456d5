// Redaction of token-like strings and the one-line cleaning of plugin text.

#include "plugins/redaction.h"

#include <gtest/gtest.h>

#include <string>

#include "plugins/plugin_text.h"

namespace sscsi::plugins {
namespace {

TEST(PluginRedaction, PlainTextIsUnchanged) {
  const std::string text =
      "GET https://vault.example/secrets/db-password?api-version=7.4 failed: 403 Forbidden";
  EXPECT_EQ(redact_secrets(text), text);
  EXPECT_EQ(redact_secrets(""), "");
}

TEST(PluginRedaction, Jwt) {
  EXPECT_EQ(redact_secrets("got eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl!"),
            "got [REDACTED]!");
  // Unsigned (empty third segment) and encrypted (five segments) forms too.
  EXPECT_EQ(redact_secrets("a eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0. b"), "a [REDACTED] b");
  EXPECT_EQ(redact_secrets("eyJhbGciOiJSU0EifQ.a2V5.aXY.Y2lwaGVy.dGFn"), "[REDACTED]");
  // A JWT after a URL path separator.
  EXPECT_EQ(redact_secrets("https://x/token/eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.sig"),
            "https://x/token/[REDACTED]");
}

TEST(PluginRedaction, NotAJwt) {
  // Two segments, or "eyJ" inside a longer word, are not JWTs.
  EXPECT_EQ(redact_secrets("see eyJhbGci.only-two"), "see eyJhbGci.only-two");
  EXPECT_EQ(redact_secrets("key-eyJa.b.c"), "key-eyJa.b.c");
}

TEST(PluginRedaction, BearerAndBasicCredentials) {
  EXPECT_EQ(redact_secrets("Authorization: Bearer abc123def456ghi"),
            "Authorization: Bearer [REDACTED]");
  EXPECT_EQ(redact_secrets("authorization: bearer   abc123def456/+=="),
            "authorization: bearer   [REDACTED]");
  EXPECT_EQ(redact_secrets("Authorization: Basic dXNlcjpwYXNzd29yZA=="),
            "Authorization: Basic [REDACTED]");
  // Short words after the scheme are prose, not tokens.
  EXPECT_EQ(redact_secrets("Bearer token expired"), "Bearer token expired");
}

TEST(PluginRedaction, JsonFields) {
  EXPECT_EQ(redact_secrets(R"({"access_token":"abc","expires_in":3599})"),
            R"({"access_token":"[REDACTED]","expires_in":3599})");
  EXPECT_EQ(redact_secrets(R"({"client_secret" : "a\"b", "x": 1})"),
            R"({"client_secret" : "[REDACTED]", "x": 1})");
  EXPECT_EQ(redact_secrets(R"({"refresh_token": 12345})"), R"({"refresh_token": [REDACTED]})");
  EXPECT_EQ(redact_secrets(R"({"password":{"a":"b","c":[1,2]},"user":"u"})"),
            R"({"password":[REDACTED],"user":"u"})");
  EXPECT_EQ(redact_secrets("{'clientSecret': 'xyz'}"), "{'clientSecret': '[REDACTED]'}");
}

TEST(PluginRedaction, EscapedJsonInsideJson) {
  EXPECT_EQ(redact_secrets(R"({"tokens":"{\"aud\":{\"token\":\"opaque-value\"}}"})"),
            R"({"tokens":"[REDACTED]"})");
  EXPECT_EQ(redact_secrets(R"(x {\"token\":\"opaque-value\",\"exp\":1})"),
            R"(x {\"token\":\"[REDACTED]\",\"exp\":1})");
}

TEST(PluginRedaction, FormAndConnectionStringFields) {
  EXPECT_EQ(redact_secrets("grant_type=client_credentials&client_secret=s3cr3t&scope=x"),
            "grant_type=client_credentials&client_secret=[REDACTED]&scope=x");
  EXPECT_EQ(redact_secrets("AccountName=a;AccountKey=abc==;EndpointSuffix=core"),
            "AccountName=a;AccountKey=[REDACTED];EndpointSuffix=core");
  EXPECT_EQ(redact_secrets("https://a.blob/c?sv=2020&sig=abcd%2F&se=1"),
            "https://a.blob/c?sv=2020&sig=[REDACTED]&se=1");
  EXPECT_EQ(redact_secrets("password=hunter2 user=bob"), "password=[REDACTED] user=bob");
}

TEST(PluginRedaction, ProseAboutSecretsIsKept) {
  const std::string text = "failed to get token: connection refused (secret db-password)";
  EXPECT_EQ(redact_secrets(text), text);
  EXPECT_EQ(redact_secrets("objectName=token-signing-key"), "objectName=token-signing-key");
}

TEST(PluginRedaction, SecretFieldNames) {
  for (const char* name :
       {"access_token", "id_token", "refresh_token", "client_secret", "clientSecret",
        "client-secret", "password", "AccountKey", "api_key", "x-api-key", "sig",
        "client_assertion", "Authorization", "csi.storage.k8s.io/serviceAccount.tokens"}) {
    EXPECT_TRUE(is_secret_field_name(name)) << name;
  }
  for (const char* name : {"objectName", "objectType", "tenantId", "keyvaultName", "version",
                           "signature_alg", "config"}) {
    EXPECT_FALSE(is_secret_field_name(name)) << name;
  }
}

TEST(PluginText, RedactsEscapesAndBounds) {
  EXPECT_EQ(clean_plugin_text("a\nb client_secret=x \x7f"), "a\\nb client_secret=[REDACTED] \\x7f");
  const std::string long_text(kMaxPluginTextBytes + 100, 'x');
  const std::string cleaned = clean_plugin_text(long_text);
  EXPECT_EQ(cleaned, std::string(kMaxPluginTextBytes, 'x') + "…[truncated]");
}

TEST(PluginText, CuttingNeverExposesPartOfAToken) {
  // The JWT straddles the cut: redaction runs first, so no fragment of it survives.
  std::string text(kMaxPluginTextBytes - 10, 'x');
  text += " eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
  const std::string cleaned = clean_plugin_text(text);
  EXPECT_EQ(cleaned.find("eyJ"), std::string::npos);
  EXPECT_TRUE(cleaned.ends_with(" [REDACTED…[truncated]")) << cleaned.substr(4000);
}

TEST(PluginText, PrintableShortensWithoutSplittingUtf8) {
  EXPECT_EQ(printable("abc\n", 10), "abc\\n");
  EXPECT_EQ(printable("aé", 2), "a…");  // 'é' is two bytes; the cut backs up before it
}

// Plugin text ends up in gRPC statuses, events and JSON logs: only valid UTF-8 gets through.
TEST(PluginText, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  EXPECT_EQ(printable("bad \xff byte"), "bad \uFFFD byte");
  EXPECT_EQ(printable("cut \xc3"), "cut \uFFFD");
  EXPECT_EQ(printable("caf\xc3\xa9"), "caf\xc3\xa9");
}

}  // namespace
}  // namespace sscsi::plugins
