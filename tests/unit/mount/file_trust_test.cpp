// ancestor_problem: whether someone other than root or the host's user could replace a path
// through a directory above it (rename it away and put their own in its place).

#include "mount/file_trust.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "test_support.h"

namespace sscsi::mount::testing {
namespace {

namespace fs = std::filesystem;

// <temp>/<above>/target, with `above` given `mode`.
class AncestorProblem : public ::testing::Test {
 protected:
  fs::path make(const fs::path& above, unsigned mode) {
    fs::create_directories(above / "target");
    fs::permissions(above, fs::perms(mode));
    return above / "target";
  }
  TempDir temp_;
};

TEST_F(AncestorProblem, DirectoriesOnlyTheOwnerMayWritePass) {
  const fs::path target = make(temp_.path() / "above", 0755);
  EXPECT_EQ(ancestor_problem(target), std::nullopt);
  EXPECT_EQ(ancestor_problem(target.string() + "/"), std::nullopt);
}

TEST_F(AncestorProblem, AGroupOrWorldWritableDirectoryAboveIsNamed) {
  const fs::path above = temp_.path() / "above";
  const fs::path target = make(above, 0775);
  EXPECT_EQ(ancestor_problem(target), "is inside " + above.string() +
                                          ", which is group-writable (mode 0775); remove that "
                                          "permission (chmod g-w)");
  fs::permissions(above, fs::perms(0757));
  EXPECT_EQ(ancestor_problem(target), "is inside " + above.string() +
                                          ", which is world-writable (mode 0757); remove that "
                                          "permission (chmod o-w)");
}

TEST_F(AncestorProblem, EveryLevelIsJudgedNotOnlyTheParent) {
  const fs::path high = temp_.path() / "high";
  const fs::path target = make(high / "middle", 0755);
  fs::permissions(high, fs::perms(0777));
  EXPECT_EQ(ancestor_problem(target), "is inside " + high.string() +
                                          ", which is world-writable (mode 0777); remove that "
                                          "permission (chmod o-w)");
}

// In a sticky directory only an entry's owner may rename it (and the entry is judged in turn),
// which is why every temporary directory under /tmp passes.
TEST_F(AncestorProblem, AStickyDirectoryOthersMayWritePasses) {
  const fs::path target = make(temp_.path() / "shared", 01777);
  EXPECT_EQ(ancestor_problem(target), std::nullopt);
}

TEST_F(AncestorProblem, ADirectoryAboveOwnedByAnotherUserIsNamed) {
  const fs::path above = temp_.path() / "above";
  const fs::path target = make(above, 0755);
  ASSERT_EQ(::chown(above.c_str(), 65534, 65534), 0);
  const std::string owners =
      ::geteuid() == 0 ? "root (uid 0)"
                       : fmt::format("root (uid 0) or the daemon's user (uid {})", ::geteuid());
  EXPECT_EQ(ancestor_problem(target), "is inside " + above.string() +
                                          ", which is owned by uid 65534; it must be owned by " +
                                          owners);
  // Sticky or not: the owner of a directory may always rename what is in it.
  fs::permissions(above, fs::perms(01755));
  EXPECT_NE(ancestor_problem(target), std::nullopt);
}

// The target of a symlink on the way is judged: the link leads somewhere others may write.
TEST_F(AncestorProblem, TheRealDirectoriesBehindASymlinkAreJudged) {
  const fs::path open = temp_.path() / "open";
  make(open, 0777);
  fs::create_directory_symlink(open, temp_.path() / "link");
  EXPECT_EQ(ancestor_problem(temp_.path() / "link" / "target"),
            "is inside " + open.string() +
                ", which is world-writable (mode 0777); remove that permission (chmod o-w)");
}

// The directory a symlink lives in is judged too: whoever may write there may repoint it.
TEST_F(AncestorProblem, TheDirectoryHoldingASymlinkIsJudged) {
  const fs::path safe = make(temp_.path() / "safe", 0755);
  const fs::path open = temp_.path() / "open";
  fs::create_directory(open);
  fs::permissions(open, fs::perms(0777));
  fs::create_directory_symlink(safe, open / "link");
  EXPECT_EQ(ancestor_problem(open / "link"),
            "is inside " + open.string() +
                ", which is world-writable (mode 0777); remove that permission (chmod o-w)");
}

TEST_F(AncestorProblem, ARelativePathIsJudgedFromTheWorkingDirectory) {
  const fs::path above = temp_.path() / "above";
  make(above, 0775);
  const fs::path previous = fs::current_path();
  fs::current_path(above);
  const auto problem = ancestor_problem("target");
  fs::current_path(previous);
  EXPECT_EQ(problem, "is inside " + above.string() +
                         ", which is group-writable (mode 0775); remove that permission (chmod "
                         "g-w)");
}

TEST_F(AncestorProblem, AMissingPathIsNamedNotPassed) {
  EXPECT_EQ(ancestor_problem(temp_.path() / "missing"),
            "cannot be resolved: No such file or directory");
}

}  // namespace
}  // namespace sscsi::mount::testing
