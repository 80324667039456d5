#include "app/duration.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <ostream>
#include <stdexcept>
#include <string>

namespace sscsi::app {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

struct ParseCase {
  const char* text;
  nanoseconds expected;
};

// Expected values from Go's time.ParseDuration (its own test table), so upstream values agree.
void PrintTo(const ParseCase& parse_case, std::ostream* out) { *out << parse_case.text; }

class AppParseDurationTest : public testing::TestWithParam<ParseCase> {};

TEST_P(AppParseDurationTest, MatchesGo) {
  EXPECT_EQ(parse_duration(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    AppGoTable, AppParseDurationTest,
    testing::Values(
        ParseCase{"0", nanoseconds{0}}, ParseCase{"5s", seconds{5}}, ParseCase{"30s", seconds{30}},
        ParseCase{"1478s", seconds{1478}}, ParseCase{"-5s", seconds{-5}},
        ParseCase{"+5s", seconds{5}}, ParseCase{"-0", nanoseconds{0}},
        ParseCase{"+0", nanoseconds{0}}, ParseCase{"5.0s", seconds{5}},
        ParseCase{"5.6s", seconds{5} + milliseconds{600}}, ParseCase{"5.s", seconds{5}},
        ParseCase{".5s", milliseconds{500}}, ParseCase{"1.0s", seconds{1}},
        ParseCase{"1.00s", seconds{1}}, ParseCase{"1.004s", seconds{1} + milliseconds{4}},
        ParseCase{"1.0040s", seconds{1} + milliseconds{4}},
        ParseCase{"100.00100s", seconds{100} + milliseconds{1}}, ParseCase{"10ns", nanoseconds{10}},
        ParseCase{"11us", microseconds{11}}, ParseCase{"12\xC2\xB5s", microseconds{12}},
        ParseCase{"12\xCE\xBCs", microseconds{12}}, ParseCase{"13ms", milliseconds{13}},
        ParseCase{"14s", seconds{14}}, ParseCase{"15m", minutes{15}}, ParseCase{"16h", hours{16}},
        ParseCase{"2m", minutes{2}}, ParseCase{"1m30s", seconds{90}},
        ParseCase{"500ms", milliseconds{500}}, ParseCase{"1h", hours{1}},
        ParseCase{"3h30m", hours{3} + minutes{30}},
        ParseCase{"10.5s4m", minutes{4} + seconds{10} + milliseconds{500}},
        ParseCase{"-2m3.4s", -(minutes{2} + seconds{3} + milliseconds{400})},
        ParseCase{"1h2m3s4ms5us6ns", hours{1} + minutes{2} + seconds{3} + milliseconds{4} +
                                         microseconds{5} + nanoseconds{6}},
        ParseCase{"39h9m14.425s", hours{39} + minutes{9} + seconds{14} + milliseconds{425}},
        ParseCase{"52763797000ns", nanoseconds{52763797000}},
        ParseCase{"0.3333333333333333333h", minutes{20}},
        ParseCase{"9007199254740993ns", nanoseconds{9007199254740993}},
        ParseCase{"9223372036854775807ns", nanoseconds{std::numeric_limits<std::int64_t>::max()}},
        ParseCase{"9223372036.854775807s", nanoseconds{std::numeric_limits<std::int64_t>::max()}},
        ParseCase{"-9223372036854775808ns", nanoseconds{std::numeric_limits<std::int64_t>::min()}},
        ParseCase{"0.100000000000000000000h", minutes{6}},
        ParseCase{"0.830103483285477580700h", minutes{49} + seconds{48} + nanoseconds{372539827}}));

struct BadCase {
  const char* text;
  const char* problem;  // a part of the message
};

void PrintTo(const BadCase& bad_case, std::ostream* out) { *out << bad_case.text; }

class AppBadDurationTest : public testing::TestWithParam<BadCase> {};

TEST_P(AppBadDurationTest, IsRefusedWithItsProblem) {
  try {
    const auto value = parse_duration(GetParam().text);
    FAIL() << GetParam().text << " parsed as " << value.count() << "ns";
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(std::string("invalid duration \"") + GetParam().text + "\""),
              std::string::npos)
        << message;
    EXPECT_NE(message.find(GetParam().problem), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    AppGoTable, AppBadDurationTest,
    testing::Values(BadCase{"", "expected a number with a unit"}, BadCase{"3", "missing unit"},
                    BadCase{"-", "expected a number"}, BadCase{"s", "expected a number"},
                    BadCase{".", "'.' must have digits"}, BadCase{"-.", "'.' must have digits"},
                    BadCase{".s", "'.' must have digits"}, BadCase{"+.s", "'.' must have digits"},
                    BadCase{"1d", "unknown unit \"d\""}, BadCase{"2x", "unknown unit \"x\""},
                    BadCase{"1m30", "missing unit"}, BadCase{"1 m", "unknown unit \" m\""},
                    BadCase{"2m ", "unknown unit \"m \""}, BadCase{"\x85\x85", "expected a number"},
                    BadCase{"9223372036854775810ns", "too large"},
                    BadCase{"9223372036854775808ns", "too large"},
                    BadCase{"-9223372036854775809ns", "too large"},
                    BadCase{"9223372036854775.808us", "too large"},
                    BadCase{"3000000h", "too large"}));

TEST(AppFormatDuration, PrintsCompactComponents) {
  EXPECT_EQ(format_duration(nanoseconds{0}), "0s");
  EXPECT_EQ(format_duration(minutes{2}), "2m");
  EXPECT_EQ(format_duration(seconds{90}), "1m30s");
  EXPECT_EQ(format_duration(milliseconds{500}), "500ms");
  EXPECT_EQ(format_duration(hours{1}), "1h");
  EXPECT_EQ(format_duration(hours{1} + seconds{30}), "1h30s");
  EXPECT_EQ(format_duration(seconds{1} + milliseconds{500}), "1s500ms");
  EXPECT_EQ(format_duration(nanoseconds{1}), "1ns");
  EXPECT_EQ(format_duration(microseconds{7}), "7us");
  EXPECT_EQ(format_duration(-seconds{90}), "-1m30s");
  EXPECT_EQ(format_duration(hours{49}), "49h");
}

TEST(AppFormatDuration, CanonicalTextRoundTripsUnchanged) {
  for (const char* text : {"2m", "30s", "1s", "1m30s", "500ms", "1h", "1h30m", "-5s", "10ns",
                           "1h2m3s4ms5us6ns", "0s"}) {
    EXPECT_EQ(format_duration(parse_duration(text)), text);
  }
}

TEST(AppFormatDuration, ParsingTheTextGivesTheValueBack) {
  const nanoseconds values[] = {
      nanoseconds{0},
      nanoseconds{1},
      nanoseconds{999},
      milliseconds{1500},
      minutes{2},
      hours{26} + nanoseconds{1},
      -milliseconds{1},
      nanoseconds{std::numeric_limits<std::int64_t>::max()},
      nanoseconds{std::numeric_limits<std::int64_t>::min()},
  };
  for (const nanoseconds value : values) {
    EXPECT_EQ(parse_duration(format_duration(value)), value) << format_duration(value);
  }
}

}  // namespace
}  // namespace sscsi::app
