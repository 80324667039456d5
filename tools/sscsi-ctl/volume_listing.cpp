#include "sscsi-ctl/volume_listing.h"

#include <algorithm>

namespace sscsi::tools {

std::vector<VolumeFile> list_volume(const std::filesystem::path& target) {
  namespace fs = std::filesystem;
  std::vector<VolumeFile> files;
  for (const fs::directory_entry& top : fs::directory_iterator(target)) {
    const std::string name = top.path().filename().string();
    if (name.starts_with("..")) continue;
    // status() follows the symlink into ..data.
    const fs::file_status status = fs::status(top.path());
    if (fs::is_regular_file(status)) {
      files.push_back({name, fs::file_size(top.path())});
    } else if (fs::is_directory(status)) {
      for (const fs::directory_entry& entry : fs::recursive_directory_iterator(top.path())) {
        if (!entry.is_regular_file()) continue;
        const fs::path relative = fs::path(name) / entry.path().lexically_relative(top.path());
        files.push_back({relative.generic_string(), entry.file_size()});
      }
    }
  }
  std::sort(files.begin(), files.end(),
            [](const VolumeFile& a, const VolumeFile& b) { return a.path < b.path; });
  return files;
}

}  // namespace sscsi::tools
