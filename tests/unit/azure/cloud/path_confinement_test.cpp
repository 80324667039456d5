// The lexical rules that decide, before anything touches the file system, whether a
// cloudEnvFileName may be read (docs/SECURITY.md: allowedCloudEnvDirs).
#include "cloud/path_confinement.h"

#include <gtest/gtest.h>

#include <string>

namespace sscsi::azure {
namespace {

using namespace std::string_literals;

TEST(CleanAbsolutePath, AcceptsOnlyAbsolutePathsWithoutDotDotOrEmptyElements) {
  EXPECT_TRUE(is_clean_absolute_path("/"));
  EXPECT_TRUE(is_clean_absolute_path("/etc/kubernetes"));
  EXPECT_TRUE(is_clean_absolute_path("/etc/kubernetes/akscustom.json"));
  EXPECT_TRUE(is_clean_absolute_path("/etc/..kube/.env.json"));  // dots inside a name are fine
  EXPECT_FALSE(is_clean_absolute_path(""));
  EXPECT_FALSE(is_clean_absolute_path("etc/kubernetes"));
  EXPECT_FALSE(is_clean_absolute_path("/etc/kubernetes/"));
  EXPECT_FALSE(is_clean_absolute_path("//etc"));
  EXPECT_FALSE(is_clean_absolute_path("/etc//kubernetes"));
  EXPECT_FALSE(is_clean_absolute_path("/etc/./kubernetes"));
  EXPECT_FALSE(is_clean_absolute_path("/etc/kubernetes/.."));
  EXPECT_FALSE(is_clean_absolute_path("/etc/kubernetes/../../proc/self/environ"));
  EXPECT_FALSE(is_clean_absolute_path("/."));
  EXPECT_FALSE(is_clean_absolute_path("/etc/kubernetes/a\0/../../x"s));
}

TEST(LiesInside, ComparesWholeElementsNotStringPrefixes) {
  EXPECT_TRUE(lies_inside("/etc/kubernetes/akscustom.json", "/etc/kubernetes"));
  EXPECT_TRUE(lies_inside("/etc/kubernetes/a/b.json", "/etc/kubernetes"));
  EXPECT_TRUE(lies_inside("/etc/x", "/"));
  EXPECT_FALSE(lies_inside("/etc/kubernetesX/akscustom.json", "/etc/kubernetes"));
  EXPECT_FALSE(lies_inside("/etc/kubernetes", "/etc/kubernetes"));
  EXPECT_FALSE(lies_inside("/etc/kube", "/etc/kubernetes"));
  EXPECT_FALSE(lies_inside("/proc/self/environ", "/etc/kubernetes"));
  EXPECT_FALSE(lies_inside("/", "/"));
}

TEST(AtOrInsideAny, TheDirectoryItselfCounts) {
  const std::vector<std::string> dirs = {"/etc/kubernetes", "/opt/stack"};
  EXPECT_TRUE(at_or_inside_any("/etc/kubernetes", dirs));
  EXPECT_TRUE(at_or_inside_any("/opt/stack/sub", dirs));
  EXPECT_FALSE(at_or_inside_any("/opt/stackX", dirs));
  EXPECT_FALSE(at_or_inside_any("", dirs));
  EXPECT_EQ(join_dirs(dirs), "/etc/kubernetes, /opt/stack");
}

}  // namespace
}  // namespace sscsi::azure
