// The token-validity rule: the scheduler refreshes only with tokens valid for the margin.
#include "rotation/token_expiry.h"

#include <gtest/gtest.h>

namespace sscsi::rotation {
namespace {

using namespace std::chrono_literals;

TimePoint at(const char* text) { return *parse_rfc3339(text); }

std::map<std::string, std::string> with_tokens(std::string json) {
  return {{"csi.storage.k8s.io/pod.name", "web-0"}, {kTokensKey, std::move(json)}};
}

TEST(TokenExpiry, ParsesRfc3339AsGoWritesIt) {
  EXPECT_EQ(at("1970-01-01T00:00:10Z"), TimePoint(10s));
  EXPECT_EQ(at("1970-01-01T00:00:10.5Z"), TimePoint(10500ms));
  EXPECT_EQ(at("1970-01-01T01:00:10+01:00"), TimePoint(10s));
  EXPECT_EQ(at("1970-01-01T00:00:10-00:30"), TimePoint(1810s));
  EXPECT_EQ(at("2024-02-29T12:00:00Z") - at("2024-02-28T12:00:00Z"), 24h);
  for (const char* bad : {"", "2024-02-30T00:00:00Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00",
                          "2024-01-01T24:00:00Z", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00Zx",
                          "2024-01-01T00:00:00+0100", "tomorrow"}) {
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
  }
}

TEST(TokenExpiry, NoTokensNeverExpire) {
  EXPECT_FALSE(earliest_token_expiry({}).has_value());
  EXPECT_FALSE(earliest_token_expiry(with_tokens("")).has_value());
  EXPECT_TRUE(tokens_valid(std::nullopt, TimePoint::max() - 1h, 30s));
}

TEST(TokenExpiry, TheEarliestAudienceCounts) {
  const auto expiry = earliest_token_expiry(
      with_tokens(R"({"api://a":{"token":"t1","expirationTimestamp":"2030-01-01T01:00:00Z"},)"
                  R"("vault":{"token":"t2","expirationTimestamp":"2030-01-01T00:10:00Z"}})"));
  ASSERT_TRUE(expiry.has_value());
  EXPECT_EQ(*expiry, at("2030-01-01T00:10:00Z"));
}

TEST(TokenExpiry, ValidOnlyWithTheMarginToSpare) {
  const TimePoint expiry = at("2030-01-01T00:10:00Z");
  EXPECT_TRUE(tokens_valid(expiry, expiry - 1min, 30s));
  EXPECT_TRUE(tokens_valid(expiry, expiry - 30s, 30s));
  EXPECT_FALSE(tokens_valid(expiry, expiry - 29s, 30s)) << "near expiry";
  EXPECT_FALSE(tokens_valid(expiry, expiry + 1s, 30s)) << "expired";
}

TEST(TokenExpiry, MalformedTokensCountAsExpired) {
  const TimePoint now = at("2000-01-01T00:00:00Z");
  for (const char* json :
       {"not json", "[]", R"({"a":"token"})", R"({"a":{"token":"t"}})",
        R"({"a":{"token":"t","expirationTimestamp":12}})",
        R"({"a":{"token":"t","expirationTimestamp":"soon"}})",
        R"({"a":{"token":"t","expirationTimestamp":"2030-01-01T00:00:00Z"},"b":{}})"}) {
    const auto expiry = earliest_token_expiry(with_tokens(json));
    ASSERT_TRUE(expiry.has_value()) << json;
    EXPECT_FALSE(tokens_valid(expiry, now, 30s)) << json;
  }
}

}  // namespace
}  // namespace sscsi::rotation
