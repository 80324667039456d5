// What the host and operators see besides the files: the mount counter, the share scope, the
// debug line, and the rule that no content or token ever reaches a log line or an error.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "mock_harness.h"

namespace sscsi::mock_test {
namespace {

constexpr const char* kContentMarker = "content-that-must-never-be-logged";

std::map<std::string, std::string> good() {
  return {{"objects", objects_yaml({"objectName: a\ncontent: x", "objectName: b\ncontent: y"})}};
}
std::map<std::string, std::string> bad() { return {{"objects", objects_yaml({"objectName: a"})}}; }
std::map<std::string, std::string> throttled() {
  return {{"objects", objects_yaml({"objectName: a\ncontent: x"})}, {"failWith", "Throttled"}};
}

TEST(MockObservability, CreateDefinesTheMountCounter) {
  FakeHost host;
  const MockInstance mock(host);
  const std::vector<FakeHost::Definition> definitions = host.definitions();
  ASSERT_EQ(definitions.size(), 1u);
  EXPECT_EQ(definitions[0].kind, SSCSI_METRIC_COUNTER);
  EXPECT_EQ(definitions[0].name, "mock_provider_mount_total");
  EXPECT_EQ(definitions[0].labels, std::vector<std::string>{"result"});
  EXPECT_FALSE(definitions[0].help.empty());
  EXPECT_EQ(definitions[0].n_buckets, 0u);
}

TEST(MockObservability, EveryCallCountsOnceWithItsResult) {
  FakeHost host;
  const MockInstance mock(host);
  mock.mount(good());
  mock.mount(bad());
  mock.mount(throttled());
  mock.mount({{"objects", objects_yaml({"objectName: a\ncontentFile: /x"})}});  // refused dir
  mock.mount(good());
  host.cancel_after_polls(0);
  mock.mount(good());

  std::vector<std::string> results;
  for (const FakeHost::Sample& sample : host.samples()) {
    EXPECT_EQ(sample.metric_id, 1u);
    EXPECT_EQ(sample.value, 1.0);
    ASSERT_EQ(sample.labels.size(), 1u);
    results.push_back(sample.labels[0]);
  }
  EXPECT_EQ(results, (std::vector<std::string>{"ok", "InvalidParameters", "Throttled",
                                               "InvalidParameters", "ok", "DeadlineExceeded"}));
  EXPECT_EQ(host.refused_samples(), 0);
}

TEST(MockObservability, NotFoundAndHostRefusalCodesAreLabelledToo) {
  FakeHost host;
  const MockInstance mock(host, R"({"allowedContentDirs": ["/nonexistent-sscsi-dir"]})");
  mock.mount({{"objects", objects_yaml({"objectName: a\ncontentFile: /nonexistent-sscsi-dir/a"})}});
  MountCall call;
  call.parameters = good();
  call.refuse_files_with = SSCSI_DEADLINE_EXCEEDED;  // the host cancelled while files arrived
  mock.mount(call);
  const std::vector<FakeHost::Sample> samples = host.samples();
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].labels[0], "NotFound");
  EXPECT_EQ(samples[1].labels[0], "DeadlineExceeded");
}

TEST(MockObservability, ARefusedFileStopsTheAnswerWithoutOverwritingTheHostsError) {
  FakeHost host;
  const MockInstance mock(host);
  MountCall call;
  call.parameters = good();
  call.refuse_files_with = SSCSI_INVALID_PARAMETERS;
  const MountAnswer answer = mock.mount(call);
  EXPECT_EQ(answer.add_file_calls, 1);
  EXPECT_EQ(answer.set_error_calls, 0);
  EXPECT_TRUE(answer.versions.empty());
  ASSERT_EQ(host.samples().size(), 1u);
  EXPECT_EQ(host.samples()[0].labels[0], "InvalidParameters");
}

TEST(MockObservability, EveryAnswerMayBeSharedWithinANamespaceAndServiceAccount) {
  FakeHost host;
  const MockInstance mock(host);
  for (const auto& parameters : {good(), bad(), throttled()}) {
    EXPECT_EQ(mock.mount(parameters).share_scope, SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT);
  }
  host.cancel_after_polls(0);
  EXPECT_EQ(mock.mount(good()).share_scope, SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT);
}

std::vector<std::string> debug_lines(const FakeHost& host) {
  std::vector<std::string> lines;
  for (const FakeHost::LogLine& line : host.logs()) {
    if (line.level == SSCSI_LOG_DEBUG) lines.push_back(line.message);
  }
  return lines;
}

TEST(MockObservability, OneDebugLinePerMountWithTheObjectCountAndOutcome) {
  FakeHost host;
  const MockInstance mock(host);
  mock.mount(good());
  mock.mount(bad());
  mock.mount(throttled());
  EXPECT_EQ(debug_lines(host),
            (std::vector<std::string>{"mount: 2 objects, outcome ok",
                                      "mount: 0 objects, outcome InvalidParameters",
                                      "mount: 1 object, outcome Throttled"}));
}

TEST(MockObservability, NoDebugLineWhenTheHostDoesNotWantIt) {
  FakeHost host;
  host.set_log_level(SSCSI_LOG_INFO);
  const MockInstance mock(host);
  const std::size_t after_create = host.logs().size();
  mock.mount(good());
  mock.mount(bad());
  EXPECT_EQ(host.logs().size(), after_create);
}

TEST(MockObservability, NoContentOrTokenReachesALogLineOrAnErrorMessage) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sscsi-mock-secret-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "secret") << kContentMarker;

  FakeHost host;  // logs everything, down to TRACE
  const MockInstance mock(host, R"({"allowedContentDirs": [")" + dir.string() + R"("]})");
  const std::string marker(kContentMarker);
  std::vector<MountAnswer> answers;
  answers.push_back(mock.mount(
      {{"objects", objects_yaml({"objectName: a\ncontent: " + marker,
                                 "objectName: f\ncontentFile: " + (dir / "secret").string()})}}));
  answers.push_back(mock.mount({{"objects", objects_yaml({"objectName: a\ncontent: " + marker +
                                                          "\nfilePermission: \"9\""})}}));
  answers.push_back(mock.mount({{"objects", objects_yaml({"objectName: a\ncontent: " + marker})},
                                {"failWith", "Unauthorized"}}));
  answers.push_back(mock.mount(
      {{"objects", "array:\n  - |\n    content: " + marker + "\n    bad: [" + marker + "\n"}}));
  MountCall broken;
  broken.raw_attributes = attributes_json({{"objects", marker}});
  broken.raw_attributes->insert(broken.raw_attributes->size() - 1, " !");
  answers.push_back(mock.mount(broken));
  std::filesystem::remove_all(dir);

  ASSERT_FALSE(answers[0].error) << answers[0].error->message;
  EXPECT_EQ(answers[0].files.at("f").bytes, marker);
  for (std::size_t i = 1; i < answers.size(); ++i) {
    ASSERT_TRUE(answers[i].error) << "answer " << i;
    EXPECT_EQ(answers[i].error->message.find(marker), std::string::npos)
        << answers[i].error->message;
    EXPECT_EQ(answers[i].error->message.find(kTokenMarker), std::string::npos)
        << answers[i].error->message;
  }
  ASSERT_FALSE(host.logs().empty());
  for (const FakeHost::LogLine& line : host.logs()) {
    EXPECT_EQ(line.message.find(marker), std::string::npos) << line.message;
    EXPECT_EQ(line.message.find(kTokenMarker), std::string::npos) << line.message;
  }
}

}  // namespace
}  // namespace sscsi::mock_test
