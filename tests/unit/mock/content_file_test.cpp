// contentFile: read at every mount (rotation), and only inside the operator's
// allowedContentDirs, with symbolic links resolved.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "mock_harness.h"

namespace fs = std::filesystem;

namespace sscsi::mock_test {
namespace {

class MockContentFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "sscsi-mock-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    allowed_ = root_ / "allowed";
    outside_ = root_ / "outside";
    fs::create_directories(allowed_);
    fs::create_directories(outside_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  static void write(const fs::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
  }

  std::string config_allowing(const std::vector<fs::path>& dirs) const {
    nlohmann::json list = nlohmann::json::array();
    for (const fs::path& dir : dirs) list.push_back(dir.string());
    return nlohmann::json{{"allowedContentDirs", list}}.dump();
  }

  static std::map<std::string, std::string> file_object(const std::string& path,
                                                        const std::string& extra = "") {
    return {{"objects", objects_yaml({"objectName: db\n" + extra + "contentFile: " + path})}};
  }

  static std::string refused_outside(const std::string& path, const fs::path& allowed) {
    return "objects[0] (objectName \"db\"): contentFile \"" + path +
           "\" is outside the allowed content directories (\"" + allowed.string() +
           "\") of the mock plugin's config";
  }

  fs::path root_, allowed_, outside_;
  FakeHost host_;
};

TEST_F(MockContentFile, IsReadAtEveryMountSoEditingItRotates) {
  const MockInstance mock(host_, config_allowing({allowed_}));
  const fs::path file = allowed_ / "db";
  write(file, "first");
  const MountAnswer first = mock.mount(file_object(file.string()));
  ASSERT_FALSE(first.error) << first.error->message;
  EXPECT_EQ(first.files.at("db").bytes, "first");
  EXPECT_EQ(first.versions.at("mock/db"), fnv1a64_version("first"));

  write(file, "second, longer than the first");
  const MountAnswer second = mock.mount(file_object(file.string()));
  ASSERT_FALSE(second.error) << second.error->message;
  EXPECT_EQ(second.files.at("db").bytes, "second, longer than the first");
  EXPECT_EQ(second.versions.at("mock/db"), fnv1a64_version("second, longer than the first"));
}

TEST_F(MockContentFile, KeepsBinaryBytesAndHonoursFieldsLikeInlineContent) {
  const MockInstance mock(host_, config_allowing({allowed_}));
  const std::string binary("\x00\x01\xff\n\r\x7f", 6);
  write(allowed_ / "blob", binary);
  const MountAnswer answer = mock.mount(file_object(
      (allowed_ / "blob").string(), "objectAlias: certs/blob.bin\nfilePermission: \"0400\"\n"));
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.files.at("certs/blob.bin").bytes, binary);
  EXPECT_EQ(answer.files.at("certs/blob.bin").mode, 0400u);
  EXPECT_EQ(answer.versions.at("mock/certs/blob.bin"), fnv1a64_version(binary));
}

TEST_F(MockContentFile, EmptyFileIsAnEmptyObject) {
  const MockInstance mock(host_, config_allowing({allowed_}));
  write(allowed_ / "empty", "");
  const MountAnswer answer = mock.mount(file_object((allowed_ / "empty").string()));
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.files.at("db").bytes, "");
}

TEST_F(MockContentFile, IsRefusedWhenTheConfigAllowsNoDirectory) {
  const MockInstance mock(host_);  // "{}"
  write(allowed_ / "db", "x");
  const std::string path = (allowed_ / "db").string();
  const MountAnswer answer = mock.mount(file_object(path));
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(answer.error->message,
            "objects[0] (objectName \"db\"): contentFile \"" + path +
                "\" is refused: the mock plugin's config allows no content directories (an "
                "operator lists them in allowedContentDirs)");
}

TEST_F(MockContentFile, OutsideTheAllowedDirectoriesIsRefused) {
  const MockInstance mock(host_, config_allowing({allowed_}));
  write(outside_ / "secret", "x");
  const std::string path = (outside_ / "secret").string();
  const MountAnswer answer = mock.mount(file_object(path));
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(answer.error->message, refused_outside(path, allowed_));
  EXPECT_EQ(answer.add_file_calls, 0);
}

TEST_F(MockContentFile, DotDotCannotLeaveTheAllowedDirectory) {
  const MockInstance mock(host_, config_allowing({allowed_}));
  write(outside_ / "secret", "x");
  const std::string path = (allowed_ / ".." / "outside" / "secret").string();
  const MountAnswer answer = mock.mount(file_object(path));
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->message, refused_outside(path, allowed_));
}

TEST_F(MockContentFile, ASiblingWithTheSamePrefixIsOutside) {
  const fs::path sibling = root_ / "allowed-evil";
  fs::create_directories(sibling);
  write(sibling / "secret", "x");
  const MockInstance mock(host_, config_allowing({allowed_}));
  const std::string path = (sibling / "secret").string();
  const MountAnswer answer = mock.mount(file_object(path));
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->message, refused_outside(path, allowed_));
}

TEST_F(MockContentFile, TheAllowedDirectoryItselfIsNotAFile) {
  const MockInstance mock(host_, config_allowing({allowed_}));
  const MountAnswer answer = mock.mount(file_object(allowed_.string()));
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->message, refused_outside(allowed_.string(), allowed_));
}

TEST_F(MockContentFile, ASymbolicLinkOutOfTheAllowedDirectoryIsRefused) {
  write(outside_ / "secret", "host secret");
  fs::create_symlink(outside_ / "secret", allowed_ / "link");
  fs::create_directory_symlink(outside_, allowed_ / "dirlink");
  const MockInstance mock(host_, config_allowing({allowed_}));
  for (const fs::path& path : {allowed_ / "link", allowed_ / "dirlink" / "secret"}) {
    const MountAnswer answer = mock.mount(file_object(path.string()));
    ASSERT_TRUE(answer.error) << path;
    EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
    EXPECT_EQ(answer.error->message,
              "objects[0] (objectName \"db\"): contentFile \"" + path.string() +
                  "\" resolves through a symbolic link to a file outside the allowed content "
                  "directories (\"" +
                  allowed_.string() + "\") of the mock plugin's config");
  }
}

TEST_F(MockContentFile, ASymbolicLinkWithinTheAllowedDirectoryIsFollowed) {
  fs::create_directories(allowed_ / "v2");
  write(allowed_ / "v2" / "db", "version two");
  fs::create_symlink("v2/db", allowed_ / "current");
  const MockInstance mock(host_, config_allowing({allowed_}));
  const MountAnswer answer = mock.mount(file_object((allowed_ / "current").string()));
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.files.at("db").bytes, "version two");
}

TEST_F(MockContentFile, AnAllowedDirectoryMayItselfBeASymbolicLink) {
  write(outside_ / "db", "through the configured link");
  const fs::path configured = root_ / "configured";
  fs::create_directory_symlink(outside_, configured);
  const MockInstance mock(host_, config_allowing({configured}));
  const MountAnswer answer = mock.mount(file_object((configured / "db").string()));
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.files.at("db").bytes, "through the configured link");
}

TEST_F(MockContentFile, AnyOfSeveralAllowedDirectoriesWorks) {
  const fs::path second = root_ / "second";
  fs::create_directories(second);
  write(second / "db", "from the second");
  const MockInstance mock(host_, config_allowing({allowed_, second}));
  const MountAnswer answer = mock.mount(file_object((second / "db").string()));
  ASSERT_FALSE(answer.error) << answer.error->message;
  EXPECT_EQ(answer.files.at("db").bytes, "from the second");
}

TEST_F(MockContentFile, AMissingFileIsNotFoundAndNamesIt) {
  const MockInstance mock(host_, config_allowing({allowed_}));
  for (const fs::path& path : {allowed_ / "missing", allowed_ / "no-dir" / "missing"}) {
    const MountAnswer answer = mock.mount(file_object(path.string()));
    ASSERT_TRUE(answer.error);
    EXPECT_EQ(answer.error->code, SSCSI_NOT_FOUND);
    EXPECT_EQ(answer.error->message, "objects[0] (objectName \"db\"): contentFile \"" +
                                         path.string() + "\" does not exist");
  }
}

TEST_F(MockContentFile, AMissingFileOutsideIsRefusedWithoutLookingAtIt) {
  const MockInstance mock(host_, config_allowing({allowed_}));
  const std::string path = (outside_ / "missing").string();
  const MountAnswer answer = mock.mount(file_object(path));
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(answer.error->message, refused_outside(path, allowed_));
}

TEST_F(MockContentFile, ADanglingLinkIsNotFound) {
  fs::create_symlink(allowed_ / "gone", allowed_ / "dangling");
  const MockInstance mock(host_, config_allowing({allowed_}));
  const std::string path = (allowed_ / "dangling").string();
  const MountAnswer answer = mock.mount(file_object(path));
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_NOT_FOUND);
}

TEST_F(MockContentFile, DirectoriesAndFifosAreNotRegularFiles) {
  fs::create_directories(allowed_ / "subdir");
  ASSERT_EQ(mkfifo((allowed_ / "fifo").c_str(), 0600), 0);
  const MockInstance mock(host_, config_allowing({allowed_}));
  for (const fs::path& path : {allowed_ / "subdir", allowed_ / "fifo"}) {
    const MountAnswer answer = mock.mount(file_object(path.string()));
    ASSERT_TRUE(answer.error) << path;
    EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
    EXPECT_EQ(answer.error->message, "objects[0] (objectName \"db\"): contentFile \"" +
                                         path.string() + "\" is not a regular file");
  }
}

TEST_F(MockContentFile, FilesUpToFourMebibytesAreServedLargerAreRefused) {
  constexpr std::size_t kLimit = std::size_t{4} << 20;
  write(allowed_ / "limit", std::string(kLimit, 'a'));
  write(allowed_ / "over", std::string(kLimit + 1, 'a'));
  const MockInstance mock(host_, config_allowing({allowed_}));

  const MountAnswer at_limit = mock.mount(file_object((allowed_ / "limit").string()));
  ASSERT_FALSE(at_limit.error) << at_limit.error->message;
  EXPECT_EQ(at_limit.files.at("db").bytes.size(), kLimit);

  const std::string over = (allowed_ / "over").string();
  const MountAnswer answer = mock.mount(file_object(over));
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(answer.error->message, "objects[0] (objectName \"db\"): contentFile \"" + over +
                                       "\" is larger than the limit of 4194304 bytes");
}

TEST_F(MockContentFile, OneMissingFileFailsTheWholeMountBeforeAnythingIsHandedOver) {
  write(allowed_ / "present", "x");
  const MockInstance mock(host_, config_allowing({allowed_}));
  const MountAnswer answer = mock.mount(
      {{"objects",
        objects_yaml({"objectName: inline\ncontent: y",
                      "objectName: present\ncontentFile: " + (allowed_ / "present").string(),
                      "objectName: absent\ncontentFile: " + (allowed_ / "absent").string()})}});
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_NOT_FOUND);
  EXPECT_TRUE(answer.error->message.starts_with("objects[2] (objectName \"absent\"): "))
      << answer.error->message;
  EXPECT_EQ(answer.add_file_calls, 0);
  EXPECT_TRUE(answer.versions.empty());
}

}  // namespace
}  // namespace sscsi::mock_test
