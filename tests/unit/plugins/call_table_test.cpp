// The lock-free table behind call_cancelled.

#include "plugins/call_table.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace sscsi::plugins {
namespace {

constexpr std::int64_t kMinute = 60'000;

TEST(PluginCallTable, LiveCallIsNotCancelled) {
  CallTable table;
  const auto id = table.begin(unix_now_ms() + kMinute);
  ASSERT_TRUE(id);
  EXPECT_FALSE(table.cancelled(*id));
  EXPECT_EQ(table.running(), 1u);
}

TEST(PluginCallTable, CallPastItsDeadlineIsCancelled) {
  CallTable table;
  const auto id = table.begin(unix_now_ms() - 1);
  ASSERT_TRUE(id);
  EXPECT_TRUE(table.cancelled(*id));
}

TEST(PluginCallTable, EndedCallIsCancelledAndEndIsIdempotent) {
  CallTable table;
  const auto id = table.begin(unix_now_ms() + kMinute);
  ASSERT_TRUE(id);
  table.end(*id);
  table.end(*id);
  EXPECT_TRUE(table.cancelled(*id));
  EXPECT_EQ(table.running(), 0u);
}

TEST(PluginCallTable, UnknownIdsAreCancelled) {
  CallTable table;
  const auto id = table.begin(unix_now_ms() + kMinute);
  ASSERT_TRUE(id);
  for (const std::uint64_t unknown :
       {std::uint64_t{0}, std::uint64_t{1}, *id + 1, *id + CallTable::kSlots, ~std::uint64_t{0}}) {
    EXPECT_TRUE(table.cancelled(unknown)) << unknown;
  }
}

TEST(PluginCallTable, AReusedSlotDoesNotReviveAnOldId) {
  CallTable table;
  std::set<std::uint64_t> ended;
  for (std::size_t i = 0; i < 3 * CallTable::kSlots; ++i) {
    const auto id = table.begin(unix_now_ms() + kMinute);
    ASSERT_TRUE(id);
    EXPECT_TRUE(ended.insert(*id).second) << "id handed out twice";
    table.end(*id);
  }
  const auto live = table.begin(unix_now_ms() + kMinute);
  ASSERT_TRUE(live);
  for (const std::uint64_t old : ended) ASSERT_TRUE(table.cancelled(old));
  EXPECT_FALSE(table.cancelled(*live));
}

TEST(PluginCallTable, IdsAreUniqueAcrossTables) {
  CallTable first;
  CallTable second;
  const auto a = first.begin(unix_now_ms() + kMinute);
  const auto b = second.begin(unix_now_ms() + kMinute);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(first.cancelled(*b));
  EXPECT_TRUE(second.cancelled(*a));
}

TEST(PluginCallTable, FullTableRefusesNewCalls) {
  CallTable table;
  std::vector<std::uint64_t> ids;
  for (std::size_t i = 0; i < CallTable::kSlots; ++i) {
    const auto id = table.begin(unix_now_ms() + kMinute);
    ASSERT_TRUE(id);
    ids.push_back(*id);
  }
  EXPECT_FALSE(table.begin(unix_now_ms() + kMinute));
  table.end(ids[17]);
  EXPECT_TRUE(table.begin(unix_now_ms() + kMinute));
}

TEST(PluginCallTable, ShutdownCancelsEverythingAndRefusesNewCalls) {
  CallTable table;
  const auto id = table.begin(unix_now_ms() + kMinute);
  ASSERT_TRUE(id);
  table.shut_down();
  EXPECT_TRUE(table.shutting_down());
  EXPECT_TRUE(table.cancelled(*id));
  EXPECT_FALSE(table.begin(unix_now_ms() + kMinute));
}

TEST(PluginCallTable, ConcurrentUse) {
  CallTable table;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) {
        const auto id = table.begin(unix_now_ms() + kMinute);
        if (!id) {
          ++wrong;
          continue;
        }
        if (table.cancelled(*id)) ++wrong;
        table.end(*id);
        if (!table.cancelled(*id)) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(table.running(), 0u);
}

}  // namespace
}  // namespace sscsi::plugins
