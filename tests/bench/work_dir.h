#pragma once
// The directory a benchmark's rounds live in: the one given (kept), or a new temporary one that
// is removed at the end — except for round directories something stayed mounted under, which are
// left in place (and reported) rather than descended into.

#include <filesystem>
#include <string>
#include <string_view>

namespace sscsi::bench {

class WorkDir {
 public:
  // `given` empty → a new directory /tmp/<program>.XXXXXX owned by this object.
  WorkDir(std::filesystem::path given, std::string_view program);
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  ~WorkDir();

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::string program_;
  bool owned_ = false;
};

}  // namespace sscsi::bench
