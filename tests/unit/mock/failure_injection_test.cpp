// failWith, failMessage, failFirst and retryAfter: injected failures as a host sees them.

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "mock_harness.h"

namespace sscsi::mock_test {
namespace {

std::map<std::string, std::string> failing(std::map<std::string, std::string> extra) {
  extra["objects"] = objects_yaml({"objectName: db\ncontent: s3cret"});
  return extra;
}

struct FailWithCase {
  const char* name;
  sscsi_status code;
};
void PrintTo(const FailWithCase& c, std::ostream* out) { *out << c.name; }

class MockFailWith : public ::testing::TestWithParam<FailWithCase> {};

TEST_P(MockFailWith, FailsEveryCallWithTheNamedCode) {
  FakeHost host;
  const MockInstance mock(host);
  for (int call = 0; call < 3; ++call) {
    const MountAnswer answer = mock.mount(failing({{"failWith", GetParam().name}}));
    ASSERT_TRUE(answer.error);
    EXPECT_EQ(answer.error->code, GetParam().code);
    EXPECT_EQ(answer.error->message, "injected failure");
    EXPECT_EQ(answer.error->retry_after_ms, 0u);
    EXPECT_EQ(answer.add_file_calls, 0);
    EXPECT_EQ(answer.share_scope, SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT);
  }
}

INSTANTIATE_TEST_SUITE_P(Each, MockFailWith,
                         ::testing::Values(FailWithCase{"InvalidParameters",
                                                        SSCSI_INVALID_PARAMETERS},
                                           FailWithCase{"NotFound", SSCSI_NOT_FOUND},
                                           FailWithCase{"Unauthorized", SSCSI_UNAUTHORIZED},
                                           FailWithCase{"Throttled", SSCSI_THROTTLED},
                                           FailWithCase{"Unavailable", SSCSI_UNAVAILABLE},
                                           FailWithCase{"Internal", SSCSI_INTERNAL}),
                         [](const auto& param) { return std::string(param.param.name); });

TEST(MockFailures, FailMessageReplacesTheDefault) {
  FakeHost host;
  const MockInstance mock(host);
  const MountAnswer answer = mock.mount(
      failing({{"failWith", "Unavailable"}, {"failMessage", "vault is down for maintenance"}}));
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_UNAVAILABLE);
  EXPECT_EQ(answer.error->message, "vault is down for maintenance");
}

TEST(MockFailures, EmptyParametersCountAsUnset) {
  FakeHost host;
  const MockInstance mock(host);
  const MountAnswer answer = mock.mount(failing({{"failWith", ""},
                                                 {"failMessage", ""},
                                                 {"failFirst", ""},
                                                 {"retryAfter", ""},
                                                 {"latency", ""}}));
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.files.at("db").bytes, "s3cret");
}

TEST(MockFailures, RetryAfterIsPassedInMilliseconds) {
  // Go duration syntax, rounded up to whole milliseconds.
  const std::vector<std::pair<const char*, std::uint32_t>> cases = {
      {"250ms", 250},  {"2s", 2000},       {"1m30s", 90000},   {"1.5s", 1500},
      {"1h", 3600000}, {"2h45m", 9900000}, {"+2s", 2000},      {".5s", 500},
      {"1.s", 1000},   {"1500us", 2},      {"1500\u00b5s", 2}, {"1ns", 1},
      {"0", 0},        {"0s", 0},          {"1s500ms", 1500},  {"1193h2m47.295s", 4294967295u},
  };
  FakeHost host;
  const MockInstance mock(host);
  for (const auto& [text, ms] : cases) {
    const MountAnswer answer =
        mock.mount(failing({{"failWith", "Throttled"}, {"retryAfter", text}}));
    ASSERT_TRUE(answer.error) << text;
    EXPECT_EQ(answer.error->code, SSCSI_THROTTLED) << text;
    EXPECT_EQ(answer.error->retry_after_ms, ms) << text;
  }
}

TEST(MockFailures, FailFirstFailsOnlyTheFirstCallsPerTargetPath) {
  FakeHost host;
  const MockInstance mock(host);
  MountCall call;
  call.parameters =
      failing({{"failWith", "Unavailable"}, {"failFirst", "2"}, {"retryAfter", "3s"}});

  for (int i = 0; i < 2; ++i) {
    const MountAnswer answer = mock.mount(call);
    ASSERT_TRUE(answer.error) << "call " << i + 1;
    EXPECT_EQ(answer.error->code, SSCSI_UNAVAILABLE);
    EXPECT_EQ(answer.error->retry_after_ms, 3000u);
  }
  for (int i = 0; i < 2; ++i) {
    const MountAnswer answer = mock.mount(call);
    ASSERT_FALSE(answer.error) << "call " << i + 3 << ": " << answer.error->message;
    EXPECT_EQ(answer.files.at("db").bytes, "s3cret");
  }

  // Another volume has its own count.
  call.target_path = "/var/lib/kubelet/pods/pod-b/volumes/kubernetes.io~csi/secrets/mount";
  EXPECT_TRUE(mock.mount(call).error);
  EXPECT_TRUE(mock.mount(call).error);
  EXPECT_FALSE(mock.mount(call).error);
}

TEST(MockFailures, FailFirstZeroNeverFails) {
  FakeHost host;
  const MockInstance mock(host);
  const MountAnswer answer = mock.mount(failing({{"failWith", "NotFound"}, {"failFirst", "0"}}));
  EXPECT_FALSE(answer.error) << answer.error->message;
}

TEST(MockFailures, FailFirstCountsEachInstanceSeparately) {
  FakeHost host;
  const MockInstance first(host);
  const MockInstance second(host);
  const auto parameters = failing({{"failWith", "NotFound"}, {"failFirst", "1"}});
  EXPECT_TRUE(first.mount(parameters).error);
  EXPECT_FALSE(first.mount(parameters).error);
  EXPECT_TRUE(second.mount(parameters).error);
}

TEST(MockFailures, FailFirstCountsExactlyUnderConcurrentMounts) {
  FakeHost host;
  const MockInstance mock(host);
  const auto parameters = failing({{"failWith", "Throttled"}, {"failFirst", "5"}});
  constexpr int kThreads = 8;
  constexpr int kCallsPerThread = 5;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        if (mock.mount(parameters).error) ++failures[static_cast<std::size_t>(t)];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  int total = 0;
  for (const int f : failures) total += f;
  EXPECT_EQ(total, 5);
}

TEST(MockFailures, BadObjectsAreReportedBeforeAnInjectedFailure) {
  FakeHost host;
  const MockInstance mock(host);
  const MountAnswer answer =
      mock.mount({{"objects", objects_yaml({"objectName: db"})}, {"failWith", "Throttled"}});
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
}

TEST(MockFailures, InjectedFailureComesBeforeReadingContentFiles) {
  FakeHost host;
  const MockInstance mock(host, R"({"allowedContentDirs": ["/nonexistent-sscsi-dir"]})");
  const MountAnswer answer = mock.mount(
      {{"objects", objects_yaml({"objectName: db\ncontentFile: /nonexistent-sscsi-dir/db"})},
       {"failWith", "Unauthorized"}});
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_UNAUTHORIZED);
}

}  // namespace
}  // namespace sscsi::mock_test
