// How the Provider facade runs calls: deadlines (a call that outlives its deadline is answered
// DeadlineExceeded on time and whatever it adds later is discarded), call_cancelled, concurrent
// mounts on one instance, and shutdown with calls still running.

#include <fmt/format.h>
#include <gmock/gmock.h>

#include <atomic>
#include <future>
#include <thread>

#include "test_support.h"

namespace sscsi::plugins::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

class PluginProviderCalls : public LoaderTest {
 protected:
  Provider& load_one(const char* variant) {
    dir_.add_plugin(variant);
    const LoadReport report = load();
    EXPECT_EQ(report.loaded, std::vector<std::string>{variant});
    return provider(variant);
  }
};

// Generous bound for "returned at the deadline": the wait itself is exact, but the machine is
// shared with other builds.
constexpr milliseconds kSlack{250};

TEST_F(PluginProviderCalls, CallOutlivingItsDeadlineIsAnsweredOnTimeAndItsLateWorkDiscarded) {
  Provider& outlives = load_one("outlives_deadline");
  const auto start = steady_clock::now();
  const MountAnswer answer = outlives.mount(make_call(milliseconds(200)));
  const auto waited = steady_clock::now() - start;
  EXPECT_FALSE(answer.ok);
  EXPECT_EQ(answer.error.code, ErrorCode::DeadlineExceeded);
  // The budget is measured from when the facade began, a moment after make_call().
  EXPECT_THAT(
      answer.error.message,
      ::testing::MatchesRegex("provider outlives_deadline did not answer within (200|19[0-9])ms"));
  EXPECT_GE(waited, milliseconds(190));
  EXPECT_LT(waited, milliseconds(200) + kSlack);
  // The plugin wakes 300 ms after the deadline and keeps adding: both additions are refused
  // with SSCSI_DEADLINE_EXCEEDED (7) and the host keeps running.
  EXPECT_TRUE(logs_.wait_for(
      "outlives_deadline|info|late add_file returned 7, late add_object_version returned 7",
      milliseconds(3000)));
}

TEST_F(PluginProviderCalls, CallWhoseDeadlineHasPassedIsNotMade) {
  Provider& good = load_one("good");
  const MountAnswer answer = good.mount(make_call(milliseconds(-1)));
  EXPECT_FALSE(answer.ok);
  EXPECT_EQ(answer.error.code, ErrorCode::DeadlineExceeded);
  EXPECT_EQ(answer.error.message,
            "provider good was not called: the call's deadline had already passed");
}

TEST_F(PluginProviderCalls, CallCancelledTurnsTrueAtTheDeadline) {
  Provider& aware = load_one("cancel_aware");
  const auto start = steady_clock::now();
  const MountAnswer answer = aware.mount(make_call(milliseconds(150)));
  EXPECT_LT(steady_clock::now() - start, milliseconds(150) + kSlack);
  EXPECT_FALSE(answer.ok);
  EXPECT_EQ(answer.error.code, ErrorCode::DeadlineExceeded);
  // The plugin polled call_cancelled: false while the call was live (it checks that at the
  // start), true from the deadline on; its add_file afterwards was refused.
  EXPECT_TRUE(logs_.wait_for(
      "cancel_aware|info|saw cancellation at or after the deadline; add_file then returned 7",
      milliseconds(3000)))
      << ::testing::PrintToString(logs_.lines());
}

TEST_F(PluginProviderCalls, CallCancelledTurnsTrueWhenTheHostShutsDown) {
  Provider& aware = load_one("cancel_aware");
  auto answer = std::async(std::launch::async,
                           [&] { return aware.mount(make_call(std::chrono::seconds(30))); });
  ASSERT_TRUE(logs_.wait_for("cancel_aware|info|created", milliseconds(1000)));
  std::this_thread::sleep_for(milliseconds(50));  // let the call start polling
  aware.begin_shutdown();
  ASSERT_EQ(answer.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  const MountAnswer result = answer.get();
  EXPECT_EQ(result.error.code, ErrorCode::DeadlineExceeded);
  EXPECT_EQ(result.error.message, "provider cancel_aware: gave up: the call was cancelled");
  EXPECT_EQ(logs_.count("cancel_aware|info|saw cancellation before the deadline; add_file then "
                        "returned 0"),
            1u);
  // New calls are refused once shutdown began.
  const MountAnswer refused = aware.mount(make_call());
  EXPECT_EQ(refused.error.code, ErrorCode::Unavailable);
  EXPECT_EQ(refused.error.message, "provider cancel_aware is shutting down");
}

TEST_F(PluginProviderCalls, ACallStoppedByItsCallerIsAnsweredAtOnceAndThePluginSeesItCancelled) {
  Provider& aware = load_one("cancel_aware");
  std::stop_source stop;
  MountCall call = make_call(std::chrono::seconds(30));
  call.stop = stop.get_token();
  auto answer = std::async(std::launch::async, [&] { return aware.mount(call); });
  ASSERT_TRUE(logs_.wait_for("cancel_aware|info|waiting for call_cancelled", milliseconds(3000)));
  stop.request_stop();
  ASSERT_EQ(answer.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  const MountAnswer result = answer.get();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error.code, ErrorCode::Cancelled);
  EXPECT_EQ(result.error.message, "the call to provider cancel_aware was cancelled by its caller");
  // call_cancelled turned true long before the deadline, and what the plugin added afterwards
  // was refused with SSCSI_DEADLINE_EXCEEDED (7).
  EXPECT_TRUE(logs_.wait_for(
      "cancel_aware|info|saw cancellation before the deadline; add_file then returned 7",
      milliseconds(3000)))
      << ::testing::PrintToString(logs_.lines());
}

TEST_F(PluginProviderCalls, ACallStoppedBeforeItBeginsIsNotMade) {
  Provider& aware = load_one("cancel_aware");
  std::stop_source stop;
  stop.request_stop();
  MountCall call = make_call();
  call.stop = stop.get_token();
  const MountAnswer answer = aware.mount(call);
  EXPECT_EQ(answer.error.code, ErrorCode::Cancelled);
  EXPECT_EQ(answer.error.message,
            "provider cancel_aware was not called: the call was cancelled by its caller");
  EXPECT_EQ(logs_.count("cancel_aware|info|waiting for call_cancelled"), 0u);
}

TEST_F(PluginProviderCalls, ConcurrentMountsOnOneInstance) {
  Provider& metrics_plugin = load_one("metrics");
  constexpr int kThreads = 64;
  constexpr int kMountsPerThread = 10;
  std::atomic<int> ok{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kMountsPerThread; ++i) {
        const MountAnswer answer = metrics_plugin.mount(make_call());
        if (answer.ok && answer.files.size() == 6 && answer.versions.size() == 2) {
          ++ok;
        } else {
          ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), kThreads * kMountsPerThread);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_NE(metrics_.expose().find(fmt::format("test_plugin_mounts_total{{result=\"ok\"}} {}",
                                               kThreads * kMountsPerThread)),
            std::string::npos);
}

TEST_F(PluginProviderCalls, ShutdownDestroysIdleInstancesAndUnloadsThem) {
  Provider& good = load_one("good");
  ASSERT_TRUE(good.mount(make_call()).ok);
  shut_down();
  EXPECT_EQ(logs_.count("good|info|destroyed"), 1u);
  EXPECT_EQ(mapped_under(dir_.path()), 0u);
}

TEST_F(PluginProviderCalls, ShutdownWaitsForACallThatEndsWithinTheGrace) {
  Provider& outlives = load_one("outlives_deadline");
  EXPECT_EQ(outlives.mount(make_call(milliseconds(100))).error.code, ErrorCode::DeadlineExceeded);
  // The call is still sleeping (until 300 ms past its deadline); the 2 s grace covers it.
  shut_down();
  EXPECT_EQ(logs_.count("outlives_deadline|info|late add_file returned 7, late "
                        "add_object_version returned 7"),
            1u);
  EXPECT_EQ(logs_.count("outlives_deadline|info|destroyed"), 1u);
  EXPECT_EQ(mapped_under(dir_.path()), 0u);
}

TEST_F(PluginProviderCalls, ShutdownLeavesAPluginWithARunningCallLoaded) {
  shutdown_grace_ = milliseconds(50);
  dir_.keep();  // the library stays mapped for the rest of the process
  Provider& outlives = load_one("outlives_deadline");
  const std::string path = outlives.path();
  EXPECT_EQ(outlives.mount(make_call(milliseconds(100))).error.code, ErrorCode::DeadlineExceeded);
  shut_down();
  EXPECT_EQ(logs_.count(fmt::format("sscsi|warning|provider outlives_deadline ({}) still has 1 "
                                    "call(s) running at shutdown; leaving it loaded without "
                                    "destroying its instance",
                                    path)),
            1u);
  EXPECT_EQ(logs_.count("outlives_deadline|info|destroyed"), 0u);
  EXPECT_GT(mapped_under(dir_.path()), 0u);
  // The call finishes later, still on valid memory, and its additions are still discarded.
  EXPECT_TRUE(logs_.wait_for(
      "outlives_deadline|info|late add_file returned 7, late add_object_version returned 7",
      milliseconds(3000)));
  EXPECT_EQ(logs_.count("outlives_deadline|info|destroyed"), 0u);
}

TEST_F(PluginProviderCalls, ACallThatNeverAnswersDoesNotBlockOtherCalls) {
  dir_.add_plugin("outlives_deadline");
  dir_.add_plugin("good");
  load();
  auto slow = std::async(std::launch::async, [&] {
    return provider("outlives_deadline").mount(make_call(milliseconds(500)));
  });
  const auto start = steady_clock::now();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(provider("good").mount(make_call()).ok);
  EXPECT_LT(steady_clock::now() - start, milliseconds(500));
  EXPECT_EQ(slow.get().error.code, ErrorCode::DeadlineExceeded);
}

TEST_F(PluginProviderCalls, SecretsInRequestsAndConfigNeverReachTheLog) {
  const std::string canary = "CANARY-7f3a9c";
  const std::filesystem::path config =
      dir_.write_file("good.json", fmt::format(R"({{"client_secret":"{}"}})", canary), 0600);
  for (const char* variant : {"good", "logs_jwt", "error_throttled", "path_absolute",
                              "cancel_aware", "outlives_deadline", "metrics"}) {
    dir_.add_plugin(variant);
  }
  logs_.set_level(spdlog::level::trace);
  const LoadReport report = load({dir_.path(), {{"good", config}}});
  ASSERT_EQ(report.loaded.size(), 7u);
  MountCall call = make_call(milliseconds(300));
  call.attributes_json = fmt::format(
      R"({{"csi.storage.k8s.io/serviceAccount.tokens":"{{\"aud\":{{\"token\":\"{}\"}}}}",)"
      R"("objects":"{}"}})",
      canary, canary);
  call.secrets_json = fmt::format(R"({{"clientid":"id","clientsecret":"{}"}})", canary);
  call.current_versions = {{canary, canary}};
  for (const std::string& name : report.loaded) provider(name).mount(call);
  shut_down();
  ASSERT_FALSE(logs_.lines().empty());
  for (const std::string& line : logs_.lines()) {
    EXPECT_EQ(line.find(canary), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace sscsi::plugins::testing
