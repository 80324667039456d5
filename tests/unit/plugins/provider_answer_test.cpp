// The Provider facade's checks of mount answers, through real plugins of the broken-plugin
// family: a valid answer comes back sorted and copied; every contract violation becomes
// InvalidAnswer with a message naming the provider, the offending value and the rule.

#include <fmt/format.h>

#include <string>

#include "mount/path_rules.h"
#include "test_support.h"

namespace sscsi::plugins::testing {
namespace {

class PluginProviderAnswer : public LoaderTest {
 protected:
  MountAnswer mount_with(const char* variant, const MountCall& call = make_call()) {
    dir_.add_plugin(variant);
    const LoadReport report = load();
    EXPECT_EQ(report.loaded, std::vector<std::string>{variant});
    return provider(variant).mount(call);
  }
  void expect_invalid_answer(const char* variant, const std::string& message) {
    const MountAnswer answer = mount_with(variant);
    EXPECT_FALSE(answer.ok);
    EXPECT_EQ(answer.error.code, ErrorCode::InvalidAnswer);
    EXPECT_EQ(answer.error.message, message);
    EXPECT_TRUE(answer.files.empty());
    EXPECT_TRUE(answer.versions.empty());
  }
  // The message for a bad path: the provider, the path as shown, and path_rules' own reason.
  static std::string bad_path(const char* variant, const std::string& path,
                              const std::string& shown) {
    return fmt::format("provider {} added a file with an invalid path '{}': {}", variant, shown,
                       mount::path_problem(path).value_or("(path_rules accepted it)"));
  }
};

std::string text(const mount::PayloadFile& file) {
  return std::string(file.data.begin(), file.data.end());
}

TEST_F(PluginProviderAnswer, ValidAnswerIsSortedCopiedAndScoped) {
  MountCall call = make_call();
  call.default_file_mode = 0640;
  const MountAnswer answer = mount_with("good", call);
  ASSERT_TRUE(answer.ok) << answer.error.message;
  std::vector<std::string> paths;
  for (const auto& file : answer.files) paths.push_back(file.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"a.txt", "config.json", "dir/bytes.bin", "empty.txt",
                                             "target.txt", "z/last.txt"}));
  EXPECT_EQ(text(answer.files[0]), "alpha");
  EXPECT_EQ(answer.files[0].mode, 0640u);  // the request's default mode reached the plugin
  EXPECT_EQ(answer.files[2].data, (mount::SecretBytes{0, 1, 2, 0, 255}));
  EXPECT_EQ(answer.files[2].mode, 0600u);
  EXPECT_TRUE(answer.files[3].data.empty());
  EXPECT_EQ(answer.files[3].mode, 0444u);
  EXPECT_EQ(text(answer.files[4]), call.target_path);
  EXPECT_EQ(answer.versions, (std::vector<ObjectVersion>{{"secret/a", "v1"}, {"current", "0"}}));
  EXPECT_EQ(answer.share_scope, ShareScope::NamespaceServiceAccount);
}

TEST_F(PluginProviderAnswer, CurrentVersionsReachThePlugin) {
  MountCall call = make_call();
  call.current_versions = {{"secret/a", "v0"}, {"secret/b", "v9"}};
  const MountAnswer answer = mount_with("good", call);
  ASSERT_TRUE(answer.ok) << answer.error.message;
  EXPECT_EQ(answer.versions.at(1), (ObjectVersion{"current", "2:secret/a=v0"}));
}

TEST_F(PluginProviderAnswer, UnknownShareScopeCountsAsNever) {
  const MountAnswer answer = mount_with("unknown_share_scope");
  ASSERT_TRUE(answer.ok) << answer.error.message;
  EXPECT_EQ(answer.share_scope, ShareScope::Never);
}

TEST_F(PluginProviderAnswer, UnknownShareScopeIsLoggedOncePerPlugin) {
  dir_.add_plugin("unknown_share_scope");
  ASSERT_EQ(load().loaded, std::vector<std::string>{"unknown_share_scope"});
  for (int i = 0; i < 3; ++i) {
    const MountAnswer answer = provider("unknown_share_scope").mount(make_call());
    ASSERT_TRUE(answer.ok) << answer.error.message;
    EXPECT_EQ(answer.share_scope, ShareScope::Never);
  }
  EXPECT_EQ(logs_.count("sscsi|warning|provider unknown_share_scope set share scope 99, which "
                        "this host does not know; its answers are not shared (treated as "
                        "SSCSI_SHARE_NEVER). Logged once."),
            1u)
      << fmt::format("{}", fmt::join(logs_.lines(), "\n"));
}

TEST_F(PluginProviderAnswer, EmptyPath) {
  expect_invalid_answer("path_empty", bad_path("path_empty", "", ""));
}

TEST_F(PluginProviderAnswer, AbsolutePath) {
  expect_invalid_answer("path_absolute",
                        "provider path_absolute added a file with an invalid path '/etc/passwd': "
                        "path is absolute");
}

TEST_F(PluginProviderAnswer, DotDotElement) {
  expect_invalid_answer("path_dotdot", bad_path("path_dotdot", "a/../b", "a/../b"));
}

TEST_F(PluginProviderAnswer, DotSlashPrefix) {
  expect_invalid_answer("path_dot_slash", bad_path("path_dot_slash", "./a", "./a"));
}

TEST_F(PluginProviderAnswer, DoubleSlash) {
  expect_invalid_answer("path_double_slash", bad_path("path_double_slash", "a//b", "a//b"));
}

TEST_F(PluginProviderAnswer, TrailingSlash) {
  expect_invalid_answer("path_trailing_slash", bad_path("path_trailing_slash", "a/", "a/"));
}

TEST_F(PluginProviderAnswer, PathLongerThan4096Bytes) {
  std::string path;
  for (std::size_t i = 0; i < 4097; ++i) path.push_back(i % 101 == 100 ? '/' : 'a');
  // Messages show the first 120 bytes of an offending path; the rule gives its length.
  expect_invalid_answer("path_too_long",
                        bad_path("path_too_long", path, path.substr(0, 120) + "…"));
  EXPECT_NE(mount::path_problem(path)->find("4097"), std::string::npos);
}

TEST_F(PluginProviderAnswer, PathElementLongerThan255Bytes) {
  const std::string path(256, 'a');
  expect_invalid_answer("path_element_too_long",
                        bad_path("path_element_too_long", path, path.substr(0, 120) + "…"));
}

TEST_F(PluginProviderAnswer, ModeOutOfRange) {
  expect_invalid_answer("mode_out_of_range",
                        "provider mode_out_of_range added file 'a.txt' with an invalid mode: " +
                            mount::mode_problem(01000).value_or("(accepted)"));
}

TEST_F(PluginProviderAnswer, DuplicatePath) {
  expect_invalid_answer("duplicate_path",
                        "provider duplicate_path added file 'a.txt' twice; every path must be "
                        "unique");
  // The sink told the plugin at once (it logs an error if the second add_file was accepted).
  EXPECT_EQ(logs_.count("duplicate_path|error|duplicate add_file was accepted"), 0u);
}

TEST_F(PluginProviderAnswer, NoObjectVersions) {
  expect_invalid_answer("no_versions",
                        "provider no_versions answered with no object versions; a successful "
                        "answer records at least one");
}

TEST_F(PluginProviderAnswer, DuplicateObjectVersionId) {
  expect_invalid_answer("duplicate_version_id",
                        "provider duplicate_version_id added object version id 'secret/a' twice; "
                        "ids must be unique");
}

TEST_F(PluginProviderAnswer, EmptyObjectVersionId) {
  expect_invalid_answer("empty_version_id",
                        "provider empty_version_id added an object version with an empty id; ids "
                        "must be non-empty");
}

TEST_F(PluginProviderAnswer, ErrorWithoutMessage) {
  expect_invalid_answer("error_without_message",
                        "provider error_without_message reported error Throttled without a "
                        "message");
}

TEST_F(PluginProviderAnswer, ErrorWithOkCode) {
  expect_invalid_answer("error_with_ok_code",
                        "provider error_with_ok_code called set_error with SSCSI_OK; a failure "
                        "needs an error code");
}

TEST_F(PluginProviderAnswer, ErrorWithUnknownCode) {
  expect_invalid_answer("error_unknown_code",
                        "provider error_unknown_code reported an unknown status code 42");
}

TEST_F(PluginProviderAnswer, PluginErrorIsRedactedFirstWinsAndDiscardsFiles) {
  const MountAnswer answer = mount_with("error_throttled");
  EXPECT_FALSE(answer.ok);
  EXPECT_EQ(answer.error.code, ErrorCode::Throttled);
  EXPECT_EQ(answer.error.message,
            "provider error_throttled: vault asked us to slow down; the request had Authorization: "
            "Bearer [REDACTED]");
  EXPECT_EQ(answer.error.retry_after, std::chrono::milliseconds(1500));
  EXPECT_TRUE(answer.files.empty());
  // After set_error the sink refuses additions with the plugin's own code (4 = THROTTLED).
  EXPECT_EQ(logs_.count("error_throttled|info|add_file after set_error returned 4"), 1u);
}

TEST_F(PluginProviderAnswer, ErrorCodeNamesAreStable) {
  EXPECT_STREQ(error_code_name(ErrorCode::InvalidParameters), "InvalidParameters");
  EXPECT_STREQ(error_code_name(ErrorCode::NotFound), "NotFound");
  EXPECT_STREQ(error_code_name(ErrorCode::Unauthorized), "Unauthorized");
  EXPECT_STREQ(error_code_name(ErrorCode::Throttled), "Throttled");
  EXPECT_STREQ(error_code_name(ErrorCode::Unavailable), "Unavailable");
  EXPECT_STREQ(error_code_name(ErrorCode::Internal), "Internal");
  EXPECT_STREQ(error_code_name(ErrorCode::DeadlineExceeded), "DeadlineExceeded");
  EXPECT_STREQ(error_code_name(ErrorCode::InvalidAnswer), "InvalidAnswer");
}

}  // namespace
}  // namespace sscsi::plugins::testing
