// latency: the answer is delayed, and the wait stops when the host cancels the call or the
// request's deadline passes. Only lower bounds on time are asserted (timings belong in
// benchmarks). Cancellation tests inject 20s: a plugin that ignored cancellation would answer
// "ok" after it, which fails the test instead of hanging it.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "mock_harness.h"

namespace sscsi::mock_test {
namespace {

using Clock = std::chrono::steady_clock;

// Whether `message` is "gave up after <Go duration> of injected latency: <reason>".
bool is_gave_up_message(const std::string& message, const std::string& reason) {
  const std::string prefix = "gave up after ";
  const std::string suffix = " of injected latency: " + reason;
  if (!message.starts_with(prefix) || !message.ends_with(suffix)) return false;
  const std::string elapsed =
      message.substr(prefix.size(), message.size() - prefix.size() - suffix.size());
  return !elapsed.empty() && (elapsed.ends_with("ms") || elapsed.ends_with("s")) &&
         elapsed.find_first_not_of("0123456789.hms") == std::string::npos;
}

std::map<std::string, std::string> slow(const std::string& latency) {
  return {{"objects", objects_yaml({"objectName: db\ncontent: s3cret"})}, {"latency", latency}};
}

TEST(MockLatency, DelaysTheAnswerAndPollsForCancellation) {
  FakeHost host;
  const MockInstance mock(host);
  const Clock::time_point start = Clock::now();
  const MountAnswer answer = mock.mount(slow("120ms"));
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.files.at("db").bytes, "s3cret");
  EXPECT_GE(elapsed, std::chrono::milliseconds(120));
  // Polled in small slices, not once at the end.
  EXPECT_GE(host.cancel_polls(), 3);
}

TEST(MockLatency, GivesUpWhenTheHostCancelsTheCall) {
  FakeHost host;
  host.cancel_after_polls(3);
  const MockInstance mock(host);
  const MountAnswer answer = mock.mount(slow("20s"));
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_DEADLINE_EXCEEDED);
  EXPECT_TRUE(is_gave_up_message(answer.error->message, "call cancelled")) << answer.error->message;
  EXPECT_EQ(answer.add_file_calls, 0);
}

TEST(MockLatency, GivesUpWhenTheRequestDeadlinePasses) {
  FakeHost host;
  const MockInstance mock(host);
  MountCall call;
  call.parameters = slow("20s");
  call.deadline_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count() +
                          50;
  const MountAnswer answer = mock.mount(call);
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_DEADLINE_EXCEEDED);
  EXPECT_TRUE(is_gave_up_message(answer.error->message, "deadline passed"))
      << answer.error->message;
}

TEST(MockLatency, ACallCancelledBeforeItStartsWaitsNoLatency) {
  FakeHost host;
  host.cancel_after_polls(0);
  const MockInstance mock(host);
  const MountAnswer answer = mock.mount(slow("20s"));
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->message, "gave up after 0s of injected latency: call cancelled");
}

TEST(MockLatency, AppliesToInjectedFailuresToo) {
  FakeHost host;
  const MockInstance mock(host);
  auto parameters = slow("60ms");
  parameters["failWith"] = "Unavailable";
  const Clock::time_point start = Clock::now();
  const MountAnswer answer = mock.mount(parameters);
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(60));
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_UNAVAILABLE);
}

TEST(MockCancellation, StopsBeforeReadingFilesWhenCancelled) {
  FakeHost host;
  host.cancel_after_polls(0);
  // The file does not exist: reading it would answer NotFound, so DeadlineExceeded proves the
  // plugin stopped first.
  const MockInstance mock(host, R"({"allowedContentDirs": ["/nonexistent-sscsi-dir"]})");
  const MountAnswer answer = mock.mount(
      {{"objects", objects_yaml({"objectName: db\ncontentFile: /nonexistent-sscsi-dir/db"})}});
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_DEADLINE_EXCEEDED);
  EXPECT_EQ(answer.error->message, "gave up before reading object contents: call cancelled");
}

TEST(MockCancellation, StopsBeforeReadingFilesWhenTheDeadlineHasPassed) {
  FakeHost host;
  const MockInstance mock(host);
  MountCall call;
  call.parameters = {{"objects", objects_yaml({"objectName: db\ncontent: x"})}};
  call.deadline_unix_ms = 1;  // 1970
  const MountAnswer answer = mock.mount(call);
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_DEADLINE_EXCEEDED);
  EXPECT_EQ(answer.error->message, "gave up before reading object contents: deadline passed");
}

TEST(MockCancellation, ACallCancelledDuringLatencyDoesNotUseUpFailFirst) {
  FakeHost host;
  const MockInstance mock(host);
  auto parameters = slow("20s");
  parameters["failWith"] = "NotFound";
  parameters["failFirst"] = "1";
  host.cancel_after_polls(0);
  const MountAnswer cancelled = mock.mount(parameters);
  ASSERT_TRUE(cancelled.error);
  EXPECT_EQ(cancelled.error->code, SSCSI_DEADLINE_EXCEEDED);

  // The next call on the same volume is still the first counted one: it fails as injected.
  host.cancel_after_polls(-1);
  parameters["latency"] = "";
  const MountAnswer first_counted = mock.mount(parameters);
  ASSERT_TRUE(first_counted.error);
  EXPECT_EQ(first_counted.error->code, SSCSI_NOT_FOUND);
  EXPECT_FALSE(mock.mount(parameters).error);
}

}  // namespace
}  // namespace sscsi::mock_test
