// Rotation through republish (--enable-secret-rotation --rotation-poll-interval 1s): while the
// SecretProviderClass is rewritten with a new version tag again and again, a reader that opens
// `..data` once per pass and reads every file through it must always see one whole version, and
// versions only move forward.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "csi_host.h"
#include "csi_requests.h"
#include "mount_table.h"
#include "volume_files.h"

namespace sscsi {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing_support::CsiHost;
using testing_support::CsiHostSetup;
using testing_support::mock_objects_yaml;
using testing_support::publish_request;
using testing_support::SpcSpec;

constexpr int kVersions = 50;
const std::vector<std::string> kFiles{"a.txt", "nested/b.txt", "nested/deeper/c.txt", "d.txt"};

std::string tag(int version) { return fmt::format("version-{:03}", version); }

// Every file holds the version's tag (plus its own name, so that files differ).
SpcSpec versioned_class(int version) {
  std::vector<testing_support::MockObject> objects;
  for (const std::string& file : kFiles) {
    objects.push_back({{"objectName", fs::path(file).filename().string()},
                       {"objectAlias", file},
                       {"content", tag(version) + "\n" + file + "\n"}});
  }
  return SpcSpec{.name = "rotating", .parameters = {{"objects", mock_objects_yaml(objects)}}};
}

// The tag of one file's content, or "" when it is not shaped as versioned_class writes it.
std::string tag_of(const std::string& content, const std::string& file) {
  const std::string suffix = "\n" + file + "\n";
  if (content.size() <= suffix.size() || !content.ends_with(suffix)) return "";
  return content.substr(0, content.size() - suffix.size());
}

std::string read_fd(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0)
    text.append(buffer, static_cast<std::size_t>(n));
  return text;
}

// Reads the volume as an application watching ..data does, pass after pass.
class Reader {
 public:
  explicit Reader(fs::path target) : target_(std::move(target)) {}

  void run(std::stop_token stop) {
    while (!stop.stop_requested()) read_one_pass();
  }

  int whole_passes() const { return whole_passes_; }
  int vanished_passes() const { return vanished_passes_; }
  const std::vector<std::string>& problems() const { return problems_; }
  const std::set<std::string>& tags_seen() const { return tags_seen_; }

 private:
  void read_one_pass() {
    const int dir = open((target_ / "..data").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
      problem(fmt::format("cannot open ..data: {}", std::strerror(errno)));
      return;
    }
    std::vector<std::string> tags;
    for (const std::string& file : kFiles) {
      const int fd = openat(dir, file.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        // The version was replaced and its directory removed after we opened it: the kubelet's
        // layout allows this; a reader starts its pass again.
        if (errno == ENOENT)
          ++vanished_passes_;
        else
          problem(fmt::format("cannot open {}: {}", file, std::strerror(errno)));
        close(dir);
        return;
      }
      tags.push_back(tag_of(read_fd(fd), file));
      close(fd);
    }
    close(dir);
    for (std::size_t i = 0; i < tags.size(); ++i) {
      if (tags[i].empty() || tags[i] != tags[0]) {
        problem(fmt::format("one pass mixed versions: [{}]", fmt::join(tags, ", ")));
        return;
      }
    }
    if (!last_tag_.empty() && tags[0] < last_tag_) {
      problem(fmt::format("went back from {} to {}", last_tag_, tags[0]));
    }
    last_tag_ = tags[0];
    tags_seen_.insert(tags[0]);
    ++whole_passes_;
  }

  void problem(std::string text) {
    if (problems_.size() < 20) problems_.push_back(std::move(text));
  }

  fs::path target_;
  int whole_passes_ = 0;
  int vanished_passes_ = 0;
  std::string last_tag_;
  std::set<std::string> tags_seen_;
  std::vector<std::string> problems_;
};

TEST(Rotation, ReadersSeeOneWholeVersionPerPassAcrossFiftyRotations) {
  CsiHost host(
      CsiHostSetup{.extra_args = {"--enable-secret-rotation", "--rotation-poll-interval", "1s"}});
  host.start();
  host.write_spc(versioned_class(0));
  const fs::path target = host.kubelet_target("pod-rotating");
  const auto request = publish_request(target, "pod-rotating", "rotating");
  ASSERT_TRUE(host.publish(request).ok()) << host.log();

  Reader reader(target);
  std::jthread reader_thread([&](std::stop_token stop) { reader.run(stop); });

  int republishes = 0;
  for (int version = 1; version <= kVersions; ++version) {
    host.write_spc(versioned_class(version));
    // Republish as the kubelet does; the refresh happens once the poll interval has passed.
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (true) {
      const grpc::Status status = host.publish(request);
      ++republishes;
      ASSERT_TRUE(status.ok()) << "republish " << republishes << ": " << status.error_message();
      if (tag_of(testing_support::read_text(target / kFiles[0]), kFiles[0]) == tag(version)) break;
      ASSERT_LT(std::chrono::steady_clock::now(), give_up) << tag(version) << " never appeared\n"
                                                           << host.log();
      std::this_thread::sleep_for(100ms);
    }
  }
  reader_thread.request_stop();
  reader_thread.join();

  EXPECT_GE(republishes, kVersions);
  EXPECT_TRUE(reader.problems().empty()) << fmt::format("{}", fmt::join(reader.problems(), "\n"));
  EXPECT_GT(reader.whole_passes(), 0);
  EXPECT_GT(reader.tags_seen().size(), 1u) << "the reader never saw a rotation";
  EXPECT_TRUE(reader.tags_seen().contains(tag(kVersions)));
  RecordProperty("whole_passes", reader.whole_passes());
  RecordProperty("vanished_passes", reader.vanished_passes());
  RecordProperty("versions_seen", static_cast<int>(reader.tags_seen().size()));

  // Old versions are cleaned up: ..data, one version directory and the user-visible links.
  const auto state = testing_support::target_state(target);
  EXPECT_EQ(state.entries.size(), 5u) << testing_support::describe(state);
  EXPECT_EQ(testing_support::mount_count_at(target), 1u);

  ASSERT_TRUE(host.unpublish(testing_support::volume_id_for("pod-rotating"), target.string()).ok());
  EXPECT_TRUE(testing_support::mounts_under(host.root()).empty());
  EXPECT_TRUE(host.records().empty());
}

}  // namespace
}  // namespace sscsi
