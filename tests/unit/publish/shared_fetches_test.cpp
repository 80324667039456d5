// Shared fetches with a scripted provider and an injected clock: single flight, the share scopes,
// the window, which failures are shared or kept, bounds, and keys that hold no secret.
#include "publish/shared_fetches.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace sscsi::publish {
namespace {

using namespace std::chrono_literals;
using Clock = SharedFetches::Clock;
using plugins::ErrorCode;
using plugins::ShareScope;

// A provider whose answer the test sets; it can hold calls at a gate until the test opens it.
class GatedProvider final : public plugins::Provider {
 public:
  const std::string& name() const override { return name_; }
  const std::string& version() const override { return name_; }
  const std::string& path() const override { return name_; }
  std::string config_schema() const override { return {}; }
  std::string health() const override { return {}; }

  plugins::MountAnswer mount(const plugins::MountCall& /*call*/) override {
    std::unique_lock lock(mutex_);
    ++calls_;
    ++inside_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
    --inside_;
    if (throws_) throw std::runtime_error("scripted provider blew up");
    // Later calls may have been scripted differently while this one waited.
    const plugins::MountAnswer answer = answers_.size() > 1 && calls_taken_ + 1 < answers_.size()
                                            ? answers_[calls_taken_++]
                                            : answers_.back();
    return answer;
  }

  // Answers in order, the last one repeated.
  void script(std::vector<plugins::MountAnswer> answers) {
    std::lock_guard lock(mutex_);
    answers_ = std::move(answers);
    calls_taken_ = 0;
  }
  void close() {
    std::lock_guard lock(mutex_);
    open_ = false;
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  void throw_on_call() {
    std::lock_guard lock(mutex_);
    throws_ = true;
  }
  // Waits (real time, generous) until `n` calls are held at the gate.
  bool wait_inside(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return inside_ >= n; });
  }
  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::string name_ = "scripted";
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = true;
  bool throws_ = false;
  int calls_ = 0;
  int inside_ = 0;
  std::size_t calls_taken_ = 0;
  std::vector<plugins::MountAnswer> answers_;
};

plugins::MountAnswer ok(ShareScope scope, const std::string& content = "s3cret") {
  plugins::MountAnswer a;
  a.ok = true;
  a.share_scope = scope;
  a.files.push_back({"password", 0644, mount::SecretBytes(content.begin(), content.end())});
  a.versions.push_back({"secret/password", "v1"});
  return a;
}

plugins::MountAnswer failed(ErrorCode code, ShareScope scope,
                            std::chrono::milliseconds retry_after = 0ms) {
  plugins::MountAnswer a;
  a.share_scope = scope;
  a.error = {code, "scripted failure", retry_after};
  return a;
}

std::string content(const plugins::MountAnswer& answer) {
  if (answer.files.empty()) return "<no files>";
  return std::string(answer.files[0].data.begin(), answer.files[0].data.end());
}

// One pod's request.
struct Pod {
  std::string ns = "team";
  std::string sa = "app";
  std::map<std::string, std::string> secrets = {{"clientSecret", "sp-1"}};
  std::map<std::string, std::string> parameters = {{"objects", "array: [a]"}};
  std::string name = "pod-a";
};

class SharedFetchesTest : public ::testing::Test {
 protected:
  // An injected clock the test moves; the sweeper is off so only the test drops entries.
  SharedFetchOptions options(std::chrono::milliseconds window = 30s) {
    SharedFetchOptions o;
    o.window = window;
    o.sweep_in_background = false;
    return o;
  }
  void make(SharedFetchOptions o) {
    fetches_ = std::make_unique<SharedFetches>(
        o,
        [this](const std::string& provider, FetchResult result) {
          std::lock_guard lock(observed_mutex_);
          observed_.push_back(provider + ":" + fetch_result_name(result));
        },
        [this] { return now_.load(); });
  }
  FetchKey key(const Pod& pod) const {
    return fetches_->key("scripted", pod.parameters,
                         {{"secretProviderClass", "app"},
                          {"csi.storage.k8s.io/pod.name", pod.name},
                          {"csi.storage.k8s.io/pod.uid", pod.name + "-uid"},
                          {"csi.storage.k8s.io/pod.namespace", pod.ns},
                          {"csi.storage.k8s.io/serviceAccount.name", pod.sa},
                          {"csi.storage.k8s.io/serviceAccount.tokens", pod.name + "-token"}},
                         pod.secrets);
  }
  plugins::MountCall call(std::chrono::milliseconds deadline = 30s) const {
    plugins::MountCall c;
    c.attributes_json = "{}";
    c.secrets_json = "{}";
    c.deadline = Clock::now() + deadline;
    return c;
  }
  plugins::MountAnswer fetch(const Pod& pod,
                             std::optional<Clock::time_point> fetched_after = std::nullopt) {
    return fetches_->fetch(provider_, call(), key(pod), fetched_after);
  }
  // Runs `n` fetches of `pod` on threads while the provider holds its first call, then opens.
  std::vector<plugins::MountAnswer> concurrent(int n, const Pod& pod) {
    provider_.close();
    std::vector<plugins::MountAnswer> answers(n);
    std::vector<std::thread> threads;
    threads.emplace_back([&] { answers[0] = fetch(pod); });
    EXPECT_TRUE(provider_.wait_inside(1));
    for (int i = 1; i < n; ++i) threads.emplace_back([&, i] { answers[i] = fetch(pod); });
    wait_waiting(static_cast<std::size_t>(n - 1));
    provider_.open();
    for (std::thread& t : threads) t.join();
    return answers;
  }
  void wait_waiting(std::size_t n) {
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (fetches_->waiting() < n && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(1ms);
    }
    ASSERT_EQ(fetches_->waiting(), n);
  }
  void advance(Clock::duration d) { now_ = now_.load() + d; }

  std::atomic<Clock::time_point> now_{Clock::time_point{} + std::chrono::hours(24 * 365 * 50)};
  GatedProvider provider_;
  std::unique_ptr<SharedFetches> fetches_;
  std::mutex observed_mutex_;
  std::vector<std::string> observed_;
};

TEST_F(SharedFetchesTest, ConcurrentIdenticalCallsMakeOnePluginCall) {
  make(options(0ms));  // nothing kept: only the single flight can share
  provider_.script({ok(ShareScope::NamespaceServiceAccount)});
  const auto answers = concurrent(16, Pod{});
  EXPECT_EQ(provider_.calls(), 1);
  for (const auto& answer : answers) {
    EXPECT_TRUE(answer.ok);
    EXPECT_EQ(content(answer), "s3cret");
  }
  const auto counts = fetches_->counts();
  EXPECT_EQ(counts.calls, 1u);
  EXPECT_EQ(counts.waited, 15u);
  EXPECT_EQ(counts.shared, 0u);
  EXPECT_EQ(fetches_->kept_count(), 0u);
  EXPECT_EQ(fetch(Pod{}).ok, true);  // window 0: the next call is a call of its own
  EXPECT_EQ(provider_.calls(), 2);
}

TEST_F(SharedFetchesTest, ConcurrentCallsOfAPluginThatSaysNeverEachCallIt) {
  make(options());
  provider_.script({ok(ShareScope::Never)});
  concurrent(8, Pod{});
  EXPECT_EQ(provider_.calls(), 8);
  EXPECT_EQ(fetches_->counts().calls, 8u);
  EXPECT_EQ(fetches_->kept_count(), 0u);
  for (int i = 0; i < 5; ++i) fetch(Pod{});
  EXPECT_EQ(provider_.calls(), 13);
}

TEST_F(SharedFetchesTest, NamespaceServiceAccountScopeSharesWithinOneServiceAccountOnly) {
  make(options());
  provider_.script({ok(ShareScope::NamespaceServiceAccount)});
  Pod a;
  Pod a2 = a;
  a2.name = "pod-a2";
  Pod b = a;
  b.sa = "other";
  Pod c = a;
  c.ns = "elsewhere";
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(fetch(a).ok);
  EXPECT_TRUE(fetch(a2).ok);
  EXPECT_EQ(provider_.calls(), 1);
  EXPECT_TRUE(fetch(b).ok);
  EXPECT_EQ(provider_.calls(), 2);
  EXPECT_TRUE(fetch(c).ok);
  EXPECT_EQ(provider_.calls(), 3);
  EXPECT_EQ(fetches_->counts().shared, 10u);
}

TEST_F(SharedFetchesTest, NodeScopeSharesAcrossNamespacesAndServiceAccounts) {
  make(options());
  provider_.script({ok(ShareScope::Node)});
  Pod a;
  Pod b;
  b.ns = "other-team";
  b.sa = "other";
  b.secrets.clear();
  EXPECT_TRUE(fetch(a).ok);
  EXPECT_TRUE(fetch(b).ok);
  EXPECT_EQ(provider_.calls(), 1);
  Pod other_class = a;
  other_class.parameters["objects"] = "array: [b]";
  EXPECT_TRUE(fetch(other_class).ok);
  EXPECT_EQ(provider_.calls(), 2);
}

TEST_F(SharedFetchesTest, SameSecretsScopeIsKeyedOnTheSecrets) {
  make(options());
  provider_.script({ok(ShareScope::SameSecrets)});
  Pod a;
  Pod b;
  b.ns = "other-team";
  b.sa = "other";
  Pod c = a;
  c.secrets["clientSecret"] = "sp-2";
  EXPECT_TRUE(fetch(a).ok);
  EXPECT_TRUE(fetch(b).ok);
  EXPECT_EQ(provider_.calls(), 1);
  EXPECT_TRUE(fetch(c).ok);
  EXPECT_EQ(provider_.calls(), 2);
}

TEST_F(SharedFetchesTest, KeptAnswersExpireAfterTheWindow) {
  make(options(30s));
  provider_.script({ok(ShareScope::NamespaceServiceAccount, "v1"),
                    ok(ShareScope::NamespaceServiceAccount, "v2")});
  EXPECT_EQ(content(fetch(Pod{})), "v1");
  advance(30s - 1ms);
  EXPECT_EQ(content(fetch(Pod{})), "v1");
  EXPECT_EQ(provider_.calls(), 1);
  advance(1ms);
  EXPECT_EQ(content(fetch(Pod{})), "v2");
  EXPECT_EQ(provider_.calls(), 2);
  EXPECT_EQ(fetches_->kept_count(), 1u);
  advance(30s);
  fetches_->drop_expired();
  EXPECT_EQ(fetches_->kept_count(), 0u);
  EXPECT_EQ(fetches_->kept_bytes(), 0u);
}

TEST_F(SharedFetchesTest, ZeroWindowKeepsNothing) {
  make(options(0ms));
  provider_.script({ok(ShareScope::Node)});
  for (int i = 0; i < 3; ++i) fetch(Pod{});
  EXPECT_EQ(provider_.calls(), 3);
  EXPECT_EQ(fetches_->kept_count(), 0u);
}

TEST_F(SharedFetchesTest, WaitersTakeTheLeadersFailureButFailuresAreNotKept) {
  make(options());
  provider_.script({failed(ErrorCode::Unavailable, ShareScope::NamespaceServiceAccount)});
  const auto answers = concurrent(5, Pod{});
  EXPECT_EQ(provider_.calls(), 1);
  for (const auto& answer : answers) {
    EXPECT_FALSE(answer.ok);
    EXPECT_EQ(answer.error.code, ErrorCode::Unavailable);
  }
  EXPECT_EQ(fetches_->kept_count(), 0u);
  fetch(Pod{});
  EXPECT_EQ(provider_.calls(), 2);
}

TEST_F(SharedFetchesTest, TheLeadersDeadlineIsNotTheWaitersFailure) {
  make(options());
  provider_.script({failed(ErrorCode::DeadlineExceeded, ShareScope::NamespaceServiceAccount),
                    ok(ShareScope::NamespaceServiceAccount)});
  const auto answers = concurrent(2, Pod{});
  EXPECT_EQ(provider_.calls(), 2);
  EXPECT_FALSE(answers[0].ok);
  EXPECT_TRUE(answers[1].ok);
}

TEST_F(SharedFetchesTest, AWaiterGivesUpAtItsOwnDeadline) {
  make(options());
  provider_.script({ok(ShareScope::NamespaceServiceAccount)});
  provider_.close();
  std::thread leader([&] { EXPECT_TRUE(fetch(Pod{}).ok); });
  ASSERT_TRUE(provider_.wait_inside(1));
  const plugins::MountAnswer waiter = fetches_->fetch(provider_, call(50ms), key(Pod{}));
  EXPECT_FALSE(waiter.ok);
  EXPECT_EQ(waiter.error.code, ErrorCode::DeadlineExceeded);
  EXPECT_NE(waiter.error.message.find("'scripted'"), std::string::npos) << waiter.error.message;
  provider_.open();
  leader.join();
  EXPECT_EQ(provider_.calls(), 1);
}

TEST_F(SharedFetchesTest, AWaiterStoppedByItsCallerGivesUpAtOnce) {
  make(options());
  provider_.script({ok(ShareScope::NamespaceServiceAccount)});
  provider_.close();
  std::thread leader([&] { EXPECT_TRUE(fetch(Pod{}).ok); });
  ASSERT_TRUE(provider_.wait_inside(1));
  std::stop_source stop;
  plugins::MountCall waiter_call = call();
  waiter_call.stop = stop.get_token();
  plugins::MountAnswer waiter;
  std::thread waiting([&] { waiter = fetches_->fetch(provider_, waiter_call, key(Pod{})); });
  wait_waiting(1);
  stop.request_stop();
  waiting.join();
  EXPECT_FALSE(waiter.ok);
  EXPECT_EQ(waiter.error.code, ErrorCode::Cancelled);
  EXPECT_EQ(waiter.error.message,
            "the call was cancelled by its caller while it waited for an identical call to "
            "provider 'scripted'");
  EXPECT_EQ(fetches_->waiting(), 0u);
  provider_.open();
  leader.join();
  EXPECT_EQ(provider_.calls(), 1);
}

TEST_F(SharedFetchesTest, ALeadersCancellationIsNotItsWaitersAnswer) {
  make(options());
  // The leader's caller stopped it (as the plugin facade answers then); each waiter then calls.
  provider_.script(
      {failed(ErrorCode::Cancelled, ShareScope::Never), ok(ShareScope::NamespaceServiceAccount)});
  const auto answers = concurrent(3, Pod{});
  EXPECT_EQ(provider_.calls(), 3);
  EXPECT_EQ(answers[0].error.code, ErrorCode::Cancelled);
  EXPECT_TRUE(answers[1].ok);
  EXPECT_TRUE(answers[2].ok);
}

TEST_F(SharedFetchesTest, ThrottledFailuresAreKeptUntilRetryAfter) {
  make(options());
  provider_.script({failed(ErrorCode::Throttled, ShareScope::NamespaceServiceAccount, 10s),
                    ok(ShareScope::NamespaceServiceAccount)});
  EXPECT_EQ(fetch(Pod{}).error.code, ErrorCode::Throttled);
  advance(10s - 1ms);
  const auto held = fetch(Pod{}, now_.load());  // a refresh is held back too
  EXPECT_EQ(held.error.code, ErrorCode::Throttled);
  EXPECT_EQ(held.error.retry_after, 10s);
  EXPECT_EQ(provider_.calls(), 1);
  EXPECT_EQ(fetches_->counts().shared, 1u);
  advance(1ms);
  EXPECT_TRUE(fetch(Pod{}).ok);
  EXPECT_EQ(provider_.calls(), 2);
}

TEST_F(SharedFetchesTest, ThrottledWithoutRetryAfterOrScopeIsNotKept) {
  make(options());
  provider_.script({failed(ErrorCode::Throttled, ShareScope::NamespaceServiceAccount),
                    failed(ErrorCode::Throttled, ShareScope::Never, 10s),
                    ok(ShareScope::NamespaceServiceAccount)});
  fetch(Pod{});
  fetch(Pod{});
  EXPECT_TRUE(fetch(Pod{}).ok);
  EXPECT_EQ(provider_.calls(), 3);
}

TEST_F(SharedFetchesTest, ThrottleHoldIsCapped) {
  SharedFetchOptions o = options();
  o.max_throttle_hold = 1min;
  make(o);
  provider_.script({failed(ErrorCode::Throttled, ShareScope::Node, std::chrono::hours(5)),
                    ok(ShareScope::Node)});
  fetch(Pod{});
  advance(1min - 1ms);
  EXPECT_FALSE(fetch(Pod{}).ok);
  advance(1ms);
  EXPECT_TRUE(fetch(Pod{}).ok);
  EXPECT_EQ(provider_.calls(), 2);
}

TEST_F(SharedFetchesTest, ARefreshTakesOnlyAnswersFetchedAfterItsContent) {
  make(options());
  provider_.script({ok(ShareScope::NamespaceServiceAccount, "v1"),
                    ok(ShareScope::NamespaceServiceAccount, "v2")});
  const Clock::time_point first = now_.load();
  fetch(Pod{});  // kept, started at `first`
  advance(1s);
  // The caller's content was written at `first`: the kept answer is no newer.
  EXPECT_EQ(content(fetch(Pod{}, first)), "v2");
  EXPECT_EQ(provider_.calls(), 2);
  // Another mount whose content predates the new answer takes it.
  EXPECT_EQ(content(fetch(Pod{}, first)), "v2");
  EXPECT_EQ(provider_.calls(), 2);
  EXPECT_EQ(fetches_->counts().shared, 1u);
}

TEST_F(SharedFetchesTest, ARefreshDoesNotJoinACallThatBeganBeforeItsContent) {
  make(options());
  provider_.script({ok(ShareScope::NamespaceServiceAccount)});
  provider_.close();
  std::thread leader([&] { fetch(Pod{}); });
  ASSERT_TRUE(provider_.wait_inside(1));
  std::thread refresh([&] { fetch(Pod{}, now_.load()); });
  ASSERT_TRUE(provider_.wait_inside(2));  // its own call, not a wait
  EXPECT_EQ(fetches_->waiting(), 0u);
  provider_.open();
  leader.join();
  refresh.join();
  EXPECT_EQ(provider_.calls(), 2);
}

TEST_F(SharedFetchesTest, KeptAnswersAreBoundedInCountAndBytes) {
  SharedFetchOptions o = options();
  o.max_entries = 2;
  o.max_bytes = 1000;
  make(o);
  provider_.script({ok(ShareScope::NamespaceServiceAccount)});
  for (const char* sa : {"a", "b", "c"}) {
    Pod pod;
    pod.sa = sa;
    fetch(pod);
    advance(1s);
  }
  EXPECT_EQ(fetches_->kept_count(), 2u);
  Pod first;
  first.sa = "a";
  fetch(first);  // the earliest to expire was dropped
  EXPECT_EQ(provider_.calls(), 4);
  Pod last;
  last.sa = "c";
  fetch(last);
  EXPECT_EQ(provider_.calls(), 4);

  provider_.script({ok(ShareScope::NamespaceServiceAccount, std::string(2000, 'x'))});
  Pod big;
  big.sa = "big";
  fetch(big);
  fetch(big);
  EXPECT_EQ(provider_.calls(), 6);  // larger than max_bytes: never kept
  EXPECT_LE(fetches_->kept_bytes(), 1000u);
}

TEST_F(SharedFetchesTest, KeysHoldDigestsNeverValues) {
  make(options());
  Pod pod;
  pod.secrets = {{"clientSecret", "hunter2-secret-marker"}};
  pod.parameters = {{"objects", "param-marker"}};
  const FetchKey k = key(pod);
  std::vector<std::string> texts = {k.full()};
  for (ShareScope scope :
       {ShareScope::NamespaceServiceAccount, ShareScope::SameSecrets, ShareScope::Node}) {
    texts.push_back(*k.kept_under(scope));
  }
  for (const std::string& text : texts) {
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
    EXPECT_EQ(text.find("param-marker"), std::string::npos) << text;
    EXPECT_EQ(text.find("-token"), std::string::npos) << text;
    EXPECT_NE(text.find("scripted"), std::string::npos) << text;
  }
  EXPECT_FALSE(k.kept_under(ShareScope::Never));
  // Digests, so equal inputs give equal keys and any difference gives a different key.
  EXPECT_EQ(key(pod).full(), k.full());
  Pod other_secret = pod;
  other_secret.secrets["clientSecret"] = "hunter3";
  EXPECT_NE(key(other_secret).full(), k.full());
  EXPECT_EQ(key(other_secret).kept_under(ShareScope::NamespaceServiceAccount),
            k.kept_under(ShareScope::NamespaceServiceAccount));
}

TEST_F(SharedFetchesTest, PerPodKubeletKeysAndTokensDoNotSplitTheKey) {
  make(options());
  Pod a;
  Pod b = a;
  b.name = "pod-b";  // other pod name, uid and token
  EXPECT_EQ(key(a).full(), key(b).full());
  // Tokens a kubelet puts into the secrets are per pod too.
  Pod with_tokens = a;
  with_tokens.secrets["csi.storage.k8s.io/serviceAccount.tokens"] = "token-a";
  Pod with_other_tokens = a;
  with_other_tokens.secrets["csi.storage.k8s.io/serviceAccount.tokens"] = "token-b";
  EXPECT_EQ(key(with_tokens).full(), key(with_other_tokens).full());
  // A volume attribute the pod sets changes what is asked for.
  const FetchKey plain = fetches_->key("scripted", a.parameters, {}, a.secrets);
  const FetchKey overridden =
      fetches_->key("scripted", a.parameters, {{"objects", "array: [other]"}}, a.secrets);
  EXPECT_NE(plain.full(), overridden.full());
  // Another SharedFetches (another process) salts its digests differently.
  SharedFetches other(options());
  EXPECT_NE(other.key("scripted", a.parameters, {}, a.secrets).full(), plain.full());
}

// The failure the host makes of a throw says Never, so each waiter then calls on its own.
TEST_F(SharedFetchesTest, AThrowingProviderFailsEveryCallerWithoutStrandingWaiters) {
  make(options());
  provider_.script({ok(ShareScope::NamespaceServiceAccount)});
  provider_.throw_on_call();
  const auto answers = concurrent(3, Pod{});
  for (const auto& answer : answers) {
    EXPECT_FALSE(answer.ok);
    EXPECT_EQ(answer.error.code, ErrorCode::Internal);
    EXPECT_NE(answer.error.message.find("scripted provider blew up"), std::string::npos);
  }
  EXPECT_EQ(provider_.calls(), 3);
}

TEST_F(SharedFetchesTest, TheObserverHearsEveryResult) {
  make(options());
  provider_.script({ok(ShareScope::NamespaceServiceAccount)});
  concurrent(2, Pod{});
  fetch(Pod{});
  std::lock_guard lock(observed_mutex_);
  EXPECT_EQ(observed_,
            (std::vector<std::string>{"scripted:call", "scripted:waited", "scripted:shared"}));
}

TEST_F(SharedFetchesTest, AClockThatWentBackDropsWhatItCannotDate) {
  make(options());
  provider_.script({ok(ShareScope::NamespaceServiceAccount)});
  fetch(Pod{});
  advance(-1min);
  fetch(Pod{});
  EXPECT_EQ(provider_.calls(), 2);
}

TEST(SharedFetchesSweeper, DropsExpiredAnswersWithoutFurtherCalls) {
  SharedFetchOptions o;
  o.window = 2s;  // long enough to see it kept on a busy machine, short enough to wait out
  SharedFetches fetches(o);
  GatedProvider provider;
  provider.script({ok(ShareScope::Node)});
  plugins::MountCall call;
  call.deadline = Clock::now() + 30s;
  fetches.fetch(provider, call, fetches.key("scripted", {{"objects", "x"}}, {}, {}));
  EXPECT_EQ(fetches.kept_count(), 1u);
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (fetches.kept_count() != 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(fetches.kept_count(), 0u);
  EXPECT_EQ(fetches.kept_bytes(), 0u);
}

}  // namespace
}  // namespace sscsi::publish
