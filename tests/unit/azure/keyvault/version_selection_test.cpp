#include "keyvault/version_selection.h"

#include <gtest/gtest.h>

namespace sscsi::azure {
namespace {

constexpr int64_t kNow = 1700000000;
constexpr int64_t kHour = 3600;

VersionEntry entry(std::string version, int64_t created, bool enabled = true,
                   bool has_attributes = true) {
  VersionEntry e;
  e.version = std::move(version);
  e.created = created;
  e.enabled = enabled;
  e.has_attributes = has_attributes;
  return e;
}

// a..e created +10h..+6h (reference §10.1 case 16).
std::vector<VersionEntry> five_versions() {
  return {entry("a", kNow + 10 * kHour), entry("b", kNow + 9 * kHour), entry("c", kNow + 8 * kHour),
          entry("d", kNow + 7 * kHour), entry("e", kNow + 6 * kHour)};
}

using Versions = std::vector<std::string>;

TEST(SelectVersions, Case16LatestTakesNewestFirst) {
  EXPECT_EQ(select_versions(five_versions(), "latest", 5), (Versions{"a", "b", "c", "d", "e"}));
}

TEST(SelectVersions, Case16UnsortedInputIsSortedByCreated) {
  std::vector<VersionEntry> shuffled = {entry("c", kNow + 8 * kHour), entry("e", kNow + 6 * kHour),
                                        entry("b", kNow + 9 * kHour), entry("a", kNow + 10 * kHour),
                                        entry("d", kNow + 7 * kHour)};
  EXPECT_EQ(select_versions(shuffled, "latest", 5), (Versions{"a", "b", "c", "d", "e"}));
}

TEST(SelectVersions, Case17NoVersionStartsAtTheNewest) {
  EXPECT_EQ(select_versions({entry("a", kNow + 10 * kHour), entry("b", kNow + 9 * kHour)}, "", 2),
            (Versions{"a", "b"}));
}

TEST(SelectVersions, Case17FewerVersionsThanHistoryReturnsAll) {
  EXPECT_EQ(select_versions({entry("a", kNow + 10 * kHour), entry("b", kNow + 9 * kHour)}, "", 200),
            (Versions{"a", "b"}));
}

TEST(SelectVersions, Case17StartsAtTheGivenVersion) {
  std::vector<VersionEntry> shuffled = {entry("c", kNow + 8 * kHour), entry("e", kNow + 6 * kHour),
                                        entry("b", kNow + 9 * kHour), entry("a", kNow + 10 * kHour),
                                        entry("d", kNow + 7 * kHour)};
  EXPECT_EQ(select_versions(shuffled, "c", 5), (Versions{"c", "d", "e"}));
}

TEST(SelectVersions, TakesExactlyNWhenMoreExist) {
  // Deliberate difference: upstream's loop stops only after N + 1 entries and would return
  // a, b, c here; reference §4.4 says "up to N".
  EXPECT_EQ(select_versions(five_versions(), "", 2), (Versions{"a", "b"}));
  EXPECT_EQ(select_versions(five_versions(), "b", 2), (Versions{"b", "c"}));
}

TEST(SelectVersions, SkipsDisabledAndAttributelessEntries) {
  std::vector<VersionEntry> versions = five_versions();
  versions[0].enabled = false;         // a
  versions[2].has_attributes = false;  // c
  EXPECT_EQ(select_versions(versions, "latest", 5), (Versions{"b", "d", "e"}));
  // A disabled start version is never found: nothing is mounted, as upstream.
  EXPECT_EQ(select_versions(versions, "a", 5), Versions{});
}

TEST(SelectVersions, UnknownStartVersionGivesNothing) {
  EXPECT_EQ(select_versions(five_versions(), "zzz", 5), Versions{});
}

TEST(SelectVersions, MissingCreatedCountsAsEpoch) {
  EXPECT_EQ(select_versions({entry("old", 0), entry("new", kNow)}, "", 2),
            (Versions{"new", "old"}));
}

TEST(SelectVersions, TiesKeepTheServiceOrder) {
  EXPECT_EQ(select_versions({entry("x", kNow), entry("y", kNow), entry("z", kNow)}, "", 3),
            (Versions{"x", "y", "z"}));
}

TEST(SelectVersions, NoHistoryNoVersions) {
  EXPECT_EQ(select_versions(five_versions(), "", 0), Versions{});
  EXPECT_EQ(select_versions({}, "", 5), Versions{});
}

}  // namespace
}  // namespace sscsi::azure
