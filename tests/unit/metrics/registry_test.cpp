#include "metrics/registry.h"
#include "metrics/text_format.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sscsi::metrics {
namespace {

using Labels = std::vector<std::string_view>;

Definition counter(std::string name, std::vector<std::string> labels = {}) {
  return Definition{Kind::Counter, std::move(name), "Things counted.", std::move(labels), {}};
}

Definition histogram(std::string name, std::vector<std::string> labels = {}) {
  return Definition{
      Kind::Histogram, std::move(name), "Durations.", std::move(labels), {0.1, 0.5, 2}};
}

std::string error_of(auto&& fn) {
  try {
    fn();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

TEST(MetricsRegistry, CounterExposition) {
  Registry registry;
  const MetricId id = registry.define(counter("node_publish_total", {"provider", "os_type"}));
  registry.record(id, Labels{"mock", "linux"}, 1);
  registry.record(id, Labels{"mock", "linux"}, 2);
  registry.record(id, Labels{"azure", "linux"}, 1);
  EXPECT_EQ(registry.expose(),
            "# HELP node_publish_total Things counted.\n"
            "# TYPE node_publish_total counter\n"
            "node_publish_total{provider=\"azure\",os_type=\"linux\"} 1\n"
            "node_publish_total{provider=\"mock\",os_type=\"linux\"} 3\n");
}

TEST(MetricsRegistry, HistogramBucketsAreCumulative) {
  Registry registry;
  const MetricId id = registry.define(histogram("request_duration_seconds"));
  for (double v : {0.05, 0.1, 0.3, 1.0, 10.0}) registry.record(id, Labels{}, v);
  EXPECT_EQ(registry.expose(),
            "# HELP request_duration_seconds Durations.\n"
            "# TYPE request_duration_seconds histogram\n"
            "request_duration_seconds_bucket{le=\"0.1\"} 2\n"
            "request_duration_seconds_bucket{le=\"0.5\"} 3\n"
            "request_duration_seconds_bucket{le=\"2\"} 4\n"
            "request_duration_seconds_bucket{le=\"+Inf\"} 5\n"
            "request_duration_seconds_sum 11.45\n"
            "request_duration_seconds_count 5\n");
}

TEST(MetricsRegistry, LabelValuesAreEscaped) {
  Registry registry;
  const MetricId id = registry.define(counter("odd_total", {"error"}));
  registry.record(id, Labels{"a \"quoted\" back\\slash\nnewline"}, 1);
  EXPECT_NE(
      registry.expose().find("odd_total{error=\"a \\\"quoted\\\" back\\\\slash\\nnewline\"} 1\n"),
      std::string::npos);
}

// Prometheus refuses a whole scrape over one label value that is not UTF-8. Plugins pass any
// bytes (an error text cut in the middle of a character, say): each invalid sequence becomes
// U+FFFD, and valid characters of every length stay as they are.
TEST(MetricsRegistry, LabelValuesAreMadeValidUtf8) {
  Registry registry;
  const MetricId id = registry.define(counter("odd_total", {"error"}));
  const std::string replacement = "\xEF\xBF\xBD";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"cut: \xC3", "cut: " + replacement},  // cut mid-character
      {"lone \x80 continuation", "lone " + replacement + " continuation"},
      {"overlong \xC0\xAF", "overlong " + replacement + replacement},  // '/' in two bytes
      {"surrogate \xED\xA0\x80", "surrogate " + replacement + replacement + replacement},
      {"too high \xF4\x90\x80\x80",
       "too high " + replacement + replacement + replacement + replacement},
      {"short \xE2\x82 end", "short " + replacement + " end"},
      {"kept: \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF",
       "kept: \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"},
  };
  for (const auto& [recorded, exposed] : cases) {
    EXPECT_EQ(is_valid_utf8(recorded), recorded == exposed) << exposed;
    EXPECT_TRUE(is_valid_utf8(exposed)) << exposed;
    registry.record(id, Labels{recorded}, 1);
    EXPECT_NE(registry.expose().find("odd_total{error=\"" + exposed + "\"} 1\n"), std::string::npos)
        << exposed << "\n"
        << registry.expose();
  }
}

TEST(MetricsRegistry, ValuesThatReadTheSameOnceValidShareASeries) {
  Registry registry;
  const MetricId id = registry.define(counter("odd_total", {"error"}));
  registry.record(id, Labels{"x\xC3"}, 1);
  registry.record(id, Labels{"x\xFF"}, 2);
  registry.record(id, Labels{"x\xEF\xBF\xBD"}, 4);
  EXPECT_EQ(registry.expose(),
            "# HELP odd_total Things counted.\n# TYPE odd_total counter\n"
            "odd_total{error=\"x\xEF\xBF\xBD\"} 7\n");
}

// A label fed from open-ended text (an error message) must not grow the exposition for ever:
// beyond the limit, samples of new series are dropped and counted per metric, while the
// series that exist keep counting.
TEST(MetricsRegistry, SeriesPerMetricAreCapped) {
  Registry registry(2);
  const MetricId errors = registry.define(counter("errors_total", {"error"}));
  const MetricId latency = registry.define(histogram("latency_seconds", {"op"}));
  for (const char* error : {"a", "b", "c", "d", "a"}) registry.record(errors, Labels{error}, 1);
  for (const char* op : {"get", "list", "watch"}) registry.record(latency, Labels{op}, 0.2);
  EXPECT_EQ(registry.expose(),
            "# HELP errors_total Things counted.\n# TYPE errors_total counter\n"
            "errors_total{error=\"a\"} 2\nerrors_total{error=\"b\"} 1\n"
            "# HELP latency_seconds Durations.\n# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{op=\"get\",le=\"0.1\"} 0\n"
            "latency_seconds_bucket{op=\"get\",le=\"0.5\"} 1\n"
            "latency_seconds_bucket{op=\"get\",le=\"2\"} 1\n"
            "latency_seconds_bucket{op=\"get\",le=\"+Inf\"} 1\n"
            "latency_seconds_sum{op=\"get\"} 0.2\nlatency_seconds_count{op=\"get\"} 1\n"
            "latency_seconds_bucket{op=\"list\",le=\"0.1\"} 0\n"
            "latency_seconds_bucket{op=\"list\",le=\"0.5\"} 1\n"
            "latency_seconds_bucket{op=\"list\",le=\"2\"} 1\n"
            "latency_seconds_bucket{op=\"list\",le=\"+Inf\"} 1\n"
            "latency_seconds_sum{op=\"list\"} 0.2\nlatency_seconds_count{op=\"list\"} 1\n"
            "# HELP sscsi_metric_samples_dropped_total Samples dropped because their metric "
            "already had the most series (label value combinations) the host keeps per "
            "metric.\n# TYPE sscsi_metric_samples_dropped_total counter\n"
            "sscsi_metric_samples_dropped_total{metric=\"errors_total\"} 2\n"
            "sscsi_metric_samples_dropped_total{metric=\"latency_seconds\"} 1\n");
}

TEST(MetricsRegistry, TheDefaultSeriesLimitHolds) {
  Registry registry;
  const MetricId id = registry.define(counter("errors_total", {"error"}));
  for (std::size_t i = 0; i < Registry::kDefaultMaxSeriesPerMetric + 5; ++i) {
    registry.record(id, Labels{std::to_string(i)}, 1);
  }
  const std::string text = registry.expose();
  std::size_t series = 0;
  for (std::size_t at = text.find("\nerrors_total{"); at != std::string::npos;
       at = text.find("\nerrors_total{", at + 1)) {
    ++series;
  }
  EXPECT_EQ(series, Registry::kDefaultMaxSeriesPerMetric);
  EXPECT_NE(text.find("sscsi_metric_samples_dropped_total{metric=\"errors_total\"} 5\n"),
            std::string::npos);
}

TEST(MetricsRegistry, IdenticalRedefinitionReturnsSameId) {
  Registry registry;
  const MetricId a = registry.define(counter("x_total", {"l"}));
  EXPECT_EQ(registry.define(counter("x_total", {"l"})), a);
  EXPECT_EQ(error_of([&] { registry.define(counter("x_total", {"other"})); }),
            "metric x_total is already defined with a different kind, help, labels or buckets");
  EXPECT_EQ(error_of([&] { registry.define(histogram("x_total", {"l"})); }),
            "metric x_total is already defined with a different kind, help, labels or buckets");
}

TEST(MetricsRegistry, RejectsBadDefinitions) {
  Registry registry;
  EXPECT_EQ(error_of([&] { registry.define(counter("1bad")); }),
            "metric name '1bad' is not a valid Prometheus name");
  EXPECT_EQ(error_of([&] { registry.define(counter("")); }),
            "metric name '' is not a valid Prometheus name");
  EXPECT_EQ(error_of([&] { registry.define(counter("ok_total", {"__reserved"})); }),
            "metric ok_total: label name '__reserved' is not valid");
  EXPECT_EQ(error_of([&] { registry.define(counter("ok_total", {"a-b"})); }),
            "metric ok_total: label name 'a-b' is not valid");
  EXPECT_EQ(error_of([&] {
              registry.define(counter("ok_total", {"a", "a"}));
            }),
            "metric ok_total: label 'a' repeated");
  EXPECT_EQ(error_of([&] { registry.define(histogram("h", {"le"})); }),
            "metric h: label 'le' is reserved for histogram buckets");
  Definition unordered = histogram("h2");
  unordered.buckets = {1, 1};
  EXPECT_EQ(error_of([&] { registry.define(unordered); }),
            "histogram h2: buckets must be finite and strictly increasing");
  Definition none = histogram("h3");
  none.buckets.clear();
  EXPECT_EQ(error_of([&] { registry.define(none); }), "histogram h3 has no buckets");
  Definition multiline = counter("m_total");
  multiline.help = "two\nlines";
  EXPECT_EQ(error_of([&] { registry.define(multiline); }),
            "metric m_total: help text has a newline");
}

TEST(MetricsRegistry, RejectsBadSamples) {
  Registry registry;
  const MetricId id = registry.define(counter("c_total", {"a"}));
  EXPECT_EQ(error_of([&] { registry.record(id, Labels{}, 1); }),
            "metric c_total takes 1 label values, not 0");
  EXPECT_EQ(error_of([&] { registry.record(id, Labels{"x"}, -1); }),
            "counter c_total cannot decrease");
  EXPECT_EQ(error_of([&] { registry.record(id, Labels{"x"}, 0.0 / 0.0); }),
            "metric value is not finite");
  EXPECT_EQ(error_of([&] { registry.record(99, Labels{"x"}, 1); }), "unknown metric id 99");
  // Nothing was recorded by the refused samples.
  EXPECT_EQ(registry.expose().find("c_total{"), std::string::npos);
}

TEST(MetricsRegistry, ConcurrentRecordsAllCount) {
  Registry registry;
  const MetricId id = registry.define(counter("hits_total", {"t"}));
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) registry.record(id, Labels{"same"}, 1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_NE(registry.expose().find("hits_total{t=\"same\"} 8000\n"), std::string::npos);
}

// The exposition must satisfy the reference parser and linter (Debian's promtool).
TEST(MetricsRegistry, PromtoolAcceptsExposition) {
  Registry registry;
  const MetricId c = registry.define(counter("node_publish_total", {"provider", "os_type"}));
  const MetricId h = registry.define(histogram("publish_duration_seconds", {"os_type"}));
  registry.record(c, Labels{"mo\"ck", "linux"}, 1);
  registry.record(c, Labels{"cut: \xC3", "linux"}, 1);  // not UTF-8 as recorded
  registry.record(h, Labels{"linux"}, 0.25);
  const std::string text = registry.expose();
  FILE* pipe = popen(SSCSI_PROMTOOL " check metrics > /dev/null 2>&1", "w");
  ASSERT_NE(pipe, nullptr);
  fwrite(text.data(), 1, text.size(), pipe);
  const int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << text;
}

}  // namespace
}  // namespace sscsi::metrics
