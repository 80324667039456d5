// The `objects` parameter: every field, its default, versions, and every malformed shape with
// the exact message a SecretProviderClass author sees.

#include <gtest/gtest.h>

#include <cstddef>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "mock_harness.h"

namespace sscsi::mock_test {
namespace {

class MockObjects : public ::testing::Test {
 protected:
  MountAnswer mount_objects(const std::vector<std::string>& objects, std::uint32_t mode = 0644) {
    MountCall call;
    call.parameters = {{"objects", objects_yaml(objects)}};
    call.default_file_mode = mode;
    return mock_.mount(call);
  }

  FakeHost host_;
  MockInstance mock_{host_};
};

TEST_F(MockObjects, InlineContentWithEveryDefault) {
  const MountAnswer answer = mount_objects({"objectName: db-password\ncontent: s3cret"});
  ASSERT_FALSE(answer.error) << answer.error->message;
  ASSERT_EQ(answer.files.size(), 1u);
  const MountAnswer::File& file = answer.files.at("db-password");
  EXPECT_EQ(file.bytes, "s3cret");
  EXPECT_EQ(file.mode, 0644u);
  EXPECT_EQ(answer.versions,
            (std::map<std::string, std::string>{{"mock/db-password", fnv1a64_version("s3cret")}}));
}

TEST_F(MockObjects, DefaultModeIsTheRequestsDefault) {
  const MountAnswer answer = mount_objects({"objectName: a\ncontent: x"}, 0600);
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.files.at("a").mode, 0600u);
}

TEST_F(MockObjects, HashVersionIsFnv1a64OfTheContent) {
  // Published FNV-1a 64 test vectors, so the format is pinned independently of the helper.
  const MountAnswer answer =
      mount_objects({"objectName: a\ncontent: a", "objectName: b\ncontent: foobar",
                     "objectName: c\ncontent: \"\""});
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.versions.at("mock/a"), "fnv1a64:af63dc4c8601ec8c");
  EXPECT_EQ(answer.versions.at("mock/b"), "fnv1a64:85944171f73967e8");
  EXPECT_EQ(answer.versions.at("mock/c"), "fnv1a64:cbf29ce484222325");
  EXPECT_EQ(answer.files.at("c").bytes, "");
}

TEST_F(MockObjects, HashVersionChangesWhenContentChanges) {
  const MountAnswer first = mount_objects({"objectName: a\ncontent: one"});
  const MountAnswer second = mount_objects({"objectName: a\ncontent: two"});
  const MountAnswer again = mount_objects({"objectName: a\ncontent: one"});
  ASSERT_FALSE(first.error || second.error || again.error);
  EXPECT_NE(first.versions.at("mock/a"), second.versions.at("mock/a"));
  EXPECT_EQ(first.versions.at("mock/a"), again.versions.at("mock/a"));
}

TEST_F(MockObjects, ObjectVersionIsReportedInsteadOfTheHash) {
  const MountAnswer first = mount_objects({"objectName: a\nobjectVersion: \"7\"\ncontent: one"});
  const MountAnswer second = mount_objects({"objectName: a\nobjectVersion: \"7\"\ncontent: two"});
  ASSERT_FALSE(first.error || second.error);
  EXPECT_EQ(first.versions.at("mock/a"), "7");
  EXPECT_EQ(second.versions.at("mock/a"), "7");
  EXPECT_EQ(second.files.at("a").bytes, "two");
}

TEST_F(MockObjects, AliasIsTheOutputPathAndTheVersionId) {
  const MountAnswer answer =
      mount_objects({"objectName: db-password\nobjectAlias: db/password.txt\ncontent: s3cret"});
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.files.count("db/password.txt"), 1u);
  EXPECT_EQ(answer.files.count("db-password"), 0u);
  EXPECT_EQ(answer.versions.count("mock/db/password.txt"), 1u);
}

TEST_F(MockObjects, FilePermissionIsOctal) {
  const MountAnswer answer = mount_objects({
      "objectName: quoted\nfilePermission: \"0640\"\ncontent: x",
      "objectName: short\nfilePermission: \"600\"\ncontent: x",
      "objectName: unquoted\nfilePermission: 0755\ncontent: x",
      "objectName: zero\nfilePermission: \"0\"\ncontent: x",
      "objectName: max\nfilePermission: \"0777\"\ncontent: x",
      "objectName: default\ncontent: x",
  });
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.files.at("quoted").mode, 0640u);
  EXPECT_EQ(answer.files.at("short").mode, 0600u);
  EXPECT_EQ(answer.files.at("unquoted").mode, 0755u);
  EXPECT_EQ(answer.files.at("zero").mode, 0u);
  EXPECT_EQ(answer.files.at("max").mode, 0777u);
  EXPECT_EQ(answer.files.at("default").mode, 0644u);
}

TEST_F(MockObjects, ContentKeepsItsBytesWhileOtherFieldsAreTrimmed) {
  const MountAnswer answer = mount_objects({
      "objectName: \"  spaced  \"\nobjectVersion: \" v1 \"\ncontent: |\n  line one\n    "
      "indented\n  last",
      "objectName: stripped\ncontent: |-\n  no trailing newline",
      "objectName: padded\ncontent: \"  both sides  \"",
  });
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.files.at("spaced").bytes, "line one\n  indented\nlast\n");
  EXPECT_EQ(answer.versions.at("mock/spaced"), "v1");
  EXPECT_EQ(answer.files.at("stripped").bytes, "no trailing newline");
  EXPECT_EQ(answer.files.at("padded").bytes, "  both sides  ");
}

TEST_F(MockObjects, ManyObjectsEachGetAFileAndAVersion) {
  std::vector<std::string> objects;
  for (int i = 0; i < 50; ++i) {
    objects.push_back("objectName: secret-" + std::to_string(i) + "\ncontent: value-" +
                      std::to_string(i));
  }
  const MountAnswer answer = mount_objects(objects);
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.files.size(), 50u);
  EXPECT_EQ(answer.versions.size(), 50u);
  EXPECT_EQ(answer.files.at("secret-42").bytes, "value-42");
  EXPECT_FALSE(answer.duplicate);
}

TEST_F(MockObjects, ParentDirectoriesAndSiblingsMayShareAPrefix) {
  const MountAnswer answer = mount_objects({
      "objectName: a\nobjectAlias: dir/a\ncontent: x",
      "objectName: b\nobjectAlias: dir/b\ncontent: x",
      "objectName: c\nobjectAlias: dirx\ncontent: x",
  });
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.files.size(), 3u);
}

// ---- every malformed parameter, with its exact message -------------------------------------

struct BadParameters {
  const char* case_name;
  std::map<std::string, std::string> parameters;
  std::string message;
};

std::map<std::string, std::string> with_objects(const std::vector<std::string>& objects) {
  return {{"objects", objects_yaml(objects)}};
}

const char* const kOk = "objectName: ok\ncontent: x";

std::vector<BadParameters> bad_parameters() {
  return {
      {"ObjectsMissing", {}, "parameter objects is not set; it lists the objects the volume holds"},
      {"ObjectsEmpty",
       {{"objects", ""}},
       "parameter objects is not set; it lists the objects the volume holds"},
      {"ObjectsTopLevelList",
       {{"objects", "- objectName: a\n"}},
       "objects: must be a YAML mapping with one key, array, whose value is a list of objects"},
      {"ObjectsArrayNotAList",
       {{"objects", "array: text\n"}},
       "objects: must be a YAML mapping with one key, array, whose value is a list of objects"},
      {"ObjectsUnknownOuterKey",
       {{"objects", "arrray:\n  - |\n    objectName: a\n    content: x\n"}},
       "objects: unknown key \"arrray\"; the parameter must be a YAML mapping with one key, "
       "array, whose value is a list of objects"},
      {"ObjectsNoItems",
       {{"objects", "array: []\n"}},
       "objects: array lists no objects; a mount needs at least one"},
      {"ObjectsArrayNull",
       {{"objects", "array:\n"}},
       "objects: array lists no objects; a mount needs at least one"},
      {"ItemIsAMappingNotAString",
       {{"objects", "array:\n  - objectName: a\n    content: x\n"}},
       "objects[0]: must be a string holding a YAML mapping (write each list item as a block: "
       "\"- |\")"},
      {"ItemIsNotAMapping", with_objects({kOk, "just a string"}),
       "objects[1]: must be a YAML mapping of object fields (objectName, objectAlias, "
       "objectVersion, filePermission, content, contentFile)"},
      {"ObjectNameMissing", with_objects({"content: x"}),
       "objects[0]: objectName is missing or empty"},
      {"ObjectNameBlank", with_objects({"objectName: \"  \"\ncontent: x"}),
       "objects[0]: objectName is missing or empty"},
      {"UnknownKey", with_objects({kOk, "objectName: db\nobjectAlais: db.txt\ncontent: x"}),
       "objects[1] (objectName \"db\"): unknown key \"objectAlais\" (known keys: objectName, "
       "objectAlias, objectVersion, filePermission, content, contentFile)"},
      {"UpstreamKeyIsUnknownHere", with_objects({"objectName: db\nobjectType: secret\ncontent: x"}),
       "objects[0] (objectName \"db\"): unknown key \"objectType\" (known keys: objectName, "
       "objectAlias, objectVersion, filePermission, content, contentFile)"},
      {"KeyGivenTwice", with_objects({"objectName: db\ncontent: x\ncontent: y"}),
       "objects[0] (objectName \"db\"): content is given twice"},
      {"ValueMissing", with_objects({"objectName: db\ncontent:"}),
       "objects[0] (objectName \"db\"): content has no value (write \"\" for an empty string)"},
      {"ValueIsAList", with_objects({"objectName: db\ncontent: [a, b]"}),
       "objects[0] (objectName \"db\"): content must be a string, not a list"},
      {"ValueIsAMapping", with_objects({"objectName: db\ncontent:\n  nested: x"}),
       "objects[0] (objectName \"db\"): content must be a string, not a mapping"},
      {"NeitherContentNorFile", with_objects({"objectName: db"}),
       "objects[0] (objectName \"db\"): has neither content nor contentFile; give exactly one"},
      {"BothContentAndFile", with_objects({"objectName: db\ncontent: x\ncontentFile: /etc/x"}),
       "objects[0] (objectName \"db\"): has both content and contentFile; give exactly one"},
      {"ContentFileRelative", with_objects({"objectName: db\ncontentFile: secrets/db"}),
       "objects[0] (objectName \"db\"): contentFile \"secrets/db\" is not an absolute path"},
      {"ContentFileEmpty", with_objects({"objectName: db\ncontentFile: \" \""}),
       "objects[0] (objectName \"db\"): contentFile is empty"},
      {"FilePermissionNotOctal",
       with_objects({kOk, "objectName: db\nfilePermission: \"99x\"\ncontent: x"}),
       "objects[1] (objectName \"db\"): filePermission \"99x\" is not an octal mode"},
      {"FilePermissionHasAnEight",
       with_objects({"objectName: db\nfilePermission: \"0800\"\ncontent: x"}),
       "objects[0] (objectName \"db\"): filePermission \"0800\" is not an octal mode"},
      {"FilePermissionEmpty", with_objects({"objectName: db\nfilePermission: \"\"\ncontent: x"}),
       "objects[0] (objectName \"db\"): filePermission \"\" is not an octal mode"},
      {"FilePermissionTooLarge",
       with_objects({"objectName: db\nfilePermission: \"1777\"\ncontent: x"}),
       "objects[0] (objectName \"db\"): filePermission \"1777\" is above 0777 (only permission "
       "bits are allowed)"},
      {"FilePermissionHuge",
       with_objects({"objectName: db\nfilePermission: \"77777777777777777777777\"\ncontent: x"}),
       "objects[0] (objectName \"db\"): filePermission \"77777777777777777777777\" is above 0777 "
       "(only permission bits are allowed)"},
      {"AliasEscapes", with_objects({"objectName: db\nobjectAlias: ../etc/passwd\ncontent: x"}),
       "objects[0] (objectName \"db\"): output path \"../etc/passwd\" (from objectAlias) contains "
       "a '..' element"},
      {"AliasAbsolute", with_objects({"objectName: db\nobjectAlias: /etc/passwd\ncontent: x"}),
       "objects[0] (objectName \"db\"): output path \"/etc/passwd\" (from objectAlias) is "
       "absolute; it must be relative to the volume"},
      {"AliasNotClean", with_objects({"objectName: db\nobjectAlias: a//b\ncontent: x"}),
       "objects[0] (objectName \"db\"): output path \"a//b\" (from objectAlias) contains an empty "
       "element ('//')"},
      {"AliasDotElement", with_objects({"objectName: db\nobjectAlias: a/./b\ncontent: x"}),
       "objects[0] (objectName \"db\"): output path \"a/./b\" (from objectAlias) contains a '.' "
       "element"},
      {"AliasTrailingSlash", with_objects({"objectName: db\nobjectAlias: dir/\ncontent: x"}),
       "objects[0] (objectName \"db\"): output path \"dir/\" (from objectAlias) ends with '/'"},
      {"AliasReservedByTheWriter",
       with_objects({"objectName: db\nobjectAlias: ..data\ncontent: x"}),
       "objects[0] (objectName \"db\"): output path \"..data\" (from objectAlias) starts with "
       "'..', which the volume reserves for its own bookkeeping"},
      {"AliasElementTooLong",
       with_objects({"objectName: db\nobjectAlias: " + std::string(256, 'x') + "\ncontent: x"}),
       "objects[0] (objectName \"db\"): output path \"" + std::string(128, 'x') +
           "\"... (from objectAlias) has an element of 256 bytes, more than the limit of 255"},
      {"NameIsNotAPath", with_objects({"objectName: a/../b\ncontent: x"}),
       "objects[0] (objectName \"a/../b\"): output path \"a/../b\" (from objectName) contains a "
       "'..' element"},
      {"SameOutputPath",
       with_objects({"objectName: a\nobjectAlias: same\ncontent: x",
                     "objectName: b\nobjectAlias: same\ncontent: y"}),
       "objects[1] (objectName \"b\"): output path \"same\" is already used by objects[0] "
       "(objectName \"a\")"},
      {"AliasCollidesWithName",
       with_objects({"objectName: tls.crt\ncontent: x",
                     "objectName: other\nobjectAlias: tls.crt\ncontent: y"}),
       "objects[1] (objectName \"other\"): output path \"tls.crt\" is already used by objects[0] "
       "(objectName \"tls.crt\")"},
      {"FileWhereADirectoryIsNeeded",
       with_objects({"objectName: a\nobjectAlias: dir\ncontent: x",
                     "objectName: b\nobjectAlias: dir/b\ncontent: y"}),
       "objects[1] (objectName \"b\"): output path \"dir/b\" conflicts with \"dir\" of objects[0] "
       "(objectName \"a\") (one would be a file and a directory)"},
      {"DirectoryWhereAFileIsNeeded",
       with_objects({"objectName: b\nobjectAlias: dir/sub/b\ncontent: y",
                     "objectName: a\nobjectAlias: dir/sub\ncontent: x"}),
       "objects[1] (objectName \"a\"): output path \"dir/sub\" conflicts with \"dir/sub/b\" of "
       "objects[0] (objectName \"b\") (one would be a file and a directory)"},
      {"ObjectNameWithControlCharacters",
       with_objects({"objectName: \"a\\tb\"\nfilePermission: \"9\"\ncontent: x"}),
       "objects[0] (objectName \"a\\x09b\"): filePermission \"9\" is not an octal mode"},
      {"FailWithUnknown",
       {{"objects", objects_yaml({kOk})}, {"failWith", "Timeout"}},
       "failWith \"Timeout\" is not one of InvalidParameters, NotFound, Unauthorized, Throttled, "
       "Unavailable, Internal"},
      {"FailWithIsCaseSensitive",
       {{"objects", objects_yaml({kOk})}, {"failWith", "notfound"}},
       "failWith \"notfound\" is not one of InvalidParameters, NotFound, Unauthorized, "
       "Throttled, Unavailable, Internal"},
      {"FailWithDeadlineExceededIsTheHostsToDecide",
       {{"objects", objects_yaml({kOk})}, {"failWith", "DeadlineExceeded"}},
       "failWith \"DeadlineExceeded\" is not one of InvalidParameters, NotFound, Unauthorized, "
       "Throttled, Unavailable, Internal"},
      {"FailMessageWithoutFailWith",
       {{"objects", objects_yaml({kOk})}, {"failMessage", "boom"}},
       "failMessage is set but failWith is not; it only shapes an injected failure"},
      {"FailFirstWithoutFailWith",
       {{"objects", objects_yaml({kOk})}, {"failFirst", "2"}},
       "failFirst is set but failWith is not; it only shapes an injected failure"},
      {"RetryAfterWithoutFailWith",
       {{"objects", objects_yaml({kOk})}, {"retryAfter", "2s"}},
       "retryAfter is set but failWith is not; it only shapes an injected failure"},
      {"FailFirstNegative",
       {{"objects", objects_yaml({kOk})}, {"failWith", "NotFound"}, {"failFirst", "-1"}},
       "failFirst \"-1\" is not a non-negative whole number"},
      {"FailFirstNotANumber",
       {{"objects", objects_yaml({kOk})}, {"failWith", "NotFound"}, {"failFirst", "two"}},
       "failFirst \"two\" is not a non-negative whole number"},
      {"FailFirstTooLarge",
       {{"objects", objects_yaml({kOk})},
        {"failWith", "NotFound"},
        {"failFirst", "18446744073709551616"}},
       "failFirst \"18446744073709551616\" is too large"},
      {"RetryAfterMalformed",
       {{"objects", objects_yaml({kOk})}, {"failWith", "Throttled"}, {"retryAfter", "5"}},
       "retryAfter \"5\" is not a duration (examples: \"250ms\", \"2s\", \"1m30s\")"},
      {"RetryAfterNegative",
       {{"objects", objects_yaml({kOk})}, {"failWith", "Throttled"}, {"retryAfter", "-1s"}},
       "retryAfter \"-1s\" is negative"},
      {"RetryAfterTooLong",
       {{"objects", objects_yaml({kOk})}, {"failWith", "Throttled"}, {"retryAfter", "1200h"}},
       "retryAfter \"1200h\" is longer than the limit of 1193h2m47.295s"},
      {"LatencyMalformed",
       {{"objects", objects_yaml({kOk})}, {"latency", "2x"}},
       "latency \"2x\" is not a duration (examples: \"250ms\", \"2s\", \"1m30s\")"},
      {"LatencyUnitMissing",
       {{"objects", objects_yaml({kOk})}, {"latency", "1m30"}},
       "latency \"1m30\" is not a duration (examples: \"250ms\", \"2s\", \"1m30s\")"},
      {"LatencyWithSpaces",
       {{"objects", objects_yaml({kOk})}, {"latency", " 2s"}},
       "latency \" 2s\" is not a duration (examples: \"250ms\", \"2s\", \"1m30s\")"},
      {"LatencyOverflow",
       {{"objects", objects_yaml({kOk})}, {"latency", "9223372036854775808ns"}},
       "latency \"9223372036854775808ns\" is not a duration (examples: \"250ms\", \"2s\", "
       "\"1m30s\")"},
      {"LatencyNegative",
       {{"objects", objects_yaml({kOk})}, {"latency", "-250ms"}},
       "latency \"-250ms\" is negative"},
  };
}

// Names the case instead of dumping its bytes in test listings.
void PrintTo(const BadParameters& bad, std::ostream* out) { *out << bad.case_name; }

class MockBadParameters : public ::testing::TestWithParam<BadParameters> {};

TEST_P(MockBadParameters, AreInvalidParametersWithAnExactMessage) {
  FakeHost host;
  const MockInstance mock(host);
  const MountAnswer answer = mock.mount(GetParam().parameters);
  ASSERT_TRUE(answer.error) << "the mount succeeded";
  EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(answer.error->message, GetParam().message);
  EXPECT_EQ(answer.error->retry_after_ms, 0u);
  EXPECT_EQ(answer.add_file_calls, 0);
  EXPECT_TRUE(answer.versions.empty());
}

INSTANTIATE_TEST_SUITE_P(Each, MockBadParameters, ::testing::ValuesIn(bad_parameters()),
                         [](const ::testing::TestParamInfo<BadParameters>& param) {
                           return std::string(param.param.case_name);
                         });

// ---- malformed YAML and attributes: the position is reported, never the text ---------------

MountAnswer mount_raw(const MockInstance& mock, const std::string& attributes) {
  MountCall call;
  call.raw_attributes = attributes;
  return mock.mount(call);
}

TEST_F(MockObjects, OuterYamlSyntaxErrorNamesThePosition) {
  const MountAnswer answer = mock_.mount({{"objects", "array:\n  - |\n    x\n bad: [unclosed\n"}});
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
  EXPECT_TRUE(answer.error->message.starts_with("objects: not valid YAML: line "))
      << answer.error->message;
  EXPECT_EQ(answer.error->message.find("unclosed"), std::string::npos) << answer.error->message;
}

TEST_F(MockObjects, InnerYamlSyntaxErrorNamesTheObject) {
  const MountAnswer answer = mount_objects({kOk, "objectName: [unclosed\ncontent: x"});
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
  EXPECT_TRUE(answer.error->message.starts_with("objects[1]: not valid YAML: line "))
      << answer.error->message;
}

TEST_F(MockObjects, DeeplyNestedYamlIsAnErrorNotACrash) {
  const std::string nested = std::string(100000, '[') + std::string(100000, ']');
  const MountAnswer answer = mock_.mount({{"objects", "array:\n  - " + nested + "\n"}});
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
  EXPECT_TRUE(answer.error->message.starts_with("objects: not valid YAML: line 3, column 1"))
      << answer.error->message;
  EXPECT_TRUE(answer.error->message.ends_with(": nested too deeply")) << answer.error->message;
}

TEST_F(MockObjects, AttributesThatAreNotJsonAreReportedByOffsetOnly) {
  const std::string broken = std::string("{\"token\": \"") + kTokenMarker + "\" oops}";
  const MountAnswer answer = mount_raw(mock_, broken);
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(answer.error->message,
            "the mount request's attributes are not valid JSON (error at byte " +
                std::to_string(broken.find("oops") + 1) + ")");
}

// nlohmann reports a number beyond a double (1e400) as out_of_range, not as a parse_error.
TEST_F(MockObjects, AttributesWithANumberBeyondADoubleAreNotValidJson) {
  for (const char* number : {"1e400", "-1e400"}) {
    const MountAnswer answer =
        mount_raw(mock_, std::string(R"({"objects": "array: []", "x": )") + number + "}");
    ASSERT_TRUE(answer.error) << number;
    EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
    EXPECT_EQ(answer.error->message,
              "the mount request's attributes are not valid JSON (a number is out of range)");
  }
}

TEST_F(MockObjects, AttributesMustBeAnObjectOfStrings) {
  MountAnswer answer = mount_raw(mock_, "[\"objects\"]");
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->message, "the mount request's attributes are not a JSON object");

  answer = mount_raw(
      mock_,
      R"({"objects": "array:\n  - |\n    objectName: a\n    content: x\n", "latency": 250})");
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(answer.error->message,
            "parameter latency must be a string, as every SecretProviderClass parameter is");

  MountCall call;
  call.null_attributes = true;
  answer = mock_.mount(call);
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(answer.error->message, "the mount request carries no attributes JSON");
}

TEST_F(MockObjects, UnrelatedAttributesAreIgnored) {
  // Only the parameters the plugin reads must be strings; pod information may be anything.
  const std::string attributes =
      R"({"objects": "array:\n  - |\n    objectName: a\n    content: x\n",)"
      R"( "csi.storage.k8s.io/ephemeral": true, "unrelated": 5, "nested": {"k": [1, 2]}})";
  const MountAnswer answer = mount_raw(mock_, attributes);
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.files.at("a").bytes, "x");
}

// Mutations of a valid parameter set must each end in an answer, never a crash or a hang.
TEST_F(MockObjects, MutatedParametersNeverCrash) {
  const std::string valid = objects_yaml({
      "objectName: db\nobjectAlias: dir/db\nobjectVersion: \"3\"\nfilePermission: "
      "\"0640\"\ncontent: |\n  multi\n  line",
      "objectName: other\ncontent: [x]",
  });
  static constexpr char kAlphabet[] = "[]{}:|->'\"\\#&*!%@`,?\n\t ab0.\0\xff";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1);
  std::mt19937 random(20240601);  // fixed seed: a failure is reproducible
  for (int round = 0; round < 2000; ++round) {
    std::string mutated = valid;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = random() % mutated.size();
      const char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0:
          mutated[at] = c;
          break;
        case 1:
          mutated.insert(mutated.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        default:
          mutated.erase(at, 1);
          break;
      }
    }
    const MountAnswer answer = mock_.mount({{"objects", mutated}});
    if (answer.error) {
      EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS) << answer.error->message;
      EXPECT_FALSE(answer.error->message.empty());
    } else {
      EXPECT_FALSE(answer.files.empty());
      EXPECT_EQ(answer.files.size(), answer.versions.size());
    }
  }
}

}  // namespace
}  // namespace sscsi::mock_test
