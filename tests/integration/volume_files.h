#pragma once
// What a test sees in a published volume and at a target path, read from outside the host.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace sscsi::testing_support {

struct VolumeFile {
  std::string content;
  unsigned mode = 0;  // permission bits
  bool operator==(const VolumeFile&) const = default;
};

// Every regular file below <target>/..data (the current version), by relative path.
std::map<std::string, VolumeFile> read_volume(const std::filesystem::path& target);

// The whole content of one file; throws when it cannot be read.
std::string read_text(const std::filesystem::path& file);

// Writes `text` to `file` (created or truncated).
void write_text(const std::filesystem::path& file, const std::string& text);

// Version `version` (0..9999) of a secret that rotation tests keep changing: a version tag padded
// to 4 KiB with a letter that depends on the version, so that a file cut short or mixed from two
// versions is told apart from a whole one.
std::string versioned_content(int version);
// The version `text` is a whole copy of, or -1 when it is none.
int whole_version_of(const std::string& text);

// A target path as a kubelet would notice changes: whether it exists, its type and mode, its
// entries and how many mounts sit on it.
struct TargetState {
  bool exists = false;
  bool directory = false;
  unsigned mode = 0;
  std::vector<std::string> entries;  // names directly inside, sorted
  std::size_t mounts = 0;
  bool operator==(const TargetState&) const = default;
};
TargetState target_state(const std::filesystem::path& target);
std::string describe(const TargetState& state);

}  // namespace sscsi::testing_support
