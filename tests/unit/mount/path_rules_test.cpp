// Every rule of path_problem / mode_problem, as a table: the input, whether it is accepted, and
// a piece of the message that names the rule.

#include <gtest/gtest.h>

#include <string>

#include "mount/path_rules.h"

namespace sscsi::mount {
namespace {

struct PathCase {
  std::string name;
  std::string path;
  std::string problem;  // empty: accepted
};

std::string element(std::size_t length) { return std::string(length, 'x'); }

// A path of exactly `length` bytes made of 200-byte elements.
std::string long_path(std::size_t length) {
  std::string path;
  while (path.size() < length) {
    if (!path.empty()) path += '/';
    path += element(std::min<std::size_t>(200, length - path.size()));
  }
  return path;
}

TEST(PathRules, EveryPathRule) {
  const std::vector<PathCase> cases = {
      {"simple", "secret", ""},
      {"nested", "dir/sub/file.pem", ""},
      {"hidden file", ".hidden", ""},
      {"dot inside an element", "a.b/c.d", ""},
      {"later element starting with ..", "a/..b", ""},
      {"later element named ...", "a/...", ""},
      {"element of 255 bytes", element(255), ""},
      {"path of 4096 bytes", long_path(4096), ""},
      {"empty", "", "path is empty"},
      {"path of 4097 bytes", long_path(4097), "4097 bytes long, more than the limit of 4096"},
      {"NUL byte", std::string("a\0b", 3), "NUL byte"},
      {"absolute", "/etc/passwd", "path is absolute"},
      {"trailing slash", "dir/", "ends with '/'"},
      {"double slash", "a//b", "contains '//'"},
      {"dot element first", "./a", "'.' element"},
      {"dot element inside", "a/./b", "'.' element"},
      {"dot element last", "a/.", "'.' element"},
      {"lone dot", ".", "'.' element"},
      {"dot-dot first", "../a", "'..' element"},
      {"dot-dot inside", "a/../b", "'..' element"},
      {"dot-dot last", "a/..", "'..' element"},
      {"lone dot-dot", "..", "'..' element"},
      {"element of 256 bytes", "a/" + element(256), "256 bytes long, more than the limit of 255"},
      {"first element ..data", "..data", "reserved for the volume's own bookkeeping"},
      {"first element ..data_tmp", "..data_tmp/x", "reserved for the volume's own bookkeeping"},
      {"first element like a version dir", "..2024_01_01_00_00_00.1/x", "reserved"},
      {"first element ...", ".../x", "reserved"},
  };
  for (const PathCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::optional<std::string> problem = path_problem(c.path);
    if (c.problem.empty()) {
      EXPECT_FALSE(problem.has_value()) << problem.value_or("");
    } else {
      ASSERT_TRUE(problem.has_value());
      EXPECT_NE(problem->find(c.problem), std::string::npos) << *problem;
    }
  }
}

TEST(PathRules, EveryModeRule) {
  struct ModeCase {
    std::uint32_t mode;
    bool ok;
  };
  const std::vector<ModeCase> cases = {
      {0, true},      {0400, true},   {0644, true},   {0755, true},   {0777, true},
      {01000, false}, {02755, false}, {04755, false}, {07777, false}, {0xFFFFFFFF, false},
  };
  for (const ModeCase& c : cases) {
    SCOPED_TRACE(c.mode);
    const std::optional<std::string> problem = mode_problem(c.mode);
    EXPECT_EQ(problem.has_value(), !c.ok);
    if (problem) {
      EXPECT_NE(problem->find("outside 0..0777"), std::string::npos) << *problem;
    }
  }
}

}  // namespace
}  // namespace sscsi::mount
