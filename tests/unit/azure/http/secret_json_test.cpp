#include "http/secret_json.h"

#include <gtest/gtest.h>

namespace sscsi::azure {
namespace {

TEST(SecretJson, ParsesObjectsWithWipedStrings) {
  const auto parsed = parse_secret_json(R"({"value":"s3cr\u00e9t","n":5,"o":{"x":true}})");
  ASSERT_TRUE(parsed.value.has_value());
  const SecretString* value = json_string(*parsed.value, "value");
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(view(*value), "s3cr\xc3\xa9t");
  EXPECT_EQ(json_string(*parsed.value, "n"), nullptr);        // not a string
  EXPECT_EQ(json_string(*parsed.value, "missing"), nullptr);  // absent
}

TEST(SecretJson, ErrorsGiveOnlyTheByteOffset) {
  const auto parsed = parse_secret_json(R"({"value": "abc)");
  EXPECT_FALSE(parsed.value.has_value());
  EXPECT_GT(parsed.error_byte, 0u);
}

// nlohmann throws out_of_range (not parse_error) for a number a double cannot hold; that must
// be a parse failure like any other, not an exception escaping to the caller.
TEST(SecretJson, NumbersADoubleCannotHoldAreAParseFailure) {
  for (const char* text : {R"({"value":"s","n":1e400})", "-1e400", R"([[{"n":[2E+999]}]])"}) {
    SecretJsonParse parsed;
    EXPECT_NO_THROW(parsed = parse_secret_json(text)) << text;
    EXPECT_FALSE(parsed.value.has_value()) << text;
  }
}

TEST(SecretJson, EmptyAndNonObjectInputs) {
  EXPECT_FALSE(parse_secret_json("").value.has_value());
  const auto array = parse_secret_json("[1,2]");
  ASSERT_TRUE(array.value.has_value());
  EXPECT_EQ(json_string(*array.value, "value"), nullptr);
}

}  // namespace
}  // namespace sscsi::azure
