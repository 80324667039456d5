#include "volume_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include "mount_table.h"

namespace sscsi::testing_support {

namespace fs = std::filesystem;

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::string versioned_content(int version) {
  std::string text = fmt::format("version {:04}|", version);
  text.resize(4096, static_cast<char>('a' + version % 26));
  return text;
}

int whole_version_of(const std::string& text) {
  constexpr std::string_view kTag = "version ";
  if (text.size() < kTag.size() + 5 || !text.starts_with(kTag)) return -1;
  const std::string digits = text.substr(kTag.size(), 4);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  const int version = std::stoi(digits);
  return text == versioned_content(version) ? version : -1;
}

std::map<std::string, VolumeFile> read_volume(const fs::path& target) {
  std::map<std::string, VolumeFile> files;
  const fs::path data = target / "..data";
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(data)) {
    if (!entry.is_regular_file()) continue;
    const fs::path relative = entry.path().lexically_relative(data);
    const auto mode = static_cast<unsigned>(entry.status().permissions()) & 0777;
    files[relative.string()] = VolumeFile{read_text(entry.path()), mode};
  }
  return files;
}

TargetState target_state(const fs::path& target) {
  TargetState state;
  struct stat info {};
  if (::lstat(target.c_str(), &info) != 0) return state;
  state.exists = true;
  state.directory = S_ISDIR(info.st_mode);
  state.mode = info.st_mode & 07777;
  if (state.directory) {
    for (const fs::directory_entry& entry : fs::directory_iterator(target)) {
      state.entries.push_back(entry.path().filename().string());
    }
    std::sort(state.entries.begin(), state.entries.end());
  }
  state.mounts = mount_count_at(target);
  return state;
}

std::string describe(const TargetState& state) {
  if (!state.exists) return "absent";
  return fmt::format("{} mode {:04o}, entries [{}], {} mount(s)",
                     state.directory ? "directory" : "non-directory", state.mode,
                     fmt::join(state.entries, ", "), state.mounts);
}

}  // namespace sscsi::testing_support
