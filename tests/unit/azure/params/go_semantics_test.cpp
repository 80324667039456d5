// Go behaviours the parameters depend on: strings.TrimSpace, strconv.ParseBool and %q.
#include <gtest/gtest.h>

#include "params/go_parse_bool.h"
#include "params/go_strings.h"

namespace sscsi::azure {
namespace {

TEST(GoTrimSpace, TrimsAsciiAndUnicodeWhiteSpaceAtBothEnds) {
  EXPECT_EQ(go_trim_space(" test "), "test");  // reference §10.1 case 1
  EXPECT_EQ(go_trim_space("\t\n\v\f\r x y \r\n"), "x y");
  EXPECT_EQ(go_trim_space("\u00a0\u3000name\u2003\u0085"), "name");
  EXPECT_EQ(go_trim_space("   "), "");
  EXPECT_EQ(go_trim_space(""), "");
}

TEST(GoTrimSpace, KeepsNonSpaceAndInvalidBytes) {
  EXPECT_EQ(go_trim_space("\xff value \xfe"), "\xff value \xfe");
  EXPECT_EQ(go_trim_space("\u200bzero-width\u200b"), "\u200bzero-width\u200b");  // not a space
}

TEST(GoQuote, EscapesLikeStrconvQuote) {
  EXPECT_EQ(go_quote("tru"), "\"tru\"");
  EXPECT_EQ(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(go_quote("\a\b\f\n\r\t\v"), "\"\\a\\b\\f\\n\\r\\t\\v\"");
  EXPECT_EQ(go_quote(std::string("\x01\x7f\0", 3)), "\"\\x01\\x7f\\x00\"");
  EXPECT_EQ(go_quote("\xff"), "\"\\xff\"");
  EXPECT_EQ(go_quote("caf\u00e9"), "\"caf\u00e9\"");
  EXPECT_EQ(go_quote("\u00a0\ufeff"), "\"\\u00a0\\ufeff\"");
  EXPECT_EQ(go_quote("\U000f0000"), "\"\\U000f0000\"");
}

TEST(GoParseBool, AcceptsExactlyGosSpellings) {  // reference §10.1 cases 2 and 3
  for (const char* yes : {"1", "t", "T", "TRUE", "true", "True"}) {
    EXPECT_EQ(go_parse_bool(yes), true) << yes;
  }
  for (const char* no : {"0", "f", "F", "FALSE", "false", "False"}) {
    EXPECT_EQ(go_parse_bool(no), false) << no;
  }
  for (const char* bad : {"", "test", "tru", "yes", "tRUE", " true", "2", "invalid"}) {
    EXPECT_EQ(go_parse_bool(bad), std::nullopt) << bad;
  }
}

TEST(GoParseBool, ErrorTextIsGos) {
  EXPECT_EQ(go_parse_bool_error("tru"), "strconv.ParseBool: parsing \"tru\": invalid syntax");
  EXPECT_EQ(go_parse_bool_error("a\"b"), "strconv.ParseBool: parsing \"a\\\"b\": invalid syntax");
}

TEST(GoEqualFold, IgnoresAsciiCaseOnly) {
  EXPECT_TRUE(go_equal_fold("BasE64", "base64"));
  EXPECT_TRUE(go_equal_fold("UTF-8", "utf-8"));
  EXPECT_FALSE(go_equal_fold("base6", "base64"));
  EXPECT_FALSE(go_equal_fold("pfx ", "pfx"));
}

}  // namespace
}  // namespace sscsi::azure
