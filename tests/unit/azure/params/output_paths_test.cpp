// Files each object writes and the refusal of colliding paths (reference azure-provider.md §2,
// §4.4, §6, §10.1 case 7). Refusing collisions is deliberately unlike upstream, where the later
// object silently overwrites the earlier one.
#include <gtest/gtest.h>

#include "params/objects_parameter.h"
#include "params/output_paths.h"
#include "request_builder.h"

namespace sscsi::azure {
namespace {

using test::objects_yaml;

std::string error_for(std::initializer_list<std::string> objects) {
  return test::error_of([&] { parse_objects_parameter(objects_yaml(objects), 0644); });
}

std::size_t count_for(std::initializer_list<std::string> objects) {
  return parse_objects_parameter(objects_yaml(objects), 0644).size();
}

TEST(HistoryNames, FileAndUidCarryTheIndex) {  // §10.1 case 7
  KeyVaultObject object;
  object.name = "multiple-versions";
  object.alias = "folder/multiple-versions";
  object.version_history = 9;
  EXPECT_TRUE(syncs_version_history(object));
  EXPECT_EQ(history_file_name(object, 0), "folder/multiple-versions/0");
  EXPECT_EQ(history_file_name(object, 8), "folder/multiple-versions/8");
  EXPECT_EQ(history_uid(object, 8), "secret/multiple-versions/8");
  object.alias.clear();
  object.type = ObjectType::Cert;
  EXPECT_EQ(history_file_name(object, 1), "multiple-versions/1");
  EXPECT_EQ(history_uid(object, 0), "cert/multiple-versions/0");
  object.version_history = 1;
  EXPECT_FALSE(syncs_version_history(object));
  object.version_history = -5;
  EXPECT_FALSE(syncs_version_history(object));
}

TEST(OutputPaths, SameFileTwiceIsRefused) {
  // The classic upstream collision: one certificate requested as cert, key and secret.
  EXPECT_EQ(error_for({"objectName: tls\nobjectType: cert", "objectName: tls\nobjectType: key"}),
            "objects at index 0 (objectType:cert, objectName:tls) and index 1 (objectType:key, "
            "objectName:tls) both write the file \"tls\"; give one of them a different "
            "objectAlias");
  EXPECT_EQ(error_for({"objectName: a\nobjectType: secret", "objectName: b\nobjectType: secret",
                       "objectName: c\nobjectAlias: b\nobjectType: secret"}),
            "objects at index 1 (objectType:secret, objectName:b) and index 2 (objectType:secret, "
            "objectName:c) both write the file \"b\"; give one of them a different objectAlias");
}

TEST(OutputPaths, AFileCannotAlsoBeADirectory) {
  EXPECT_EQ(error_for({"objectName: a\nobjectType: secret",
                       "objectName: b\nobjectAlias: a/b\nobjectType: secret"}),
            "object at index 0 (objectType:secret, objectName:a) writes the file \"a\", which "
            "object at index 1 (objectType:secret, objectName:b) needs as a directory for "
            "\"a/b\"; give one of them a different objectAlias");
  EXPECT_EQ(error_for({"objectName: b\nobjectAlias: a/b/c\nobjectType: secret",
                       "objectName: a\nobjectAlias: a/b\nobjectType: key"}),
            "object at index 1 (objectType:key, objectName:a) writes the file \"a/b\", which "
            "object at index 0 (objectType:secret, objectName:b) needs as a directory for "
            "\"a/b/c\"; give one of them a different objectAlias");
}

TEST(OutputPaths, VersionHistoryOwnsItsIndexFiles) {
  const std::string history = "objectName: s\nobjectType: secret\nobjectVersionHistory: 3";
  EXPECT_EQ(error_for({history, "objectName: other\nobjectAlias: s/2\nobjectType: secret"}),
            "objects at index 0 (objectType:secret, objectName:s) and index 1 (objectType:secret, "
            "objectName:other) both write the file \"s/2\"; give one of them a different "
            "objectAlias");
  EXPECT_EQ(error_for({"objectName: s\nobjectType: key", history}),
            "object at index 0 (objectType:key, objectName:s) writes the file \"s\", which object "
            "at index 1 (objectType:secret, objectName:s) needs as a directory for \"s/0\"; give "
            "one of them a different objectAlias");
  EXPECT_EQ(error_for({history, "objectName: x\nobjectAlias: s/1/deeper\nobjectType: secret"}),
            "object at index 0 (objectType:secret, objectName:s) writes the file \"s/1\", which "
            "object at index 1 (objectType:secret, objectName:x) needs as a directory for "
            "\"s/1/deeper\"; give one of them a different objectAlias");
  EXPECT_EQ(error_for({history,
                       "objectName: t\nobjectAlias: s\nobjectType: cert\n"
                       "objectVersionHistory: 2"}),
            "objects at index 0 (objectType:secret, objectName:s) and index 1 (objectType:cert, "
            "objectName:t) both write the file \"s/0\"; give one of them a different objectAlias");
  EXPECT_EQ(error_for({history,
                       "objectName: t\nobjectAlias: s/0\nobjectType: cert\n"
                       "objectVersionHistory: 2"}),
            "object at index 0 (objectType:secret, objectName:s) writes the file \"s/0\", which "
            "object at index 1 (objectType:cert, objectName:t) needs as a directory for "
            "\"s/0/0\"; give one of them a different objectAlias");
}

TEST(OutputPaths, NeighboursThatDoNotCollideAreAccepted) {
  const std::string history = "objectName: s\nobjectType: secret\nobjectVersionHistory: 3";
  EXPECT_EQ(count_for({history, "objectName: o\nobjectAlias: s/3\nobjectType: secret"}), 2u);
  EXPECT_EQ(count_for({history, "objectName: o\nobjectAlias: s/01\nobjectType: secret"}), 2u);
  EXPECT_EQ(count_for({history, "objectName: o\nobjectAlias: s/extra/0\nobjectType: secret"}), 2u);
  EXPECT_EQ(count_for({"objectName: a\nobjectType: secret", "objectName: ab\nobjectType: secret",
                       "objectName: a-b\nobjectAlias: a.b/c\nobjectType: secret"}),
            3u);
  // Same Key Vault object under two aliases is fine (upstream reports both versions).
  EXPECT_EQ(count_for({"objectName: s\nobjectAlias: one\nobjectType: secret",
                       "objectName: s\nobjectAlias: two\nobjectType: secret"}),
            2u);
}

TEST(OutputPaths, HistoryOfOneWritesThePlainFileName) {
  EXPECT_EQ(error_for({"objectName: s\nobjectType: secret\nobjectVersionHistory: 1",
                       "objectName: t\nobjectAlias: s/0\nobjectType: secret"}),
            "object at index 0 (objectType:secret, objectName:s) writes the file \"s\", which "
            "object at index 1 (objectType:secret, objectName:t) needs as a directory for "
            "\"s/0\"; give one of them a different objectAlias");
}

}  // namespace
}  // namespace sscsi::azure
