#include "parsed_objects_cache.h"

#include <gtest/gtest.h>

#include "mount_error.h"

namespace sscsi::mock {
namespace {

constexpr const char* kOne = "array:\n  - |\n    objectName: a\n    content: x\n";
constexpr const char* kTwo = "array:\n  - |\n    objectName: b\n    content: y\n";

TEST(MockParsedObjectsCache, SameTextIsParsedOnce) {
  ParsedObjectsCache cache;
  const auto first = cache.get(kOne);
  const auto again = cache.get(kOne);
  EXPECT_EQ(first.get(), again.get());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].name, "a");
  const auto other = cache.get(kTwo);
  EXPECT_NE(other.get(), first.get());
  EXPECT_EQ((*other)[0].name, "b");
}

TEST(MockParsedObjectsCache, ErrorsAreReportedEveryTimeAndNotRemembered) {
  ParsedObjectsCache cache;
  EXPECT_THROW(cache.get("array: [unclosed"), MountError);
  EXPECT_THROW(cache.get("array: [unclosed"), MountError);
}

TEST(MockParsedObjectsCache, StartsOverWhenFull) {
  ParsedObjectsCache cache(1);
  const auto first = cache.get(kOne);
  cache.get(kTwo);  // evicts kOne
  const auto reparsed = cache.get(kOne);
  EXPECT_NE(first.get(), reparsed.get());
  EXPECT_EQ((*reparsed)[0].name, "a");
}

}  // namespace
}  // namespace sscsi::mock
