#include "csi/target_path.h"

#include <gtest/gtest.h>

namespace sscsi::csi {
namespace {

TEST(CsiTargetPath, CleanAbsolutePathsHaveNoProblem) {
  EXPECT_EQ(absolute_clean_problem("/var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/s/mount"),
            std::nullopt);
  EXPECT_EQ(absolute_clean_problem("/a"), std::nullopt);
  EXPECT_EQ(absolute_clean_problem("/a/..b/c."), std::nullopt);  // names that merely contain dots
}

TEST(CsiTargetPath, ProblemsAreNamed) {
  EXPECT_EQ(absolute_clean_problem(""), "is not absolute");
  EXPECT_EQ(absolute_clean_problem("a/b"), "is not absolute");
  EXPECT_EQ(absolute_clean_problem("/"), "is the root directory");
  EXPECT_EQ(absolute_clean_problem("/a/"), "is not clean: it ends with '/'");
  EXPECT_EQ(absolute_clean_problem("/a//b"), "is not clean: it contains '//'");
  EXPECT_EQ(absolute_clean_problem("/a/."), "is not clean: it contains a '.' element");
  EXPECT_EQ(absolute_clean_problem("/../a"), "is not clean: it contains a '..' element");
  EXPECT_EQ(absolute_clean_problem(std::string("/a\0", 3)), "contains a NUL byte");
  EXPECT_EQ(absolute_clean_problem("/a\nb"), "contains the control character 0x0a at byte 2");
  EXPECT_EQ(absolute_clean_problem("/a/\x1b[31m"), "contains the control character 0x1b at byte 3");
  EXPECT_EQ(absolute_clean_problem("/a\x7f"), "contains the control character 0x7f at byte 2");
  EXPECT_EQ(absolute_clean_problem("/caf\xC3\xA9"), std::nullopt);  // UTF-8 is not control text
}

TEST(CsiTargetPath, KubeletPodUidIsFoundOnlyInTheExactShape) {
  EXPECT_EQ(kubelet_pod_uid("/var/lib/kubelet/pods/6f1c/volumes/kubernetes.io~csi/kv/mount"),
            "6f1c");
  EXPECT_EQ(kubelet_pod_uid("/pods/6f1c/volumes/kubernetes.io~csi/kv/mount"), "6f1c");
  EXPECT_EQ(kubelet_pod_uid("/var/lib/kubelet/pods/6f1c/volumes/kubernetes.io~csi/kv"),
            std::nullopt);
  EXPECT_EQ(kubelet_pod_uid("/var/lib/kubelet/pods/6f1c/volumes/kubernetes.io~csi/kv/mount/x"),
            std::nullopt);
  EXPECT_EQ(kubelet_pod_uid("/var/lib/kubelet/pods/6f1c/volumes/kubernetes.io~nfs/kv/mount"),
            std::nullopt);
  EXPECT_EQ(kubelet_pod_uid("/tmp/csi/mount"), std::nullopt);
}

}  // namespace
}  // namespace sscsi::csi
