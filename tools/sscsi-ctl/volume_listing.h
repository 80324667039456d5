#pragma once
// What a pod sees in a published volume. The atomic writer keeps the data in ..<timestamp>
// directories behind a ..data symlink and exposes each top-level name as a symlink into it, so
// the listing follows top-level symlinks and skips every name starting with "..".

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sscsi::tools {

struct VolumeFile {
  std::string path;  // relative, '/'-separated, as the pod sees it
  std::uintmax_t size = 0;
};

// Regular files under `target`, sorted by path. Throws std::filesystem::filesystem_error when
// the directory cannot be read.
std::vector<VolumeFile> list_volume(const std::filesystem::path& target);

}  // namespace sscsi::tools
