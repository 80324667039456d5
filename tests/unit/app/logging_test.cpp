#include "app/logging.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "utc_clock_check.h"

namespace sscsi::app {
namespace {

TEST(AppLogging, VerbosityMapsLikeKlog) {
  EXPECT_EQ(level_for_verbosity(0), spdlog::level::info);
  EXPECT_EQ(level_for_verbosity(1), spdlog::level::info);
  EXPECT_EQ(level_for_verbosity(2), spdlog::level::debug);
  EXPECT_EQ(level_for_verbosity(3), spdlog::level::debug);
  EXPECT_EQ(level_for_verbosity(4), spdlog::level::debug);
  EXPECT_EQ(level_for_verbosity(5), spdlog::level::trace);
}

TEST(AppLogging, TextLinesCarryUtcTimeLevelLetterAndLoggerName) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
  sink->set_formatter(make_text_formatter());
  auto host = std::make_shared<spdlog::logger>("host", sink);
  host->set_level(spdlog::level::trace);
  host->info("hello");
  host->warn("careful");
  host->clone("mock")->debug("from a plugin");
  const std::vector<std::string> expected{"I [host] hello", "W [host] careful",
                                          "D [mock] from a plugin"};
  std::istringstream in(out.str());
  std::size_t count = 0;
  for (std::string text; std::getline(in, text); ++count) {
    ASSERT_LT(count, expected.size()) << text;
    const auto space = text.find(' ');
    ASSERT_NE(space, std::string::npos) << text;
    EXPECT_TRUE(testing_support::is_timestamp_shape(text.substr(0, space))) << text;
    EXPECT_EQ(text.substr(space + 1), expected[count]);
  }
  EXPECT_EQ(count, 3u);
}

TEST(AppLogging, TextTimestampIsUtcWhateverTheLocalZone) {
  const testing_support::FarFromUtcTimeZone zone;
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
  sink->set_formatter(make_text_formatter());
  spdlog::logger("host", sink).info("now");
  const std::string ts = out.str().substr(0, out.str().find(' '));
  EXPECT_LE(testing_support::seconds_from_now(ts), 5) << ts;
}

TEST(AppLogging, InitReplacesTheDefaultLoggerWithHostAtTheVerbosityLevel) {
  const auto previous = spdlog::default_logger();
  init_logging(3, /*json=*/true);
  EXPECT_EQ(spdlog::default_logger()->name(), "host");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::debug);
  // Clones made later (plugin loggers) inherit the level.
  EXPECT_EQ(spdlog::default_logger()->clone("mock")->level(), spdlog::level::debug);
  init_logging(0, /*json=*/false);
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::info);
  spdlog::set_default_logger(previous);
}

}  // namespace
}  // namespace sscsi::app
