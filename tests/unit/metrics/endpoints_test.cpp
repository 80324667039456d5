#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "http_client.h"
#include "metrics/endpoints.h"
#include "metrics/http_server.h"
#include "publish/publish_metrics.h"

namespace sscsi::metrics {
namespace {

// Upstream's metric names that promtool's linter flags but the driver must keep (dashboards
// and alerts use them).
const std::set<std::string> kUpstreamAbbreviatedNames = {"k8s_secret_duration_sec",
                                                         "rotation_reconcile_duration_sec"};
constexpr const char* kAbbreviatedUnitLint = " metric names should not contain abbreviated units";

struct PromtoolResult {
  int exit_code = -1;
  std::string output;
};

PromtoolResult promtool_check(const std::string& exposition) {
  std::string path = (std::filesystem::temp_directory_path() / "sscsi-metrics-XXXXXX").string();
  const int fd = mkstemp(path.data());
  if (fd < 0) return {};
  close(fd);
  std::ofstream(path) << exposition;
  PromtoolResult result;
  FILE* pipe =
      popen((std::string(SSCSI_PROMTOOL) + " check metrics < " + path + " 2>&1").c_str(), "r");
  if (pipe != nullptr) {
    char buffer[512];
    while (fgets(buffer, sizeof buffer, pipe) != nullptr) result.output += buffer;
    const int status = pclose(pipe);
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  }
  std::filesystem::remove(path);
  return result;
}

// Lines of promtool's output that are anything but the accepted lint on upstream's names.
std::string unexpected_findings(const std::string& output) {
  std::istringstream lines(output);
  std::string unexpected;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const std::size_t at = line.find(kAbbreviatedUnitLint);
    const bool accepted = at != std::string::npos &&
                          at + std::string(kAbbreviatedUnitLint).size() == line.size() &&
                          kUpstreamAbbreviatedNames.contains(line.substr(0, at));
    if (!accepted) unexpected += line + "\n";
  }
  return unexpected;
}

TEST(MetricsEndpoints, MetricsResponseCarriesTheExposition) {
  Registry registry;
  publish::PublishMetrics published(registry);
  published.publish_ok("mock");
  const HttpResponse response = metrics_response(registry);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response.body, registry.expose());
  EXPECT_NE(response.body.find("node_publish_total{provider=\"mock\",os_type=\"linux\"} 1"),
            std::string::npos)
      << response.body;
}

TEST(MetricsEndpoints, HealthIsOkOr503WithOneProblemPerLine) {
  const HttpResponse ok = health_response({});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "ok\n");
  const HttpResponse bad =
      health_response({"plugin \"mock\" is not loaded", "plugin \"vault\" is unhealthy: a\nb"});
  EXPECT_EQ(bad.status, 503);
  EXPECT_EQ(bad.body, "plugin \"mock\" is not loaded\nplugin \"vault\" is unhealthy: a b\n");
}

// Every metric the host defines, served over HTTP, passes promtool except for exactly the lint
// on upstream's `_sec` names.
TEST(MetricsEndpoints, ScrapedMetricsPassPromtool) {
  Registry registry;
  publish::PublishMetrics published(registry);
  published.publish_ok("mock");
  published.publish_error("mock", "Throttled");
  published.unpublish_ok();
  published.unpublish_error();
  published.rotation_ok("mock", true, 0.3);
  published.rotation_error("mock", "Unavailable", 1.5);
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.routes["/metrics"] = [&registry] { return metrics_response(registry); };
  const auto server = HttpServer::start(options);
  const testing::ParsedResponse scraped = testing::get(server->port(), "/metrics");
  ASSERT_EQ(scraped.status, 200);
  EXPECT_EQ(scraped.headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(scraped.headers.at("content-length"), std::to_string(scraped.body.size()));

  const PromtoolResult checked = promtool_check(scraped.body);
  ASSERT_TRUE(checked.exit_code == 0 || checked.exit_code == 3)
      << "promtool exit " << checked.exit_code << ": " << checked.output << scraped.body;
  EXPECT_EQ(unexpected_findings(checked.output), "") << scraped.body;
  if (checked.exit_code == 3) {
    EXPECT_NE(checked.output.find(kAbbreviatedUnitLint), std::string::npos) << checked.output;
  }
}

// The filter itself: it must not wave through other lint or other names.
TEST(MetricsEndpoints, PromtoolFilterAcceptsOnlyTheUpstreamNames) {
  const std::string bad_counter =
      "# HELP hits hits\n# TYPE hits counter\nhits 1\n"
      "# HELP my_latency_sec x\n# TYPE my_latency_sec histogram\n"
      "my_latency_sec_bucket{le=\"+Inf\"} 1\nmy_latency_sec_sum 1\nmy_latency_sec_count 1\n";
  const PromtoolResult checked = promtool_check(bad_counter);
  EXPECT_EQ(checked.exit_code, 3) << checked.output;
  const std::string unexpected = unexpected_findings(checked.output);
  EXPECT_NE(unexpected.find("hits counter metrics should have \"_total\" suffix"),
            std::string::npos)
      << unexpected;
  EXPECT_NE(unexpected.find("my_latency_sec metric names"), std::string::npos) << unexpected;
  EXPECT_EQ(unexpected_findings("rotation_reconcile_duration_sec" +
                                std::string(kAbbreviatedUnitLint) + "\n"),
            "");
}

}  // namespace
}  // namespace sscsi::metrics
