#include "identity/token_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/mount_error.h"

namespace sscsi::azure {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::system_clock;

struct FakeClock {
  system_clock::time_point now = system_clock::time_point(seconds(1700000000));
  TokenCache::Clock fn() {
    return [this] { return now; };
  }
};

TokenCacheKey key(std::string scope = "https://vault.azure.net/.default") {
  return TokenCacheKey{"https://login.microsoftonline.com/",
                       "tenant",
                       "client",
                       "workload-identity",
                       "ns/sa",
                       std::move(scope),
                       ""};
}

AccessToken token(const std::string& value, system_clock::time_point expires_on) {
  return AccessToken{make_secret(value), expires_on};
}

TEST(TokenCacheRefreshAt, FiveMinutesBeforeExpiryOrHalfTheLifetime) {
  const auto t0 = system_clock::time_point(seconds(1000000));
  EXPECT_EQ(TokenCache::refresh_at(t0, t0 + hours(1)), t0 + minutes(55));
  EXPECT_EQ(TokenCache::refresh_at(t0, t0 + minutes(4)), t0 + minutes(2));
  EXPECT_EQ(TokenCache::refresh_at(t0, t0 + minutes(10)), t0 + minutes(5));
  EXPECT_EQ(TokenCache::refresh_at(t0, t0), t0);
  EXPECT_EQ(TokenCache::refresh_at(t0, t0 - seconds(5)), t0);
}

TEST(TokenCacheKey, SerializationIsUnambiguous) {
  TokenCacheKey a = key();
  TokenCacheKey b = key();
  a.tenant = "ab";
  a.identity = "c";
  b.tenant = "a";
  b.identity = "bc";
  EXPECT_NE(a.serialize(), b.serialize());
}

TEST(TokenCache, ReusesATokenUntilItsRefreshTime) {
  FakeClock clock;
  TokenCache cache(16, clock.fn());
  int fetches = 0;
  const auto fetch = [&](const CallControl&) {
    ++fetches;
    return token("t" + std::to_string(fetches), clock.now + hours(1));
  };
  EXPECT_EQ(view(cache.get(key(), fetch, CallControl()).token), "t1");
  clock.now += minutes(54);
  EXPECT_EQ(view(cache.get(key(), fetch, CallControl()).token), "t1");
  clock.now += minutes(1);
  EXPECT_EQ(view(cache.get(key(), fetch, CallControl()).token), "t2");
  EXPECT_EQ(fetches, 2);
}

TEST(TokenCache, EveryKeyFieldSeparatesEntries) {
  FakeClock clock;
  TokenCache cache(64, clock.fn());
  int fetches = 0;
  const auto fetch = [&](const CallControl&) {
    ++fetches;
    return token("t", clock.now + hours(1));
  };
  cache.get(key(), fetch, CallControl());
  std::vector<TokenCacheKey> variants(7, key());
  variants[0].authority = "https://login.chinacloudapi.cn/";
  variants[1].tenant = "other";
  variants[2].identity = "other-client";
  variants[3].mode = "service-principal";
  variants[4].subject = "ns/other-sa";
  variants[5].scope = "https://vault.azure.cn/.default";
  variants[6].credential_hash = "abc";
  for (const auto& variant : variants) cache.get(variant, fetch, CallControl());
  EXPECT_EQ(fetches, 8);
  cache.get(key(), fetch, CallControl());
  EXPECT_EQ(fetches, 8);
}

TEST(TokenCache, ConcurrentCallersShareOneFetch) {
  TokenCache cache;
  std::atomic<int> fetches{0};
  const auto fetch = [&](const CallControl&) {
    ++fetches;
    std::this_thread::sleep_for(milliseconds(200));
    return token("shared", system_clock::now() + hours(1));
  };
  std::vector<std::thread> threads;
  std::atomic<int> got{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      if (view(cache.get(key(), fetch, CallControl()).token) == "shared") ++got;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(fetches.load(), 1);
  EXPECT_EQ(got.load(), 16);
}

TEST(TokenCache, AFailedFetchReachesEveryWaiter) {
  TokenCache cache;
  std::atomic<int> fetches{0};
  const auto fetch = [&](const CallControl&) -> AccessToken {
    ++fetches;
    std::this_thread::sleep_for(milliseconds(200));
    throw MountError(SSCSI_UNAUTHORIZED, "AADSTS700213: no federated credential");
  };
  std::atomic<int> unauthorized{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      try {
        cache.get(key(), fetch, CallControl());
      } catch (const MountError& error) {
        if (error.code() == SSCSI_UNAUTHORIZED) ++unauthorized;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(fetches.load(), 1);
  EXPECT_EQ(unauthorized.load(), 4);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(TokenCache, WaitersFetchThemselvesWhenTheFetchersDeadlineEndedIt) {
  TokenCache cache;
  std::atomic<int> fetches{0};
  std::atomic<bool> first_started{false};
  const CallControl short_call(CallControl::Clock::now() + milliseconds(100), {});
  std::thread first([&] {
    EXPECT_THROW(cache.get(
                     key(),
                     [&](const CallControl& control) -> AccessToken {
                       ++fetches;
                       first_started = true;
                       while (!control.stop_requested()) {
                         std::this_thread::sleep_for(milliseconds(10));
                       }
                       throw MountError(SSCSI_DEADLINE_EXCEEDED, "stopped");
                     },
                     short_call),
                 MountError);
  });
  while (!first_started) std::this_thread::sleep_for(milliseconds(5));
  const AccessToken got = cache.get(
      key(),
      [&](const CallControl&) {
        ++fetches;
        return token("second", system_clock::now() + hours(1));
      },
      CallControl());
  first.join();
  EXPECT_EQ(view(got.token), "second");
  EXPECT_EQ(fetches.load(), 2);
}

TEST(TokenCache, WaitingStopsAtTheCallersDeadline) {
  TokenCache cache;
  std::atomic<bool> release{false};
  std::atomic<bool> started{false};
  std::thread fetcher([&] {
    cache.get(
        key(),
        [&](const CallControl&) {
          started = true;
          while (!release) std::this_thread::sleep_for(milliseconds(5));
          return token("t", system_clock::now() + hours(1));
        },
        CallControl());
  });
  while (!started) std::this_thread::sleep_for(milliseconds(5));
  const CallControl short_call(CallControl::Clock::now() + milliseconds(100), {});
  try {
    cache.get(
        key(), [](const CallControl&) { return AccessToken{}; }, short_call);
    ADD_FAILURE();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_DEADLINE_EXCEEDED);
  }
  release = true;
  fetcher.join();
}

TEST(TokenCache, RefreshReplacesARefusedToken) {
  FakeClock clock;
  TokenCache cache(16, clock.fn());
  int fetches = 0;
  const auto fetch = [&](const CallControl&) {
    ++fetches;
    return token("t" + std::to_string(fetches), clock.now + hours(1));
  };
  cache.get(key(), fetch, CallControl());
  EXPECT_EQ(view(cache.get(key(), fetch, CallControl(), true).token), "t2");
  EXPECT_EQ(view(cache.get(key(), fetch, CallControl()).token), "t2");
}

TEST(TokenCache, KeepsAWorkingTokenWhenARefreshFailsForAPassingReason) {
  FakeClock clock;
  TokenCache cache(16, clock.fn());
  cache.get(
      key(), [&](const CallControl&) { return token("old", clock.now + minutes(10)); },
      CallControl());
  clock.now += minutes(6);  // past refresh time, not expired
  const auto throttled = [](const CallControl&) -> AccessToken {
    throw MountError(SSCSI_THROTTLED, "429", 1000);
  };
  EXPECT_EQ(view(cache.get(key(), throttled, CallControl()).token), "old");
  // Not when the caller says the token was refused.
  EXPECT_THROW(cache.get(key(), throttled, CallControl(), true), MountError);
  // Nor for a refusal, nor once it expired.
  const auto refused = [](const CallControl&) -> AccessToken {
    throw MountError(SSCSI_UNAUTHORIZED, "401");
  };
  EXPECT_THROW(cache.get(key(), refused, CallControl()), MountError);
}

TEST(TokenCache, InvalidateDropsTheEntry) {
  FakeClock clock;
  TokenCache cache(16, clock.fn());
  int fetches = 0;
  const auto fetch = [&](const CallControl&) {
    ++fetches;
    return token("t", clock.now + hours(1));
  };
  cache.get(key(), fetch, CallControl());
  cache.invalidate(key());
  cache.get(key(), fetch, CallControl());
  EXPECT_EQ(fetches, 2);
}

TEST(TokenCache, StaysBoundedDroppingExpiredThenOldest) {
  FakeClock clock;
  TokenCache cache(3, clock.fn());
  for (int i = 0; i < 10; ++i) {
    cache.get(
        key("scope" + std::to_string(i)),
        [&](const CallControl&) { return token("t", clock.now + hours(1) + minutes(i)); },
        CallControl());
  }
  EXPECT_LE(cache.size(), 3u);
  int fetches = 0;
  cache.get(
      key("scope9"),
      [&](const CallControl&) {
        ++fetches;
        return token("t", clock.now + hours(1));
      },
      CallControl());
  EXPECT_EQ(fetches, 0);  // the newest entries survive
}

TEST(TokenCache, ATokenWithoutLifetimeIsNotReused) {
  FakeClock clock;
  TokenCache cache(16, clock.fn());
  int fetches = 0;
  const auto fetch = [&](const CallControl&) {
    ++fetches;
    return token("t", clock.now);
  };
  cache.get(key(), fetch, CallControl());
  cache.get(key(), fetch, CallControl());
  EXPECT_EQ(fetches, 2);
}

}  // namespace
}  // namespace sscsi::azure
