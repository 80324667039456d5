// The `objects` parameter: YAML layers, fields, validation and file permissions (reference
// azure-provider.md §2 and §10.1 cases 5–12, 18, 31), plus this plugin's deliberate differences.
#include <gtest/gtest.h>

#include "params/object_limits.h"
#include "params/objects_parameter.h"
#include "request_builder.h"

namespace sscsi::azure {
namespace {

using test::objects_yaml;

std::vector<KeyVaultObject> objects_of(const std::string& yaml, std::uint32_t mode = 0644) {
  return parse_objects_parameter(yaml, mode);
}

std::string error_for(const std::string& yaml) {
  return test::error_of([&] { parse_objects_parameter(yaml, 0644); });
}

// One object given as its inner YAML.
std::string error_for_object(const std::string& inner) { return error_for(objects_yaml({inner})); }

const std::string kOuter = "failed to yaml unmarshal objects, error: ";
const std::string kAt0 = "unmarshal failed for keyVaultObjects at index 0, error: ";

TEST(ObjectsYaml, TwoEntrySampleGivesTwoObjects) {  // §10.1 case 5
  const auto objects = objects_of(
      "array:\n"
      "  - |\n"
      "    objectName: secret1\n"
      "    objectType: secret\n"
      "    objectVersion: \"\"\n"
      "  - |\n"
      "    objectName: key1\n"
      "    objectType: key\n"
      "    objectVersion: \"\"\n");
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].name, "secret1");
  EXPECT_EQ(objects[0].type, ObjectType::Secret);
  EXPECT_EQ(objects[1].name, "key1");
  EXPECT_EQ(objects[1].type, ObjectType::Key);
  EXPECT_EQ(objects[1].version, "");
}

TEST(ObjectsYaml, EmptyArrayOrDocumentGivesNoObjects) {  // §10.1 cases 5, 31
  EXPECT_TRUE(objects_of("array:").empty());
  EXPECT_TRUE(objects_of("array: []").empty());
  EXPECT_TRUE(objects_of("# only a comment").empty());
  EXPECT_TRUE(objects_of("other: 1").empty());  // unknown keys are ignored
  test::Attributes attributes = test::base_attributes();
  attributes["objects"] = "array:";
  EXPECT_TRUE(test::parse(attributes).objects.empty());
}

TEST(ObjectsYaml, OuterLayerErrors) {  // §10.1 cases 5, 31
  EXPECT_EQ(test::objects_error("- |\n  objectName: a\n"),
            kOuter +
                "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into "
                "types.StringArray");
  EXPECT_EQ(error_for("invalid"),
            kOuter +
                "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `invalid` into "
                "types.StringArray");
  EXPECT_EQ(error_for("12345678901"),
            kOuter +
                "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `1234567...` into "
                "types.StringArray");
  EXPECT_EQ(error_for("array: text"),
            kOuter +
                "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `text` into "
                "[]string");
  EXPECT_EQ(error_for("array:\n  key: value"),
            kOuter + "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into []string");
  EXPECT_EQ(error_for("array:\n  - objectName: a\n  - [b]"),
            kOuter +
                "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into string\n"
                "  line 3: cannot unmarshal !!seq into string");
  EXPECT_EQ(error_for("array: []\narray: []"),
            kOuter +
                "yaml: unmarshal errors:\n  line 2: mapping key \"array\" already defined at "
                "line 1");
  EXPECT_EQ(error_for("array: [a"), kOuter + "yaml: line 1: end of sequence flow not found");
  EXPECT_EQ(error_for("array:\x01"), kOuter + "yaml: control characters are not allowed");
  EXPECT_EQ(error_for("array:\xff"), kOuter + "yaml: invalid UTF-8");
  EXPECT_EQ(error_for("array: " + std::string(100000, '[')),
            kOuter + "yaml: line 1: nesting is too deep");
}

// Type errors and duplicate keys use yaml.v3's wording; syntax errors keep "yaml: line <n>:" but
// the rest is yaml-cpp's text (e.g. "illegal map value"), which can differ from yaml.v3's.
TEST(ObjectsYaml, ElementErrors) {
  EXPECT_EQ(error_for("array:\n  - just-text"),
            kAt0 +
                "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `just-text` into "
                "types.KeyVaultObject");
  EXPECT_EQ(error_for_object("objectName: [a, b]\nobjectType: secret"),
            kAt0 + "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string");
  EXPECT_EQ(error_for_object("objectName: a\nobjectType:\n  nested: map"),
            kAt0 + "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!map into string");
  EXPECT_EQ(error_for_object("objectName: a\nobjectName: b"),
            kAt0 +
                "yaml: unmarshal errors:\n  line 2: mapping key \"objectName\" already defined "
                "at line 1");
  EXPECT_EQ(error_for_object("objectName: a: b"), kAt0 + "yaml: line 1: illegal map value");
  // A double-quoted outer item can carry a raw control character into the inner YAML.
  EXPECT_EQ(error_for("array:\n  - \"objectName: a\"\n  - \"objectName: \\x01\""),
            "unmarshal failed for keyVaultObjects at index 1, error: yaml: control characters are "
            "not allowed");
}

TEST(ObjectsYaml, VersionHistoryMustBeAnInt32) {  // §2: YAML int
  const std::string base = "objectName: a\nobjectType: secret\nobjectVersionHistory: ";
  EXPECT_EQ(error_for_object(base + "abc"),
            kAt0 + "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `abc` into int32");
  EXPECT_EQ(error_for_object(base + "\"4\""),
            kAt0 + "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `4` into int32");
  EXPECT_EQ(error_for_object(base + "true"),
            kAt0 + "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!bool `true` into int32");
  // Stricter than yaml.v3, which would truncate a float.
  EXPECT_EQ(error_for_object(base + "4.5"),
            kAt0 + "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!float `4.5` into int32");
  EXPECT_EQ(error_for_object(base + "99999999999"),
            kAt0 +
                "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!int `9999999...` into "
                "int32");
  EXPECT_EQ(error_for_object(base + "[1]"),
            kAt0 + "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!seq into int32");
}

TEST(ObjectsYaml, VersionHistoryAcceptsYamlIntegerSpellings) {  // §10.1 case 6
  const std::string base = "objectName: a\nobjectType: secret\nobjectVersionHistory: ";
  const std::vector<std::pair<std::string, std::int32_t>> cases{
      {"0", 0},    {"1", 1},   {"4", 4},    {"+4", 4},   {"-3", -3}, {"0x10", 16},
      {"0o10", 8}, {"010", 8}, {"0b11", 3}, {"1_0", 10}, {"~", 0},   {"", 0}};
  for (const auto& [text, value] : cases) {
    const auto objects = objects_of(objects_yaml({base + text}));
    ASSERT_EQ(objects.size(), 1u) << text;
    EXPECT_EQ(objects[0].version_history, value) << text;
  }
}

TEST(ObjectFields, EveryStringFieldIsTrimmedAndTheIntLeftAlone) {  // §10.1 case 18
  const auto objects =
      objects_of(objects_yaml({"objectName: \"secret1     \"\n"
                               "objectAlias: \"  alias1 \"\n"
                               "objectType: \"  secret\"\n"
                               "objectVersion: \" v1 \"\n"
                               "objectEncoding: \"base64   \"\n"
                               "objectFormat: \" pem\"\n"
                               "filePermission: \" 0600 \"\n"
                               "objectVersionHistory: 3"}));
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].name, "secret1");
  EXPECT_EQ(objects[0].alias, "alias1");
  EXPECT_EQ(objects[0].type, ObjectType::Secret);
  EXPECT_EQ(objects[0].version, "v1");
  EXPECT_EQ(objects[0].encoding, KeyVaultObject::Encoding::Base64);
  EXPECT_FALSE(objects[0].pfx);
  EXPECT_EQ(objects[0].mode, 0600u);
  EXPECT_EQ(objects[0].version_history, 3);
}

TEST(ObjectFields, UnknownAndMisspelledKeysAreIgnored) {
  const auto objects =
      objects_of(objects_yaml({"objectName: a\nobjectType: secret\nobjectalias: b\nextra: 1"}));
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].file_name(), "a");
}

TEST(ObjectFields, AliasWinsOverName) {  // §10.1 case 8
  const auto objects =
      objects_of(objects_yaml({"objectName: name\nobjectAlias: alias\nobjectType: key"}));
  EXPECT_EQ(objects[0].file_name(), "alias");
  KeyVaultObject empty;
  EXPECT_EQ(empty.file_name(), "");
}

TEST(ObjectFields, FormatAndEncodingValues) {
  const auto objects = objects_of(objects_yaml(
      {"objectName: a\nobjectType: secret\nobjectFormat: PFX\nobjectEncoding: BasE64",
       "objectName: b\nobjectType: secret\nobjectEncoding: HEX",
       "objectName: c\nobjectType: secret\nobjectEncoding: utf-8\nobjectFormat: Pem",
       "objectName: d\nobjectType: cert\nobjectFormat: PFX"}));  // upstream quirk: passes
  EXPECT_TRUE(objects[0].pfx);
  EXPECT_EQ(objects[0].encoding, KeyVaultObject::Encoding::Base64);
  EXPECT_EQ(objects[1].encoding, KeyVaultObject::Encoding::Hex);
  EXPECT_EQ(objects[2].encoding, KeyVaultObject::Encoding::Utf8);
  EXPECT_FALSE(objects[2].pfx);
  EXPECT_EQ(objects[3].type, ObjectType::Cert);
}

TEST(ObjectValidation, UpstreamFormatAndEncodingErrors) {  // §10.1 cases 10, 11, 15, 31
  EXPECT_EQ(test::objects_error(
                objects_yaml({"objectName: secret1\nobjectType: secret\nobjectFormat: pkcs"})),
            "failed to get objectType:secret, objectName:secret1, objectVersion:: invalid "
            "objectFormat: pkcs, should be PEM or PFX");
  EXPECT_EQ(
      error_for_object("objectName: c\nobjectType: cert\nobjectFormat: pfx"),
      "failed to get objectType:cert, objectName:c, objectVersion:: PFX format only supported "
      "for objectType: secret");
  EXPECT_EQ(error_for_object(
                "objectName: s\nobjectType: secret\nobjectEncoding: utf-16\nobjectVersion: v2"),
            "failed to get objectType:secret, objectName:s, objectVersion:v2: invalid "
            "objectEncoding: utf-16, should be hex, base64 or utf-8");
  EXPECT_EQ(error_for_object("objectName: s\nobjectType: secret\nobjectEncoding: NotAnEncoding"),
            "failed to get objectType:secret, objectName:s, objectVersion:: invalid "
            "objectEncoding: NotAnEncoding, should be hex, base64 or utf-8");
  EXPECT_EQ(error_for_object("objectName: c\nobjectType: cert\nobjectEncoding: base64"),
            "failed to get objectType:cert, objectName:c, objectVersion:: objectEncoding only "
            "supported for objectType: secret");
  EXPECT_EQ(error_for_object("objectName: k\nobjectType: key\nobjectEncoding: hex"),
            "failed to get objectType:key, objectName:k, objectVersion:: objectEncoding only "
            "supported for objectType: secret");
}

TEST(ObjectValidation, UpstreamFileNameErrors) {  // §10.1 case 12
  const auto error = [](const std::string& name) {
    return error_for_object("objectName: n\nobjectType: secret\nobjectAlias: \"" + name + "\"");
  };
  const std::string prefix = "failed to get objectType:secret, objectName:n, objectVersion:: ";
  EXPECT_EQ(error("/secret1"), prefix + "file name must be a relative path");
  EXPECT_EQ(error("secret1/.."), prefix + "file name must not contain '..'");
  EXPECT_EQ(error("../secret1"), prefix + "file name must not contain '..'");
  EXPECT_EQ(error("a/../b"), prefix + "file name must not contain '..'");
  EXPECT_EQ(error("a..b"), prefix + "file name must not contain '..'");
  EXPECT_EQ(error_for_object("objectType: secret"),
            "failed to get objectType:secret, objectName:, objectVersion:: file name must not be "
            "empty");
  EXPECT_EQ(error_for("array:\n  - \"\""),
            "failed to get objectType:, objectName:, objectVersion:: file name must not be empty");
}

TEST(ObjectValidation, CleanPathRulesAreOursAndClearer) {
  // Upstream leaves these to the driver, which refuses them only after every object was fetched.
  const auto error = [](const std::string& name) {
    return error_for_object("objectName: n\nobjectType: secret\nobjectAlias: \"" + name + "\"");
  };
  const std::string prefix = "failed to get objectType:secret, objectName:n, objectVersion:: ";
  EXPECT_EQ(error("dir/"), prefix + "file name \"dir/\" must not end with '/'");
  EXPECT_EQ(error("a//b"),
            prefix + "file name \"a//b\" must not contain an empty path element ('//')");
  EXPECT_EQ(error("./a"), prefix + "file name \"./a\" must not contain a '.' path element");
  EXPECT_EQ(error("a/./b"), prefix + "file name \"a/./b\" must not contain a '.' path element");
  EXPECT_EQ(error("."), prefix + "file name \".\" must not contain a '.' path element");
  EXPECT_EQ(error("a\\0b"), prefix + "file name \"a\\x00b\" must not contain a NUL character");
  const std::string long_element(256, 'x');
  EXPECT_EQ(error("d/" + long_element),
            prefix + "file name \"d/" + long_element +
                "\" has a path element of 256 bytes; at most 255 are allowed");
  std::string long_path;
  while (long_path.size() < 4090) long_path += std::string(200, 'p') + "/";
  long_path += "end";
  EXPECT_EQ(error(long_path), prefix + "file name \"" + long_path + "\" is " +
                                  std::to_string(long_path.size()) +
                                  " bytes; at most 4096 are allowed");
  // The version-history suffix counts.
  std::string near_limit;
  while (near_limit.size() < 4000) near_limit += std::string(200, 'q') + "/";
  near_limit += std::string(4094 - near_limit.size(), 'r');
  ASSERT_EQ(near_limit.size(), 4094u);
  EXPECT_EQ(
      objects_of(objects_yaml({"objectName: n\nobjectType: secret\nobjectAlias: " + near_limit}))
          .size(),
      1u);
  EXPECT_EQ(objects_of(objects_yaml({"objectName: n\nobjectType: secret\n"
                                     "objectVersionHistory: 10\nobjectAlias: " +
                                     near_limit}))
                .size(),
            1u);  // "/9" brings it to exactly 4096
  EXPECT_EQ(error_for_object("objectName: n\nobjectType: secret\nobjectVersionHistory: 11\n"
                             "objectAlias: " +
                             near_limit),
            prefix + "file name \"" + near_limit +
                "\" is 4097 bytes with its version-history suffix; at most 4096 are allowed");
}

TEST(ObjectValidation, InvalidTypeIsRefusedUpFront) {
  // Upstream only fails at fetch time, after fetching the objects before it. Same text here.
  const std::string message = "Invalid vaultObjectTypes. Should be secret, key, or cert";
  EXPECT_EQ(error_for_object("objectName: a\nobjectType: Secret"),
            "failed to get objectType:Secret, objectName:a, objectVersion:: " + message);
  EXPECT_EQ(error_for_object("objectName: a"),
            "failed to get objectType:, objectName:a, objectVersion:: " + message);
  EXPECT_EQ(error_for_object("objectName: a\nobjectType: certificate\nobjectVersion: 1"),
            "failed to get objectType:certificate, objectName:a, objectVersion:1: " + message);
}

TEST(ObjectValidation, UpstreamErrorsOfAnyObjectComeBeforeOurs) {
  // Object 0 has a bad type (ours), object 1 a bad format (upstream's): upstream's is reported,
  // as upstream validates every object before fetching the first.
  EXPECT_EQ(error_for(objects_yaml({"objectName: a\nobjectType: bogus",
                                    "objectName: b\nobjectType: secret\nobjectFormat: der"})),
            "failed to get objectType:secret, objectName:b, objectVersion:: invalid objectFormat: "
            "der, should be PEM or PFX");
  // A bad type with objectFormat pfx meets upstream's format rule first.
  EXPECT_EQ(error_for_object("objectName: a\nobjectType: bogus\nobjectFormat: pfx"),
            "failed to get objectType:bogus, objectName:a, objectVersion:: PFX format only "
            "supported for objectType: secret");
}

TEST(FilePermission, OctalStringsAndTheDefault) {  // §10.1 case 9
  const std::vector<std::pair<std::string, std::uint32_t>> cases{
      {"filePermission: \"0600\"", 0600}, {"filePermission: \"600\"", 0600},
      {"filePermission: 0755", 0755},  // unquoted: yaml keeps the literal text
      {"filePermission: 0", 0},           {"filePermission: \"0000644\"", 0644},
      {"filePermission: \"\"", 0644},     {"", 0644}};
  for (const auto& [line, mode] : cases) {
    const auto objects = objects_of(objects_yaml({"objectName: a\nobjectType: secret\n" + line}));
    EXPECT_EQ(objects[0].mode, mode) << line;
  }
  EXPECT_EQ(objects_of(objects_yaml({"objectName: a\nobjectType: secret"}), 0400)[0].mode, 0400u);
}

TEST(FilePermission, InvalidValuesFailTheMount) {
  // Deliberately unlike upstream, which ignores the parse error and writes the file with mode 0.
  const auto error = [](const std::string& value) {
    return error_for_object("objectName: a\nobjectType: secret\nfilePermission: \"" + value + "\"");
  };
  const std::string prefix = "failed to get objectType:secret, objectName:a, objectVersion:: ";
  const std::string invalid =
      "file permission must be a valid octal number: strconv.ParseInt: parsing ";
  EXPECT_EQ(error("0900"), prefix + invalid + "\"0900\": invalid syntax");
  EXPECT_EQ(error("900"), prefix + invalid + "\"900\": invalid syntax");
  EXPECT_EQ(error("rw-r--r--"), prefix + invalid + "\"rw-r--r--\": invalid syntax");
  EXPECT_EQ(error("0o600"), prefix + invalid + "\"0o600\": invalid syntax");
  EXPECT_EQ(error("+600"), prefix + invalid + "\"+600\": invalid syntax");  // Go would accept
  EXPECT_EQ(error("77777777777777"), prefix + invalid + "\"77777777777777\": value out of range");
  EXPECT_EQ(error("7777777777777x"), prefix + invalid + "\"7777777777777x\": invalid syntax");
  // Above the permission bits: ours.
  EXPECT_EQ(error("01777"), prefix +
                                "file permission \"01777\" is not allowed: only the permission "
                                "bits (at most 0777) can be set");
  EXPECT_EQ(error("4755"), prefix +
                               "file permission \"4755\" is not allowed: only the permission bits "
                               "(at most 0777) can be set");
}

TEST(VersionHistory, SingleOrMultiple) {  // §10.1 cases 6, 7
  const auto objects = objects_of(objects_yaml(
      {"objectName: single-version\nobjectAlias: alias\nobjectType: secret\nobjectVersion: v",
       "objectName: multiple-versions\nobjectAlias: alias2\nobjectType: secret\n"
       "objectVersionHistory: 4",
       "objectName: negative\nobjectType: key\nobjectVersionHistory: -3"}));
  EXPECT_EQ(objects[0].uid(), "secret/single-version");
  EXPECT_EQ(objects[1].uid(), "secret/multiple-versions");
  EXPECT_EQ(objects[1].version_history, 4);
  EXPECT_EQ(objects[2].uid(), "key/negative");
}

TEST(VersionHistory, LimitIsDocumented) {
  const auto history = [](std::int32_t n) {
    return objects_yaml(
        {"objectName: a\nobjectType: secret\nobjectVersionHistory: " + std::to_string(n)});
  };
  EXPECT_EQ(objects_of(history(kMaxVersionHistory))[0].version_history, kMaxVersionHistory);
  EXPECT_EQ(error_for(history(kMaxVersionHistory + 1)),
            "failed to get objectType:secret, objectName:a, objectVersion:: objectVersionHistory "
            "1001 is too large: at most 1000 versions can be synced per object");
}

TEST(ObjectLimits, AtMostKMaxObjects) {
  std::string yaml = "array:\n";
  for (std::size_t i = 0; i < kMaxObjects; ++i) {
    yaml += "  - \"{objectName: o" + std::to_string(i) + ", objectType: secret}\"\n";
  }
  EXPECT_EQ(objects_of(yaml).size(), kMaxObjects);
  yaml += "  - \"{objectName: extra, objectType: secret}\"\n";
  EXPECT_EQ(error_for(yaml),
            "objects lists 1001 entries; at most 1000 objects are allowed per SecretProviderClass");
}

}  // namespace
}  // namespace sscsi::azure
