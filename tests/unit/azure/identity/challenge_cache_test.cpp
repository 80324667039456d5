#include "identity/challenge_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace sscsi::azure {
namespace {

using std::chrono::milliseconds;

TEST(ChallengeCache, RemembersPerVaultOrigin) {
  ChallengeCache cache;
  EXPECT_FALSE(cache.find("https://kv.vault.azure.net/").has_value());
  cache.remember("https://KV.vault.azure.net/", "https://vault.azure.net/.default");
  EXPECT_EQ(cache.find("https://kv.vault.azure.net"), "https://vault.azure.net/.default");
  EXPECT_EQ(cache.find("https://kv.vault.azure.net:443/"), "https://vault.azure.net/.default");
  EXPECT_FALSE(cache.find("https://other.vault.azure.net/").has_value());
  cache.forget("https://kv.vault.azure.net/");
  EXPECT_FALSE(cache.find("https://kv.vault.azure.net/").has_value());
}

TEST(ChallengeCache, FirstCallerLearnsAndLaterCallersGetTheScope) {
  ChallengeCache cache;
  auto first = cache.scope_or_learn("https://kv.vault.azure.net/", CallControl());
  EXPECT_FALSE(first.scope.has_value());
  ASSERT_TRUE(first.claim.held());
  first.claim.complete("https://vault.azure.net/.default");
  EXPECT_FALSE(first.claim.held());
  const auto second = cache.scope_or_learn("https://kv.vault.azure.net/", CallControl());
  EXPECT_EQ(second.scope, "https://vault.azure.net/.default");
  EXPECT_FALSE(second.claim.held());
}

TEST(ChallengeCache, ConcurrentCallersWaitForTheLearner) {
  ChallengeCache cache;
  auto learner = cache.scope_or_learn("https://kv.vault.azure.net/", CallControl());
  ASSERT_TRUE(learner.claim.held());
  std::atomic<int> got_scope{0};
  std::atomic<int> learners{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < 4; ++i) {
    waiters.emplace_back([&] {
      auto lookup = cache.scope_or_learn("https://kv.vault.azure.net/", CallControl());
      if (lookup.scope == "https://vault.azure.net/.default") ++got_scope;
      if (lookup.claim.held()) ++learners;
    });
  }
  std::this_thread::sleep_for(milliseconds(150));
  EXPECT_EQ(got_scope.load(), 0);  // still waiting
  learner.claim.complete("https://vault.azure.net/.default");
  for (auto& waiter : waiters) waiter.join();
  EXPECT_EQ(got_scope.load(), 4);
  EXPECT_EQ(learners.load(), 0);
}

TEST(ChallengeCache, AnAbandonedClaimLetsTheNextCallerLearn) {
  ChallengeCache cache;
  std::optional<ChallengeCache::Lookup> learner(
      cache.scope_or_learn("https://kv.vault.azure.net/", CallControl()));
  std::atomic<bool> became_learner{false};
  std::thread waiter([&] {
    auto lookup = cache.scope_or_learn("https://kv.vault.azure.net/", CallControl());
    became_learner = lookup.claim.held();
  });
  std::this_thread::sleep_for(milliseconds(100));
  learner.reset();  // the learner failed without a scope
  waiter.join();
  EXPECT_TRUE(became_learner.load());
}

TEST(ChallengeCache, WaitingEndsWhenTheCallStops) {
  ChallengeCache cache;
  auto learner = cache.scope_or_learn("https://kv.vault.azure.net/", CallControl());
  const CallControl soon(CallControl::Clock::now() + milliseconds(100), {});
  const auto start = CallControl::Clock::now();
  const auto lookup = cache.scope_or_learn("https://kv.vault.azure.net/", soon);
  EXPECT_FALSE(lookup.scope.has_value());
  EXPECT_FALSE(lookup.claim.held());
  EXPECT_LT(CallControl::Clock::now() - start, milliseconds(1000));
}

TEST(ChallengeCache, StaysBounded) {
  ChallengeCache cache(2);
  cache.remember("https://a.vault.azure.net/", "s");
  cache.remember("https://b.vault.azure.net/", "s");
  cache.remember("https://c.vault.azure.net/", "s");
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.find("https://c.vault.azure.net/").has_value());
}

}  // namespace
}  // namespace sscsi::azure
