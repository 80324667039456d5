// The services table a plugin receives: logging (logger named after the plugin, level mapping,
// redaction, one line per message), metrics through the host's registry, call_cancelled.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>

#include "plugins/call_table.h"
#include "plugins/host_services.h"
#include "test_support.h"

namespace sscsi::plugins::testing {
namespace {

class PluginHostServices : public ::testing::Test {
 protected:
  LogCapture logs_;
  metrics::Registry metrics_;
  std::shared_ptr<CallTable> calls_ = std::make_shared<CallTable>();
  HostServices services_{"demo", spdlog::default_logger()->clone("demo"), metrics_, calls_};
  const sscsi_host_api& api_ = *services_.api();
};

TEST_F(PluginHostServices, TableDescribesThisHost) {
  EXPECT_EQ(api_.struct_size, sizeof(sscsi_host_api));
  EXPECT_EQ(api_.abi_major, static_cast<std::uint32_t>(SSCSI_ABI_MAJOR));
  EXPECT_EQ(api_.abi_minor, static_cast<std::uint32_t>(SSCSI_ABI_MINOR));
  EXPECT_NE(api_.host_ctx, nullptr);
}

TEST_F(PluginHostServices, LevelsMapOntoTheLoggerNamedAfterThePlugin) {
  api_.log(api_.host_ctx, SSCSI_LOG_ERROR, "e");
  api_.log(api_.host_ctx, SSCSI_LOG_WARN, "w");
  api_.log(api_.host_ctx, SSCSI_LOG_INFO, "i");
  api_.log(api_.host_ctx, SSCSI_LOG_DEBUG, "d");
  api_.log(api_.host_ctx, SSCSI_LOG_TRACE, "t");
  api_.log(api_.host_ctx, static_cast<sscsi_log_level>(99), "unknown level");
  api_.log(api_.host_ctx, SSCSI_LOG_INFO, nullptr);
  EXPECT_EQ(logs_.lines(),
            (std::vector<std::string>{"demo|error|e", "demo|warning|w", "demo|info|i",
                                      "demo|debug|d", "demo|trace|t", "demo|error|unknown level"}));
}

TEST_F(PluginHostServices, NewlinesAndControlBytesAreEscaped) {
  api_.log(api_.host_ctx, SSCSI_LOG_INFO, "one\ntwo\r\tthree\x01");
  EXPECT_EQ(logs_.lines(), std::vector<std::string>{"demo|info|one\\ntwo\\r\\tthree\\x01"});
}

TEST_F(PluginHostServices, TokensAreRedactedBeforeWriting) {
  api_.log(api_.host_ctx, SSCSI_LOG_INFO,
           "token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln and Bearer abcdefghijklmnop");
  EXPECT_EQ(logs_.lines(),
            std::vector<std::string>{"demo|info|token [REDACTED] and Bearer [REDACTED]"});
}

TEST_F(PluginHostServices, LogEnabledFollowsTheLoggersLevel) {
  HostServices quiet(
      "quiet",
      [] {
        auto logger = spdlog::default_logger()->clone("quiet");
        logger->set_level(spdlog::level::info);
        return logger;
      }(),
      metrics_, calls_);
  const sscsi_host_api& api = *quiet.api();
  EXPECT_TRUE(api.log_enabled(api.host_ctx, SSCSI_LOG_ERROR));
  EXPECT_TRUE(api.log_enabled(api.host_ctx, SSCSI_LOG_INFO));
  EXPECT_FALSE(api.log_enabled(api.host_ctx, SSCSI_LOG_DEBUG));
  EXPECT_FALSE(api.log_enabled(api.host_ctx, SSCSI_LOG_TRACE));
  api.log(api.host_ctx, SSCSI_LOG_DEBUG, "dropped");
  EXPECT_TRUE(logs_.lines().empty());
}

TEST_F(PluginHostServices, MetricsAreDefinedAndRecordedInTheHostRegistry) {
  const char* const labels[] = {"result"};
  std::uint32_t id = 0;
  ASSERT_EQ(api_.metric_define(api_.host_ctx, SSCSI_METRIC_COUNTER, "demo_calls_total", "Calls.",
                               labels, 1, nullptr, 0, &id),
            SSCSI_OK);
  std::uint32_t again = 0;
  ASSERT_EQ(api_.metric_define(api_.host_ctx, SSCSI_METRIC_COUNTER, "demo_calls_total", "Calls.",
                               labels, 1, nullptr, 0, &again),
            SSCSI_OK);
  EXPECT_EQ(again, id);
  const char* const values[] = {"ok"};
  ASSERT_EQ(api_.metric_record(api_.host_ctx, id, values, 1, 2.0), SSCSI_OK);
  EXPECT_NE(metrics_.expose().find("demo_calls_total{result=\"ok\"} 2"), std::string::npos);
}

TEST_F(PluginHostServices, BadMetricCallsAreRefusedAndLoggedOncePerReason) {
  std::uint32_t id = 0;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(api_.metric_define(api_.host_ctx, SSCSI_METRIC_COUNTER, "bad name", "x", nullptr, 0,
                                 nullptr, 0, &id),
              SSCSI_INVALID_PARAMETERS);
  }
  EXPECT_EQ(logs_.count_containing("demo|warning|metric_define refused: "), 1u);
  EXPECT_EQ(logs_.count_containing("bad name"), 1u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(api_.metric_record(api_.host_ctx, 12345, nullptr, 0, 1.0), SSCSI_INVALID_PARAMETERS);
  }
  EXPECT_EQ(logs_.count_containing("demo|warning|metric_record refused: "), 1u);
}

TEST_F(PluginHostServices, MalformedMetricArgumentsAreRefusedNotDereferenced) {
  std::uint32_t id = 0;
  EXPECT_EQ(api_.metric_define(api_.host_ctx, SSCSI_METRIC_COUNTER, nullptr, "x", nullptr, 0,
                               nullptr, 0, &id),
            SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(api_.metric_define(api_.host_ctx, SSCSI_METRIC_COUNTER, "a_total", "x", nullptr, 2,
                               nullptr, 0, &id),
            SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(api_.metric_define(api_.host_ctx, SSCSI_METRIC_HISTOGRAM, "a_seconds", "x", nullptr, 0,
                               nullptr, 3, &id),
            SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(api_.metric_define(api_.host_ctx, static_cast<sscsi_metric_kind>(9), "a_total", "x",
                               nullptr, 0, nullptr, 0, &id),
            SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(api_.metric_define(api_.host_ctx, SSCSI_METRIC_COUNTER, "a_total", "x", nullptr, 0,
                               nullptr, 0, nullptr),
            SSCSI_INVALID_PARAMETERS);
  ASSERT_EQ(api_.metric_define(api_.host_ctx, SSCSI_METRIC_COUNTER, "b_total", "x", nullptr, 0,
                               nullptr, 0, &id),
            SSCSI_OK);
  EXPECT_EQ(api_.metric_record(api_.host_ctx, id, nullptr, 1, 1.0), SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(api_.metric_record(api_.host_ctx, id, nullptr, 0, -1.0), SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(api_.metric_record(api_.host_ctx, id, nullptr, 0, NAN), SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(api_.metric_record(api_.host_ctx, id, nullptr, 0, 1.0), SSCSI_OK);
}

TEST_F(PluginHostServices, DetachedMetricsAnswerUnavailable) {
  std::uint32_t id = 0;
  ASSERT_EQ(api_.metric_define(api_.host_ctx, SSCSI_METRIC_COUNTER, "c_total", "x", nullptr, 0,
                               nullptr, 0, &id),
            SSCSI_OK);
  services_.detach_metrics();
  EXPECT_EQ(api_.metric_record(api_.host_ctx, id, nullptr, 0, 1.0), SSCSI_UNAVAILABLE);
  EXPECT_EQ(api_.metric_define(api_.host_ctx, SSCSI_METRIC_COUNTER, "d_total", "x", nullptr, 0,
                               nullptr, 0, &id),
            SSCSI_UNAVAILABLE);
}

TEST_F(PluginHostServices, CallCancelledReflectsTheCallTable) {
  const auto id = calls_->begin(unix_now_ms() + 60'000);
  ASSERT_TRUE(id);
  EXPECT_FALSE(api_.call_cancelled(api_.host_ctx, *id));
  EXPECT_TRUE(api_.call_cancelled(api_.host_ctx, *id + 1));
  calls_->end(*id);
  EXPECT_TRUE(api_.call_cancelled(api_.host_ctx, *id));
}

// Through a real plugin: its logger is a clone of the application's, named after the plugin.
class PluginLogging : public LoaderTest {};

TEST_F(PluginLogging, PluginLinesAreRedactedAndStayOneLine) {
  dir_.add_plugin("logs_jwt");
  load();
  ASSERT_TRUE(provider("logs_jwt").mount(make_call()).ok);
  EXPECT_EQ(logs_.count("logs_jwt|info|got [REDACTED] from the token endpoint; header "
                        "Authorization: Bearer [REDACTED]; body {\"access_token\":\"[REDACTED]\"}"
                        "; form client_secret=[REDACTED]&x=1\\nsecond line"),
            1u);
  EXPECT_EQ(logs_.count_containing("sekrit"), 0u);
  EXPECT_EQ(logs_.count_containing("hunter2"), 0u);
}

TEST_F(PluginLogging, ThePluginLoggerFollowsTheApplicationLevelAtLoad) {
  logs_.set_level(spdlog::level::info);
  dir_.add_plugin("good");
  load();
  ASSERT_TRUE(provider("good").mount(make_call()).ok);
  EXPECT_EQ(logs_.count("good|info|created"), 1u);
  EXPECT_EQ(logs_.count("good|debug|mounting"), 0u);
}

TEST_F(PluginLogging, DebugLinesAppearAtDebugLevel) {
  logs_.set_level(spdlog::level::debug);
  dir_.add_plugin("good");
  load();
  ASSERT_TRUE(provider("good").mount(make_call()).ok);
  EXPECT_EQ(logs_.count("good|debug|mounting"), 1u);
}

TEST_F(PluginLogging, PluginMetricsAreExposedAndBadCallsLoggedOnce) {
  dir_.add_plugin("metrics");
  load();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(provider("metrics").mount(make_call()).ok);
  const std::string exposed = metrics_.expose();
  EXPECT_NE(exposed.find("test_plugin_mounts_total{result=\"ok\"} 3"), std::string::npos);
  EXPECT_NE(exposed.find("test_plugin_mount_seconds_count 3"), std::string::npos);
  EXPECT_EQ(logs_.count_containing("metrics|warning|metric_define refused: "), 1u);
  EXPECT_EQ(logs_.count_containing("metrics|warning|metric_record refused: "), 1u);
}

}  // namespace
}  // namespace sscsi::plugins::testing
