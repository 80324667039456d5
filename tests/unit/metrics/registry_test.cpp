#include "metrics/registry.h"

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
  return Definition{Kind::Histogram, std::move(name), "Durations.", std::move(labels),
                    {0.1, 0.5, 2}};
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
  EXPECT_NE(registry.expose().find(
                "odd_total{error=\"a \\\"quoted\\\" back\\\\slash\\nnewline\"} 1\n"),
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
  EXPECT_EQ(error_of([&] { registry.define(counter("ok_total", {"a", "a"})); }),
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
  EXPECT_EQ(error_of([&] { registry.define(multiline); }), "metric m_total: help text has a newline");
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
