#include "work_dir.h"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <stdlib.h>

#include <iostream>
#include <stdexcept>
#include <system_error>

namespace sscsi::bench {

namespace fs = std::filesystem;

WorkDir::WorkDir(fs::path given, std::string_view program)
    : path_(std::move(given)), program_(program) {
  if (!path_.empty()) {
    fs::create_directories(path_);
    return;
  }
  std::string pattern = (fs::temp_directory_path() / (program_ + ".XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(fmt::format("cannot create a directory like {}", pattern));
  }
  path_ = pattern;
  owned_ = true;
}

WorkDir::~WorkDir() {
  if (!owned_) return;
  std::error_code ec;
  // Rounds remove their own directories, or leave them when something under them stayed
  // mounted: those are not descended into here.
  for (const fs::directory_entry& entry : fs::directory_iterator(path_, ec)) {
    if (!entry.path().filename().string().starts_with("round-")) fs::remove_all(entry, ec);
  }
  if (!fs::remove(path_, ec) && ec) {
    fmt::print(std::cerr, "{}: {} left in place: {}\n", program_, path_.string(), ec.message());
  }
}

}  // namespace sscsi::bench
