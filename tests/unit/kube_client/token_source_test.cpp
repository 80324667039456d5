// The bearer token: fixed, or from a file that is re-read when it changes and every minute.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "kube/client/token_source.h"
#include "test_files.h"

namespace sscsi::kube {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

struct FakeClock {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
  TokenSource::Clock function() {
    return [this] { return now; };
  }
};

TEST(KubeClientTokenSource, NoTokenMeansNoHeader) {
  TokenSource none;
  const TokenSource::Result result = none.current();
  EXPECT_TRUE(result.token.empty());
  EXPECT_TRUE(result.error.empty());
}

TEST(KubeClientTokenSource, FixedToken) {
  TokenSource fixed(SecretString("abc"));
  EXPECT_EQ(fixed.current().token.view(), "abc");
}

TEST(KubeClientTokenSource, FileTokenIsTrimmed) {
  TempDir dir;
  const auto file = dir.write("token", "  first-token\n");
  TokenSource source(file);
  const TokenSource::Result result = source.current();
  EXPECT_TRUE(result.error.empty()) << result.error;
  EXPECT_EQ(result.token.view(), "first-token");
}

TEST(KubeClientTokenSource, RewrittenFileIsReadAgain) {
  TempDir dir;
  FakeClock clock;
  const auto file = dir.write("token", "first-token\n");
  TokenSource source(file, clock.function());
  EXPECT_EQ(source.current().token.view(), "first-token");
  dir.write("token", "the-second-token\n");  // different size: seen at once
  EXPECT_EQ(source.current().token.view(), "the-second-token");
}

TEST(KubeClientTokenSource, SameSizeSameTimeRewriteIsSeenWithinAMinute) {
  TempDir dir;
  FakeClock clock;
  const auto file = dir.write("token", "token-AAAA\n");
  const auto modified = std::filesystem::last_write_time(file);
  TokenSource source(file, clock.function());
  EXPECT_EQ(source.current().token.view(), "token-AAAA");

  // Rewritten in place with the same length and the old timestamp put back: nothing in
  // stat() shows the change, so the cached token stays until the minute is up.
  dir.write("token", "token-BBBB\n");
  std::filesystem::last_write_time(file, modified);
  clock.now += 30s;
  EXPECT_EQ(source.current().token.view(), "token-AAAA");
  clock.now += 31s;
  EXPECT_EQ(source.current().token.view(), "token-BBBB");
}

TEST(KubeClientTokenSource, KubeletStyleSymlinkSwapIsSeen) {
  // The kubelet writes projected tokens into a new timestamped directory and swaps the
  // ..data symlink; `token` is a symlink through it.
  TempDir dir;
  FakeClock clock;
  dir.write("..2024_01_01/token", "old-token\n");
  dir.write("..2024_01_02/token", "new-token\n");
  std::filesystem::create_directory_symlink("..2024_01_01", dir.path() / "..data");
  std::filesystem::create_symlink("..data/token", dir.path() / "token");
  TokenSource source(dir.path() / "token", clock.function());
  EXPECT_EQ(source.current().token.view(), "old-token");

  std::filesystem::create_directory_symlink("..2024_01_02", dir.path() / "..data_tmp");
  std::filesystem::rename(dir.path() / "..data_tmp", dir.path() / "..data");
  EXPECT_EQ(source.current().token.view(), "new-token");
}

TEST(KubeClientTokenSource, MissingFileIsAnErrorNamingIt) {
  TempDir dir;
  const auto file = dir.write("token", "cached-token\n");
  TokenSource source(file);
  EXPECT_EQ(source.current().token.view(), "cached-token");
  std::filesystem::remove(file);
  const TokenSource::Result result = source.current();
  EXPECT_TRUE(result.token.empty());
  EXPECT_EQ(result.error,
            "token file " + file.string() + ": cannot read: No such file or directory");
}

TEST(KubeClientTokenSource, EmptyFileIsAnError) {
  TempDir dir;
  const auto file = dir.write("token", "\n");
  TokenSource source(file);
  const TokenSource::Result result = source.current();
  EXPECT_TRUE(result.token.empty());
  EXPECT_EQ(result.error, "token file " + file.string() + " is empty");
}

TEST(KubeClientSecretString, MovedFromIsEmptyAndCopiesAreEqual) {
  SecretString a("a-long-enough-value-to-live-on-the-heap");
  SecretString copy = a;
  SecretString moved = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the point of the test
  EXPECT_EQ(copy, moved);
  moved.clear();
  EXPECT_TRUE(moved.empty());
}

}  // namespace
}  // namespace sscsi::kube
