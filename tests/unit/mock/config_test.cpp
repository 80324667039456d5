// create's configuration: accepted shapes, every refusal with its exact message, and what
// create does with the host (metric definition, warnings).

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "mock_harness.h"

namespace sscsi::mock_test {
namespace {

TEST(MockConfig, EmptyAndAbsentConfigsAreAccepted) {
  FakeHost host;
  for (const char* config : {"{}", static_cast<const char*>(nullptr),
                             R"({"allowedContentDirs": []})", R"({"allowedContentDirs": ["/"]})"}) {
    const CreateResult created = create_instance(host.api(), config);
    ASSERT_EQ(created.status, SSCSI_OK) << (config ? config : "NULL") << ": " << created.error;
    MockPlugin::get().table().destroy(created.instance);
  }
}

struct BadConfig {
  const char* case_name;
  std::string json;
  std::string message;
};

void PrintTo(const BadConfig& bad, std::ostream* out) { *out << bad.case_name; }

class MockBadConfig : public ::testing::TestWithParam<BadConfig> {};

TEST_P(MockBadConfig, IsRefusedByCreateWithAnExactMessage) {
  FakeHost host;
  const CreateResult created = create_instance(host.api(), GetParam().json.c_str());
  EXPECT_EQ(created.status, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(created.error, GetParam().message);
  EXPECT_TRUE(host.definitions().empty()) << "a refused config must not define metrics";
}

INSTANTIATE_TEST_SUITE_P(
    Each, MockBadConfig,
    ::testing::Values(
        BadConfig{"NotJson", "{allowedContentDirs: []}",
                  "mock plugin config: not valid JSON (error at byte 2)"},
        BadConfig{"Truncated", R"({"allowedContentDirs": [)",
                  "mock plugin config: not valid JSON (error at byte 25)"},
        BadConfig{"Empty", "", "mock plugin config: not valid JSON (error at byte 1)"},
        BadConfig{"NumberBeyondADouble", R"({"allowedContentDirs": [], "x": 1e400})",
                  "mock plugin config: not valid JSON (a number is out of range)"},
        BadConfig{"Array", "[]", "mock plugin config: must be a JSON object, not array"},
        BadConfig{"Null", "null", "mock plugin config: must be a JSON object, not null"},
        BadConfig{"String", R"("allowedContentDirs")",
                  "mock plugin config: must be a JSON object, not string"},
        BadConfig{"UnknownKey", R"({"allowedContentDir": ["/etc/sscsi"]})",
                  "mock plugin config: unknown key \"allowedContentDir\" (known keys: "
                  "allowedContentDirs)"},
        BadConfig{"DirsNotAnArray", R"({"allowedContentDirs": "/etc/sscsi"})",
                  "mock plugin config: allowedContentDirs must be an array of absolute "
                  "directory paths"},
        BadConfig{"DirNotAString", R"({"allowedContentDirs": ["/a", 7]})",
                  "mock plugin config: allowedContentDirs[1] must be a string"},
        BadConfig{"DirRelative", R"({"allowedContentDirs": ["/a", "etc/sscsi"]})",
                  "mock plugin config: allowedContentDirs[1] \"etc/sscsi\" is not an absolute "
                  "path"},
        BadConfig{"DirEmpty", R"({"allowedContentDirs": [""]})",
                  "mock plugin config: allowedContentDirs[0] \"\" is not an absolute path"},
        BadConfig{"DirWithNul", R"({"allowedContentDirs": ["/a\u0000b"]})",
                  "mock plugin config: allowedContentDirs[0] contains a NUL byte"}),
    [](const ::testing::TestParamInfo<BadConfig>& param) {
      return std::string(param.param.case_name);
    });

TEST(MockConfig, TheErrorIsTruncatedToTheHostsBuffer) {
  FakeHost host;
  const CreateResult created = create_instance(host.api(), "[]", 12);
  EXPECT_EQ(created.status, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(created.error, "mock plugin");

  const CreateResult no_buffer = create_instance(host.api(), "[]", 0);
  EXPECT_EQ(no_buffer.status, SSCSI_INVALID_PARAMETERS);
}

TEST(MockConfig, AMissingAllowedDirectoryIsAWarningNotARefusal) {
  FakeHost host;
  const CreateResult created =
      create_instance(host.api(), R"({"allowedContentDirs": ["/nonexistent-sscsi-dir/"]})");
  ASSERT_EQ(created.status, SSCSI_OK) << created.error;
  MockPlugin::get().table().destroy(created.instance);
  bool warned = false;
  for (const FakeHost::LogLine& line : host.logs()) {
    warned = warned || (line.level == SSCSI_LOG_WARN &&
                        line.message ==
                            "allowedContentDirs entry \"/nonexistent-sscsi-dir\" is not an "
                            "existing directory; contentFile objects under it fail with NotFound "
                            "until it is");
  }
  EXPECT_TRUE(warned);
}

TEST(MockConfig, CreateFailsWhenTheHostRefusesTheMetric) {
  FakeHost host;
  host.refuse_metric_definitions(SSCSI_INVALID_PARAMETERS);
  const CreateResult created = create_instance(host.api(), "{}");
  EXPECT_EQ(created.status, SSCSI_INTERNAL);
  EXPECT_EQ(created.error,
            "the host refused to define metric mock_provider_mount_total (InvalidParameters)");
}

TEST(MockConfig, EachInstanceKeepsItsOwnConfig) {
  FakeHost host;
  const MockInstance closed(host, "{}");
  const MockInstance open(host, R"({"allowedContentDirs": ["/nonexistent-sscsi-dir"]})");
  const std::map<std::string, std::string> parameters = {
      {"objects", objects_yaml({"objectName: db\ncontentFile: /nonexistent-sscsi-dir/db"})}};
  EXPECT_EQ(closed.mount(parameters).error->code, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(open.mount(parameters).error->code, SSCSI_NOT_FOUND);
}

}  // namespace
}  // namespace sscsi::mock_test
