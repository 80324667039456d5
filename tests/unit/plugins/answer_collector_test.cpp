// The sink's rules, called directly (the plugin-driven cases are in provider_answer_test.cpp):
// NULL arguments, first failure wins, closing discards, host failures.

#include "plugins/answer_collector.h"

#include <gtest/gtest.h>

#include <cstring>
#include <type_traits>

namespace sscsi::plugins {
namespace {

const std::uint8_t kBytes[] = {'x', 'y'};

class PluginAnswerCollector : public ::testing::Test {
 protected:
  AnswerCollector collector_{"demo"};
};

TEST_F(PluginAnswerCollector, ValidAnswer) {
  EXPECT_EQ(collector_.add_file("b", 0644, kBytes, 2), SSCSI_OK);
  EXPECT_EQ(collector_.add_file("a/c", 0, nullptr, 0), SSCSI_OK);
  EXPECT_EQ(collector_.add_object_version("id", ""), SSCSI_OK);
  collector_.set_share_scope(SSCSI_SHARE_NODE);
  const MountAnswer answer = collector_.result();
  ASSERT_TRUE(answer.ok);
  ASSERT_EQ(answer.files.size(), 2u);
  EXPECT_EQ(answer.files[0].path, "a/c");
  EXPECT_EQ(answer.files[1].path, "b");
  EXPECT_EQ(answer.files[1].data, (mount::SecretBytes{'x', 'y'}));
  EXPECT_EQ(answer.versions, (std::vector<ObjectVersion>{{"id", ""}}));
  EXPECT_EQ(answer.share_scope, ShareScope::Node);
}

TEST_F(PluginAnswerCollector, BytesAreCopiedDuringTheCall) {
  std::uint8_t buffer[] = {'s', 'e', 'c'};
  ASSERT_EQ(collector_.add_file("f", 0600, buffer, sizeof buffer), SSCSI_OK);
  std::memset(buffer, 0, sizeof buffer);  // the plugin may wipe its buffer right away
  ASSERT_EQ(collector_.add_object_version("id", "1"), SSCSI_OK);
  EXPECT_EQ(collector_.result().files.at(0).data, (mount::SecretBytes{'s', 'e', 'c'}));
}

TEST_F(PluginAnswerCollector, NullPath) {
  EXPECT_EQ(collector_.add_file(nullptr, 0644, kBytes, 2), SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(collector_.result().error.message, "provider demo added a file with a NULL path");
}

TEST_F(PluginAnswerCollector, NullBytesWithALength) {
  EXPECT_EQ(collector_.add_file("f", 0644, nullptr, 5), SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(collector_.result().error.message,
            "provider demo added file 'f' with 5 bytes of contents at a NULL pointer");
}

TEST_F(PluginAnswerCollector, NullIdAndNullVersion) {
  AnswerCollector null_id("demo");
  EXPECT_EQ(null_id.add_object_version(nullptr, "1"), SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(null_id.result().error.message,
            "provider demo added an object version with an empty id; ids must be non-empty");
  EXPECT_EQ(collector_.add_object_version("id", nullptr), SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(collector_.result().error.message,
            "provider demo added object version 'id' with a NULL version (use \"\" for none)");
}

// Ids and versions are stored in the pod status and the mount record, both JSON: bytes that are
// not UTF-8 could not be stored there faithfully, so the answer is refused at once.
TEST_F(PluginAnswerCollector, IdsAndVersionsMustBeUtf8) {
  AnswerCollector bad_id("demo");
  EXPECT_EQ(bad_id.add_object_version("secret/\xff", "1"), SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(bad_id.result().error.message,
            "provider demo added object version id 'secret/\xef\xbf\xbd' that is not valid UTF-8");
  EXPECT_EQ(collector_.add_object_version("id", "v\xc3"), SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(collector_.result().error.message,
            "provider demo added object version 'id' with a version that is not valid UTF-8");
  AnswerCollector good("demo");
  EXPECT_EQ(good.add_object_version("secret/caf\xc3\xa9", "\xe2\x82\xac" "1"), SSCSI_OK);
}

TEST_F(PluginAnswerCollector, ControlBytesInAnOffendingPathAreEscaped) {
  EXPECT_EQ(collector_.add_file("a\n/../b", 0644, kBytes, 2), SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(collector_.result().error.message,
            "provider demo added a file with an invalid path 'a\\n/../b': path contains a '..' "
            "element");
}

TEST_F(PluginAnswerCollector, FirstViolationWinsOverALaterError) {
  EXPECT_EQ(collector_.add_file("/abs", 0644, kBytes, 2), SSCSI_INVALID_PARAMETERS);
  collector_.set_error(SSCSI_NOT_FOUND, "later", 0);
  EXPECT_EQ(collector_.add_file("ok", 0644, kBytes, 2), SSCSI_INVALID_PARAMETERS);
  const MountAnswer answer = collector_.result();
  EXPECT_EQ(answer.error.code, ErrorCode::InvalidAnswer);
  EXPECT_EQ(answer.error.message,
            "provider demo added a file with an invalid path '/abs': path is absolute");
}

TEST_F(PluginAnswerCollector, FirstErrorWinsAndLaterAdditionsAreRefusedWithItsCode) {
  EXPECT_EQ(collector_.add_file("a", 0644, kBytes, 2), SSCSI_OK);
  collector_.set_error(SSCSI_UNAUTHORIZED, "no access to vault x", 0);
  collector_.set_error(SSCSI_NOT_FOUND, "second", 0);
  EXPECT_EQ(collector_.add_file("b", 0644, kBytes, 2), SSCSI_UNAUTHORIZED);
  EXPECT_EQ(collector_.add_object_version("id", "1"), SSCSI_UNAUTHORIZED);
  const MountAnswer answer = collector_.result();
  EXPECT_FALSE(answer.ok);
  EXPECT_EQ(answer.error.code, ErrorCode::Unauthorized);
  EXPECT_EQ(answer.error.message, "provider demo: no access to vault x");
  EXPECT_TRUE(answer.files.empty());
}

TEST_F(PluginAnswerCollector, EveryStatusMapsToItsErrorCode) {
  const std::pair<sscsi_status, ErrorCode> cases[] = {
      {SSCSI_INVALID_PARAMETERS, ErrorCode::InvalidParameters},
      {SSCSI_NOT_FOUND, ErrorCode::NotFound},
      {SSCSI_UNAUTHORIZED, ErrorCode::Unauthorized},
      {SSCSI_THROTTLED, ErrorCode::Throttled},
      {SSCSI_UNAVAILABLE, ErrorCode::Unavailable},
      {SSCSI_INTERNAL, ErrorCode::Internal},
      {SSCSI_DEADLINE_EXCEEDED, ErrorCode::DeadlineExceeded}};
  for (const auto& [status, code] : cases) {
    AnswerCollector collector("demo");
    collector.set_error(status, "m", 7);
    const MountAnswer answer = collector.result();
    EXPECT_EQ(answer.error.code, code);
    EXPECT_EQ(answer.error.retry_after, std::chrono::milliseconds(7));
  }
}

TEST_F(PluginAnswerCollector, NullErrorMessageIsAViolation) {
  collector_.set_error(SSCSI_UNAVAILABLE, nullptr, 0);
  EXPECT_EQ(collector_.result().error.message,
            "provider demo reported error Unavailable without a message");
}

TEST_F(PluginAnswerCollector, ClosingDiscardsEverythingThatFollows) {
  EXPECT_EQ(collector_.add_file("a", 0644, kBytes, 2), SSCSI_OK);
  EXPECT_EQ(collector_.add_object_version("id", "1"), SSCSI_OK);
  collector_.close();
  EXPECT_EQ(collector_.add_file("late", 0644, kBytes, 2), SSCSI_DEADLINE_EXCEEDED);
  EXPECT_EQ(collector_.add_object_version("late", "1"), SSCSI_DEADLINE_EXCEEDED);
  collector_.set_error(SSCSI_INTERNAL, "late", 0);
  collector_.set_share_scope(SSCSI_SHARE_NODE);
  const MountAnswer answer = collector_.result();
  ASSERT_TRUE(answer.ok);
  EXPECT_EQ(answer.files.size(), 1u);
  EXPECT_EQ(answer.share_scope, ShareScope::Never);
}

TEST_F(PluginAnswerCollector, NothingIsAcceptedFromTheDeadlineOn) {
  AnswerCollector expired("demo", std::chrono::system_clock::now());
  EXPECT_EQ(expired.add_file("a", 0644, kBytes, 2), SSCSI_DEADLINE_EXCEEDED);
  EXPECT_EQ(expired.add_object_version("id", "1"), SSCSI_DEADLINE_EXCEEDED);
  expired.set_error(SSCSI_INTERNAL, "late", 0);
  const MountAnswer answer = expired.result();
  EXPECT_EQ(answer.error.code, ErrorCode::InvalidAnswer);  // nothing arrived in time
}

TEST_F(PluginAnswerCollector, HostFailureBecomesInternal) {
  EXPECT_EQ(collector_.add_object_version("id", "1"), SSCSI_OK);
  collector_.mark_host_failure();
  EXPECT_EQ(collector_.add_file("a", 0644, kBytes, 2), SSCSI_INTERNAL);
  const MountAnswer answer = collector_.result();
  EXPECT_EQ(answer.error.code, ErrorCode::Internal);
  EXPECT_EQ(answer.error.message,
            "the host failed while copying the answer of provider demo (out of memory)");
}

// A plugin written in C may pass any int where the ABI names an enum, and turning an int that is
// no enumerator into the C++ enum type is undefined behaviour (UBSan: "load of value 99, which
// is not a valid value for type 'sscsi_status'"). So the collector takes the plain int.
TEST(PluginAnswerCollectorAbiValues, StatusAndShareScopeAreTakenAsInts) {
  EXPECT_TRUE((std::is_invocable_v<decltype(&AnswerCollector::set_error), AnswerCollector&, int,
                                   const char*, std::uint32_t>));
  EXPECT_TRUE(
      (std::is_invocable_v<decltype(&AnswerCollector::set_share_scope), AnswerCollector&, int>));
}

TEST_F(PluginAnswerCollector, UnknownStatusCodeIsAnInvalidAnswer) {
  for (const int status : {99, 8, -1}) {
    AnswerCollector collector("demo");
    collector.set_error(status, "x", 1000);
    const MountAnswer answer = collector.result();
    EXPECT_EQ(answer.error.code, ErrorCode::InvalidAnswer);
    EXPECT_EQ(answer.error.message,
              "provider demo reported an unknown status code " + std::to_string(status));
  }
}

TEST_F(PluginAnswerCollector, UnknownShareScopeCountsAsNeverAndIsReported) {
  EXPECT_EQ(collector_.add_object_version("id", "1"), SSCSI_OK);
  EXPECT_EQ(collector_.unknown_share_scope(), std::nullopt);
  collector_.set_share_scope(SSCSI_SHARE_NODE);
  collector_.set_share_scope(9);
  EXPECT_EQ(collector_.unknown_share_scope(), 9);
  EXPECT_EQ(collector_.result().share_scope, ShareScope::Never);

  collector_.set_share_scope(SSCSI_SHARE_SAME_SECRETS);  // the last call wins
  EXPECT_EQ(collector_.unknown_share_scope(), std::nullopt);
  EXPECT_EQ(collector_.result().share_scope, ShareScope::SameSecrets);
}

TEST_F(PluginAnswerCollector, ContractFailureFromOutsideTheSink) {
  EXPECT_EQ(collector_.add_object_version("id", "1"), SSCSI_OK);
  collector_.fail_contract("provider demo let an exception escape mount");
  const MountAnswer answer = collector_.result();
  EXPECT_EQ(answer.error.code, ErrorCode::InvalidAnswer);
  EXPECT_EQ(answer.error.message, "provider demo let an exception escape mount");
}

}  // namespace
}  // namespace sscsi::plugins
