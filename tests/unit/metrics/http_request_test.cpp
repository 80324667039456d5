#include <gtest/gtest.h>

#include <string>

#include "metrics/http_request.h"

namespace sscsi::metrics {
namespace {

HttpRequest parsed_ok(const std::string& head) {
  auto parsed = parse_request_head(head);
  EXPECT_TRUE(std::holds_alternative<HttpRequest>(parsed)) << head;
  if (auto* request = std::get_if<HttpRequest>(&parsed)) return *request;
  return {};
}

HttpRequestError refused(const std::string& head) {
  auto parsed = parse_request_head(head);
  EXPECT_TRUE(std::holds_alternative<HttpRequestError>(parsed)) << head;
  if (auto* error = std::get_if<HttpRequestError>(&parsed)) return *error;
  return {};
}

TEST(MetricsHttpRequest, FindsTheEndOfTheHead) {
  EXPECT_FALSE(request_head_length("GET / HTTP/1.1\r\nHost: x\r\n"));
  EXPECT_EQ(request_head_length("GET / HTTP/1.1\r\n\r\nbody"), 18u);
  EXPECT_EQ(request_head_length("GET / HTTP/1.1\n\nrest"), 16u);
  // The first empty line ends the head, whichever line ending it uses.
  EXPECT_EQ(request_head_length("GET / HTTP/1.1\n\n\r\n\r\n"), 16u);
}

TEST(MetricsHttpRequest, ReadsMethodAndPathWithoutTheQuery) {
  const HttpRequest request =
      parsed_ok("GET /metrics?name[]=x HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n");
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.path, "/metrics");
  EXPECT_EQ(parsed_ok("HEAD /healthz HTTP/1.0\n\n").method, "HEAD");
  EXPECT_EQ(parsed_ok("DELETE /x HTTP/1.1\r\n\r\n").method, "DELETE");
}

TEST(MetricsHttpRequest, RefusesMalformedHeadsWithReasons) {
  EXPECT_EQ(refused("GET /metrics\r\n\r\n").status, 400);
  EXPECT_EQ(refused("GET  /metrics HTTP/1.1\r\n\r\n").status, 400);
  EXPECT_EQ(refused("GET /metrics HTTP/1.1 extra\r\n\r\n").status, 400);
  EXPECT_EQ(refused("G(T /metrics HTTP/1.1\r\n\r\n").reason, "the method is not a token");
  EXPECT_EQ(refused("GET metrics HTTP/1.1\r\n\r\n").reason, "the target must be an absolute path");
  EXPECT_EQ(refused("GET /metrics FTP/1.1\r\n\r\n").status, 400);
  EXPECT_EQ(refused("GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n").reason,
            "a header line must be NAME: VALUE");
  EXPECT_EQ(refused("GET /metrics HTTP/1.1\r\n: empty name\r\n\r\n").status, 400);
  EXPECT_EQ(refused("").status, 400);
  EXPECT_EQ(refused(std::string("GET /\0 HTTP/1.1\r\n\r\n", 19)).reason,
            "the target contains a control character");
}

TEST(MetricsHttpRequest, AnswersOtherHttpVersionsWith505) {
  const HttpRequestError error = refused("GET /metrics HTTP/2.0\r\n\r\n");
  EXPECT_EQ(error.status, 505);
  EXPECT_NE(error.reason.find("HTTP/2.0"), std::string::npos);
}

}  // namespace
}  // namespace sscsi::metrics
