// EventRecorder: what it posts, dedupe window, token bucket, failures, concurrency.
#include "kube/sync/event_recorder.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <atomic>
#include <sstream>
#include <thread>
#include <vector>

#include "fake_api_client.h"

namespace sscsi::kube {
namespace {

using nlohmann::json;
using testing::FakeApiClient;

constexpr const char* kEvents = "/api/v1/namespaces/team/events";

// A steady clock the test moves by hand.
struct ManualClock {
  std::atomic<std::int64_t> seconds{1000};
  std::function<std::chrono::steady_clock::time_point()> function() {
    return [this] { return std::chrono::steady_clock::time_point(std::chrono::seconds(seconds)); };
  }
};

const PodRef kPod{"web-1", "team", "u-1", "web"};

EventRecorderOptions options(ManualClock& clock) {
  EventRecorderOptions o;
  o.node_name = "node-a";
  o.now = clock.function();
  return o;
}

TEST(KubeSyncEventRecorder, PostsTheEventForThePod) {
  FakeApiClient api;
  ManualClock clock;
  api.expect("POST", kEvents, 201);
  EventRecorder recorder(api, options(clock));
  EXPECT_TRUE(recorder.record(kPod, EventType::Warning, kReasonFailedToCreateSecret,
                              "Secret team/db: PUT answered 503"));
  recorder.flush();
  ASSERT_EQ(api.requests().size(), 1u);
  const json event = json::parse(api.requests()[0].body);
  EXPECT_EQ(event["involvedObject"]["uid"], "u-1");
  EXPECT_EQ(event["reason"], "FailedToCreateSecret");
  EXPECT_EQ(event["type"], "Warning");
  EXPECT_EQ(event["message"], "Secret team/db: PUT answered 503");
  EXPECT_EQ(event["reportingInstance"], "node-a");
  EXPECT_EQ(event["metadata"]["name"].get<std::string>().rfind("web-1.", 0), 0u);
  EXPECT_EQ(recorder.stats().posted, 1u);
}

TEST(KubeSyncEventRecorder, SameEventInsideTheWindowIsDroppedAndCounted) {
  FakeApiClient api;
  ManualClock clock;
  api.answer_all(201);
  EventRecorder recorder(api, options(clock));
  EXPECT_TRUE(recorder.record(kPod, EventType::Warning, kReasonMountRotationFailed, "m"));
  clock.seconds += 299;
  EXPECT_FALSE(recorder.record(kPod, EventType::Warning, kReasonMountRotationFailed, "m"));
  // Another message, reason or pod is another event.
  EXPECT_TRUE(recorder.record(kPod, EventType::Warning, kReasonMountRotationFailed, "m2"));
  EXPECT_TRUE(recorder.record(kPod, EventType::Warning, kReasonSecretRotationFailed, "m"));
  EXPECT_TRUE(recorder.record({"web-2", "team", "u-2", "web"}, EventType::Warning,
                              kReasonMountRotationFailed, "m"));
  clock.seconds += 1;  // 300 s after the first: the window has passed
  EXPECT_TRUE(recorder.record(kPod, EventType::Warning, kReasonMountRotationFailed, "m"));
  recorder.flush();
  EXPECT_EQ(api.requests().size(), 5u);
  EXPECT_EQ(recorder.stats().deduplicated, 1u);
  // Names stay unique even when posted within the same nanosecond tick.
  std::set<std::string> names;
  for (const ApiRequest& request : api.requests()) {
    names.insert(json::parse(request.body)["metadata"]["name"].get<std::string>());
  }
  EXPECT_EQ(names.size(), 5u);
}

TEST(KubeSyncEventRecorder, TokenBucketCapsAStorm) {
  FakeApiClient api;
  ManualClock clock;
  api.answer_all(201);
  EventRecorderOptions o = options(clock);
  o.burst = 3;
  o.events_per_second = 0.5;
  EventRecorder recorder(api, o);
  int accepted = 0;
  for (int i = 0; i < 10; ++i) {
    accepted += recorder.record(kPod, EventType::Warning, kReasonFailedToCreateSecret,
                                "failure " + std::to_string(i));
  }
  EXPECT_EQ(accepted, 3);
  clock.seconds += 2;  // one token back
  EXPECT_TRUE(recorder.record(kPod, EventType::Normal, kReasonMountRotationComplete, "a"));
  EXPECT_FALSE(recorder.record(kPod, EventType::Normal, kReasonMountRotationComplete, "b"));
  recorder.flush();
  EXPECT_EQ(api.requests().size(), 4u);
  EXPECT_EQ(recorder.stats().rate_limited, 8u);
}

TEST(KubeSyncEventRecorder, FailedPostsAreLoggedAtDebugAndDropped) {
  FakeApiClient api;
  ManualClock clock;
  api.expect("POST", kEvents, 403);
  api.expect("POST", kEvents, 0);
  std::ostringstream log;
  auto logger = std::make_shared<spdlog::logger>(
      "events", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  logger->set_level(spdlog::level::debug);
  EventRecorderOptions o = options(clock);
  o.logger = logger;
  EventRecorder recorder(api, o);
  EXPECT_TRUE(recorder.record(kPod, EventType::Warning, kReasonSecretRotationFailed, "private"));
  EXPECT_TRUE(recorder.record(kPod, EventType::Normal, kReasonSecretRotationComplete, "done"));
  recorder.flush();
  EXPECT_EQ(recorder.stats().failed, 2u);
  EXPECT_EQ(recorder.stats().posted, 0u);
  const std::string text = log.str();
  EXPECT_NE(text.find("[debug] Event SecretRotationFailed for Pod team/web-1 not posted: Event "
                      "SecretRotationFailed for Pod team/web-1: POST answered 403"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("private"), std::string::npos) << "the message itself is not logged";
}

TEST(KubeSyncEventRecorder, ConcurrentRecordersAreAllCounted) {
  FakeApiClient api;
  ManualClock clock;
  api.answer_all(201);
  EventRecorderOptions o = options(clock);
  o.burst = 1000;
  o.max_queued = 1000;
  EventRecorder recorder(api, o);
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        // Half of them repeat a key another thread may already have sent.
        const std::string message = i % 2 == 0 ? fmt::format("t{} {}", t, i) : "shared";
        accepted += recorder.record(kPod, EventType::Warning, kReasonFailedToCreateSecret, message);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  recorder.flush();
  EXPECT_EQ(accepted.load(), 8 * 25 + 1);
  EXPECT_EQ(api.requests().size(), static_cast<std::size_t>(accepted.load()));
  const EventRecorderStats stats = recorder.stats();
  EXPECT_EQ(stats.posted, static_cast<std::uint64_t>(accepted.load()));
  EXPECT_EQ(stats.deduplicated, 8u * 25 - 1);
}

TEST(KubeSyncEventRecorder, FullQueueDropsInsteadOfBlocking) {
  // The API never answers until released: the queue fills up behind the first post.
  struct BlockingApi : ApiClient {
    std::mutex mutex;
    std::condition_variable released_cv;
    bool released = false;
    std::atomic<int> sent{0};
    ApiResponse send(const ApiRequest&) override {
      ++sent;
      std::unique_lock lock(mutex);
      released_cv.wait(lock, [this] { return released; });
      ApiResponse response;
      response.status = 201;
      return response;
    }
  } api;
  ManualClock clock;
  EventRecorderOptions o = options(clock);
  o.max_queued = 2;
  EventRecorder recorder(api, o);
  ASSERT_TRUE(recorder.record(kPod, EventType::Warning, kReasonFailedToCreateSecret, "0"));
  while (api.sent.load() == 0) std::this_thread::yield();  // the worker holds event 0
  EXPECT_TRUE(recorder.record(kPod, EventType::Warning, kReasonFailedToCreateSecret, "1"));
  EXPECT_TRUE(recorder.record(kPod, EventType::Warning, kReasonFailedToCreateSecret, "2"));
  EXPECT_FALSE(recorder.record(kPod, EventType::Warning, kReasonFailedToCreateSecret, "3"));
  {
    std::lock_guard lock(api.mutex);
    api.released = true;
  }
  api.released_cv.notify_all();
  recorder.flush();
  EXPECT_EQ(api.sent.load(), 3);
  EXPECT_EQ(recorder.stats().rate_limited, 1u);
}

}  // namespace
}  // namespace sscsi::kube
