#include "app/json_log_formatter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <random>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "utc_clock_check.h"

namespace sscsi::app {
namespace {

using namespace std::string_literals;

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

TEST(AppJsonString, QuotesPlainText) { EXPECT_EQ(json_string("hello world"), "\"hello world\""); }

TEST(AppJsonString, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(json_string(R"(say "hi" \o/)"), R"("say \"hi\" \\o/")");
}

TEST(AppJsonString, EscapesEveryControlCharacter) {
  EXPECT_EQ(json_string("a\nb\tc\rd\be\ff"), R"("a\nb\tc\rd\be\ff")");
  EXPECT_EQ(json_string("\x01\x1f\x7f"), R"("\u0001\u001f\u007f")");
  EXPECT_EQ(json_string("nul\0here"s), R"("nul\u0000here")");
  for (int c = 0; c < 0x20; ++c) {
    const std::string out = json_string(std::string(1, static_cast<char>(c)));
    EXPECT_TRUE(std::none_of(out.begin(), out.end(), [](char ch) {
      return static_cast<unsigned char>(ch) < 0x20;
    })) << c;
    EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), std::string(1, static_cast<char>(c)));
  }
}

TEST(AppJsonString, KeepsWellFormedUtf8) {
  const std::string text =
      "caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF";
  EXPECT_EQ(json_string(text), "\"" + text + "\"");
}

struct InvalidCase {
  std::string input;
  std::string expected;  // between the quotes
};

void PrintTo(const InvalidCase& invalid_case, std::ostream* out) {
  for (const char c : invalid_case.input) {
    *out << fmt::format("{:02x}", static_cast<unsigned char>(c));
  }
}

class AppInvalidUtf8Test : public testing::TestWithParam<InvalidCase> {};

TEST_P(AppInvalidUtf8Test, ReplacesEachMaximalInvalidSubpart) {
  EXPECT_EQ(json_string(GetParam().input), "\"" + GetParam().expected + "\"");
}

INSTANTIATE_TEST_SUITE_P(
    AppUnicodeTable3_7, AppInvalidUtf8Test,
    testing::Values(
        InvalidCase{"\x80", kReplacement},  // lone continuation
        InvalidCase{"a\xBF"
                    "b",
                    "a" + kReplacement + "b"},                 // lone continuation
        InvalidCase{"\xC0\x80", kReplacement + kReplacement},  // overlong NUL
        InvalidCase{"\xC1\xBF", kReplacement + kReplacement},  // overlong
        InvalidCase{"\xE0\x80\x80", kReplacement + kReplacement + kReplacement},  // overlong
        InvalidCase{"\xED\xA0\x80", kReplacement + kReplacement + kReplacement},  // surrogate
        InvalidCase{"\xF4\x90\x80\x80",
                    kReplacement + kReplacement + kReplacement + kReplacement},  // > U+10FFFF
        InvalidCase{"\xF5", kReplacement}, InvalidCase{"\xFF", kReplacement},
        InvalidCase{"\xE2\x82", kReplacement},  // truncated at the end
        InvalidCase{"\xE2\x82"
                    "A",
                    kReplacement + "A"},                        // truncated before ASCII
        InvalidCase{"\xF0\x9F\x98", kReplacement},              // truncated 4-byte
        InvalidCase{"\xF0\x9F\x98\"", kReplacement + "\\\""},   // truncated before a quote
        InvalidCase{"\xC3\xC3\xA9", kReplacement + "\xC3\xA9"}  // bad lead, then a good char
        ));

TEST(AppJsonString, AnyBytesGiveJsonThatParses) {
  // nlohmann's parser rejects ill-formed UTF-8 and raw control characters: whatever the bytes,
  // the output must parse, and well-formed text must come back unchanged.
  std::mt19937 random(20261129);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 40);
  for (int round = 0; round < 20000; ++round) {
    std::string input(static_cast<std::size_t>(length(random)), '\0');
    for (char& c : input) c = static_cast<char>(byte(random));
    const std::string out = json_string(input);
    nlohmann::json parsed;
    ASSERT_NO_THROW(parsed = nlohmann::json::parse(out)) << out;
    ASSERT_TRUE(parsed.is_string());
  }
  const std::string valid = "tab\t \"q\" \\ \xC3\xA9\xF0\x9F\x98\x80\x01";
  EXPECT_EQ(nlohmann::json::parse(json_string(valid)).get<std::string>(), valid);
}

// Logs through a real spdlog logger whose only sink writes into a string stream.
class AppJsonLoggerTest : public testing::Test {
 protected:
  void SetUp() override {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out_);
    sink->set_formatter(std::make_unique<JsonLogFormatter>());
    logger_ = std::make_shared<spdlog::logger>("host", sink);
    logger_->set_level(spdlog::level::trace);
  }

  std::vector<nlohmann::json> lines() const {
    std::vector<nlohmann::json> parsed;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) parsed.push_back(nlohmann::json::parse(line));
    return parsed;
  }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> logger_;
};

TEST_F(AppJsonLoggerTest, WritesOneObjectPerLineWithTheFourFields) {
  const std::string nasty = "line1\nline2 \"quoted\" back\\slash \x01 bad\xFF utf8 \xC3\xA9";
  logger_->info("{}", nasty);
  const auto parsed = lines();
  ASSERT_EQ(parsed.size(), 1u);
  const auto& line = parsed.front();
  EXPECT_EQ(line.size(), 4u);
  EXPECT_EQ(line.at("level"), "info");
  EXPECT_EQ(line.at("logger"), "host");
  EXPECT_EQ(line.at("msg"),
            "line1\nline2 \"quoted\" back\\slash \x01 bad" + kReplacement + " utf8 \xC3\xA9");
  EXPECT_TRUE(testing_support::is_timestamp_shape(line.at("ts").get<std::string>()))
      << line.at("ts");
}

TEST_F(AppJsonLoggerTest, NamesEveryLevel) {
  logger_->trace("t");
  logger_->debug("d");
  logger_->info("i");
  logger_->warn("w");
  logger_->error("e");
  logger_->critical("c");
  std::vector<std::string> levels;
  for (const auto& line : lines()) levels.push_back(line.at("level"));
  EXPECT_EQ(levels,
            (std::vector<std::string>{"trace", "debug", "info", "warn", "error", "critical"}));
}

TEST_F(AppJsonLoggerTest, ClonedLoggersCarryTheirOwnName) {
  // Plugin loggers are clones of the host's logger named after the plugin.
  logger_->clone("mock")->info("from the plugin");
  logger_->info("from the host");
  const auto parsed = lines();
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0].at("logger"), "mock");
  EXPECT_EQ(parsed[1].at("logger"), "host");
}

TEST_F(AppJsonLoggerTest, TimestampIsUtcWhateverTheLocalZone) {
  const testing_support::FarFromUtcTimeZone zone;
  logger_->info("now");
  const std::string ts = lines().front().at("ts");
  EXPECT_LE(testing_support::seconds_from_now(ts), 5) << ts;
}

}  // namespace
}  // namespace sscsi::app
