// check_payload: limits (naming the limit), path and mode rules, duplicates, file/directory
// conflicts. Every refusal happens before anything touches the disk.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mount/error.h"
#include "mount/payload_check.h"
#include "test_support.h"

namespace sscsi::mount {
namespace {

using testing::file;

std::string problem_of(const std::vector<PayloadFile>& files, const WriteLimits& limits = {}) {
  try {
    check_payload(files, limits);
    return "";
  } catch (const Error& error) {
    EXPECT_EQ(error.sys_errno(), 0);
    return error.what();
  }
}

TEST(PayloadCheck, AcceptsAValidPayload) {
  EXPECT_EQ(problem_of({}), "");
  EXPECT_EQ(problem_of({file("a", "1"), file("b/c", "2", 0600), file("b/d/e", "3", 0)}), "");
  EXPECT_EQ(problem_of({file("a", "1"), file("a-b/c", "2"), file("ab", "3")}), "");
}

TEST(PayloadCheck, DefaultLimits) {
  const WriteLimits limits;
  EXPECT_EQ(limits.max_files, 4096u);
  EXPECT_EQ(limits.max_total_bytes, 64u * 1024 * 1024);
}

TEST(PayloadCheck, FileCountLimitIsNamed) {
  const WriteLimits limits{.max_files = 2, .max_total_bytes = 1024};
  EXPECT_EQ(problem_of({file("a", ""), file("b", "")}, limits), "");
  EXPECT_EQ(problem_of({file("a", ""), file("b", ""), file("c", "")}, limits),
            "the payload has 3 files, more than the limit of 2 files per volume");
}

TEST(PayloadCheck, TotalBytesLimitIsNamed) {
  const WriteLimits limits{.max_files = 10, .max_total_bytes = 10};
  EXPECT_EQ(problem_of({file("a", "12345"), file("b", "12345")}, limits), "");
  EXPECT_EQ(problem_of({file("a", "12345"), file("b", "123456")}, limits),
            "the payload holds 11 bytes, more than the limit of 10 bytes per volume");
}

TEST(PayloadCheck, RefusesEveryBadShape) {
  struct Case {
    const char* name;
    std::vector<PayloadFile> files;
    const char* expected;
  };
  std::vector<Case> cases;
  cases.push_back(
      {"dot-dot", {file("../escape", "x")}, "file \"../escape\": path contains a '..'"});
  cases.push_back({"absolute", {file("/etc/x", "x")}, "file \"/etc/x\": path is absolute"});
  cases.push_back({"reserved", {file("..data", "x")}, "file \"..data\": path's first element"});
  cases.push_back({"unclean", {file("a//b", "x")}, "file \"a//b\": path is not clean"});
  cases.push_back({"mode", {file("a", "x", 01000)}, "file \"a\": mode 01000 is outside"});
  cases.push_back({"duplicate",
                   {file("a", "1"), file("b", "2"), file("a", "3")},
                   "file \"a\" appears more than once in the payload"});
  cases.push_back({"file then dir",
                   {file("a", "1"), file("a/b", "2")},
                   "file \"a\" is also a directory of file \"a/b\"; a path cannot be both"});
  cases.push_back({"dir then file",
                   {file("x/y/z", "1"), file("x/y", "2")},
                   "file \"x/y\" is also a directory of file \"x/y/z\""});
  cases.push_back({"control characters are escaped",
                   {file(std::string("a\nb/../c"), "x")},
                   "file \"a\\x0ab/../c\""});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string problem = problem_of(c.files);
    EXPECT_NE(problem.find(c.expected), std::string::npos) << problem;
  }
}

TEST(PayloadCheck, LongPathsAreCutInMessages) {
  const std::string path = "/" + std::string(5000, 'p');
  const std::string problem = problem_of({file(path, "x")});
  EXPECT_NE(problem.find("path is 5001 bytes long"), std::string::npos) << problem;
  EXPECT_LT(problem.size(), 300u);
}

}  // namespace
}  // namespace sscsi::mount
