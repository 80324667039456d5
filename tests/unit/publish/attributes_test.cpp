#include "publish/attributes.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sscsi::publish {
namespace {

TEST(Attributes, VolumeContextWinsOverParameters) {
  EXPECT_EQ(attributes_json({{"a", "param"}, {"b", "param"}}, {{"b", "context"}}, {}),
            R"({"a":"param","b":"context"})");
}

TEST(Attributes, TokensFromSecretsWinOverVolumeContext) {
  EXPECT_EQ(attributes_json({{"p", "1"}}, {{kTokensKey, "from-context"}},
                            {{kTokensKey, "from-secrets"}, {"other", "x"}}),
            R"({"csi.storage.k8s.io/serviceAccount.tokens":"from-secrets","p":"1"})");
  EXPECT_EQ(attributes_json({}, {{kTokensKey, "from-context"}}, {}),
            R"({"csi.storage.k8s.io/serviceAccount.tokens":"from-context"})");
}

TEST(Attributes, SecretsJsonIsAnObjectEvenWhenEmpty) {
  EXPECT_EQ(secrets_json({}), "{}");
  EXPECT_EQ(secrets_json({{"k", "v\"q"}}), R"({"k":"v\"q"})");
}

TEST(Attributes, ControlCharactersAndNonAsciiAreWrittenAsJsonStrings) {
  EXPECT_EQ(secrets_json({{"k", "a\nb\t\x01\\\x7f"}, {"\xc3\xa9", "\xe2\x82\xac"}}),
            "{\"k\":\"a\\nb\\t\\u0001\\\\\x7f\",\"\xc3\xa9\":\"\xe2\x82\xac\"}");
}

TEST(Attributes, AnInvalidKeyIsNamedWithItsBadBytesReplaced) {
  try {
    secrets_json({{std::string("k\xff\n"), "v"}});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "secret entry \"k\xef\xbf\xbd\\n\" is not valid UTF-8");
  }
}

TEST(Attributes, InvalidUtf8NamesTheKeyNotTheValue) {
  try {
    attributes_json({{"objects", "ok"}}, {{"bad", std::string("canary\xff\xfe")}}, {});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "attribute entry \"bad\" is not valid UTF-8");
  }
  try {
    secrets_json({{"clientsecret", std::string("canary\xc3")}});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "secret entry \"clientsecret\" is not valid UTF-8");
  }
}

}  // namespace
}  // namespace sscsi::publish
