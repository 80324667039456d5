#include "http/retrying_transport.h"

#include <gtest/gtest.h>

#include <deque>

namespace sscsi::azure {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Answers from a script, and remembers how often it was asked.
class ScriptedTransport final : public HttpTransport {
 public:
  explicit ScriptedTransport(std::deque<HttpResponse> script) : script_(std::move(script)) {}
  HttpResponse send(const HttpRequest&, const CallControl&) override {
    ++sent;
    HttpResponse next = script_.front();
    if (script_.size() > 1) script_.pop_front();
    return next;
  }
  int sent = 0;

 private:
  std::deque<HttpResponse> script_;
};

HttpResponse answer(long status, std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse response;
  response.status = status;
  response.headers = std::move(headers);
  return response;
}

struct Recorder {
  std::vector<milliseconds> sleeps;
  bool keep_going = true;
  RetryingTransport::Sleeper sleeper() {
    return [this](milliseconds delay, const CallControl&) {
      sleeps.push_back(delay);
      return keep_going;
    };
  }
};

TEST(RetryingTransport, RetriesUntilSuccess) {
  ScriptedTransport inner({answer(503), answer(500), answer(200)});
  Recorder recorder;
  RetryingTransport retrying(
      inner, RetryOptions{}, RetryStatusSet::KeyVault, [] { return 0.0; }, recorder.sleeper());
  const HttpResponse response = retrying.send(HttpRequest{}, CallControl());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.attempts, 3);
  EXPECT_EQ(inner.sent, 3);
  EXPECT_EQ(recorder.sleeps, (std::vector<milliseconds>{milliseconds(640), milliseconds(1920)}));
}

TEST(RetryingTransport, GivesUpAfterThreeRetriesAndReturnsTheLastAnswer) {
  ScriptedTransport inner({answer(503)});
  Recorder recorder;
  RetryingTransport retrying(
      inner, RetryOptions{}, RetryStatusSet::KeyVault, [] { return 0.0; }, recorder.sleeper());
  const HttpResponse response = retrying.send(HttpRequest{}, CallControl());
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.attempts, 4);
  EXPECT_EQ(inner.sent, 4);
  EXPECT_EQ(recorder.sleeps.size(), 3u);
}

TEST(RetryingTransport, HonoursRetryAfterAndReportsIt) {
  ScriptedTransport inner({answer(429, {{"retry-after", "2"}}), answer(200)});
  Recorder recorder;
  RetryingTransport retrying(
      inner, RetryOptions{}, RetryStatusSet::KeyVault, [] { return 0.5; }, recorder.sleeper());
  const HttpResponse response = retrying.send(HttpRequest{}, CallControl());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(recorder.sleeps, std::vector<milliseconds>{milliseconds(2000)});
  EXPECT_FALSE(response.retry_after.has_value());  // the final answer asked for nothing
}

TEST(RetryingTransport, ReportsTheServersWaitWhenGivingUpOnA429) {
  ScriptedTransport inner({answer(429, {{"retry-after", "120"}})});
  Recorder recorder;
  RetryingTransport retrying(
      inner, RetryOptions{}, RetryStatusSet::KeyVault, [] { return 0.5; }, recorder.sleeper());
  const HttpResponse response = retrying.send(HttpRequest{}, CallControl());
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(response.attempts, 1);  // 120 s is beyond the 60 s cap: no retry at all
  EXPECT_TRUE(recorder.sleeps.empty());
  EXPECT_EQ(response.retry_after, milliseconds(120000));
}

TEST(RetryingTransport, StopsWhenTheSleepIsCancelled) {
  ScriptedTransport inner({answer(503), answer(200)});
  Recorder recorder;
  recorder.keep_going = false;
  RetryingTransport retrying(
      inner, RetryOptions{}, RetryStatusSet::KeyVault, [] { return 0.0; }, recorder.sleeper());
  const HttpResponse response = retrying.send(HttpRequest{}, CallControl());
  EXPECT_EQ(response.failure, TransportFailure::Cancelled);
  EXPECT_NE(response.failure_text.find("HTTP 503"), std::string::npos) << response.failure_text;
  EXPECT_EQ(inner.sent, 1);
}

TEST(RetryingTransport, DoesNotRetryPastTheDeadline) {
  ScriptedTransport inner({answer(503), answer(200)});
  Recorder recorder;
  RetryingTransport retrying(
      inner, RetryOptions{}, RetryStatusSet::KeyVault, [] { return 0.0; }, recorder.sleeper());
  const CallControl control(CallControl::Clock::now() + milliseconds(300), {});
  const HttpResponse response = retrying.send(HttpRequest{}, control);
  EXPECT_EQ(response.status, 503);  // the 640 ms backoff would end after the deadline
  EXPECT_EQ(inner.sent, 1);
}

TEST(RetryingTransport, ImdsSetRetriesA404) {
  ScriptedTransport inner({answer(404), answer(200)});
  Recorder recorder;
  RetryingTransport retrying(
      inner, imds_retry_defaults(), RetryStatusSet::Imds, [] { return 0.0; }, recorder.sleeper());
  EXPECT_EQ(retrying.send(HttpRequest{}, CallControl()).status, 200);
  EXPECT_EQ(recorder.sleeps, std::vector<milliseconds>{milliseconds(1600)});
}

TEST(RetryingTransport, TransientTransportFailuresAreRetried) {
  HttpResponse refused;
  refused.failure = TransportFailure::Transient;
  refused.failure_text = "Couldn't connect to server";
  ScriptedTransport inner({refused, answer(200)});
  Recorder recorder;
  RetryingTransport retrying(
      inner, RetryOptions{}, RetryStatusSet::KeyVault, [] { return 0.0; }, recorder.sleeper());
  EXPECT_EQ(retrying.send(HttpRequest{}, CallControl()).status, 200);
  EXPECT_EQ(inner.sent, 2);
}

}  // namespace
}  // namespace sscsi::azure
