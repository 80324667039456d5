#include "mount/payload_check.h"

#include <fmt/format.h>
#include <string_view>
#include <unordered_set>

#include "mount/error.h"
#include "mount/layout.h"
#include "mount/path_rules.h"

namespace sscsi::mount {

void check_payload(const std::vector<PayloadFile>& files, const WriteLimits& limits) {
  if (files.size() > limits.max_files) {
    throw Error(fmt::format("the payload has {} files, more than the limit of {} files per volume",
                            files.size(), limits.max_files));
  }
  std::uint64_t total = 0;
  for (const PayloadFile& file : files) total += file.data.size();
  if (total > limits.max_total_bytes) {
    throw Error(
        fmt::format("the payload holds {} bytes, more than the limit of {} bytes per volume", total,
                    limits.max_total_bytes));
  }

  std::unordered_set<std::string_view> paths;
  paths.reserve(files.size());
  for (const PayloadFile& file : files) {
    if (auto problem = path_problem(file.path)) {
      throw Error(fmt::format("file {}: {}", layout::quoted(file.path), *problem));
    }
    if (auto problem = mode_problem(file.mode)) {
      throw Error(fmt::format("file {}: {}", layout::quoted(file.path), *problem));
    }
    if (!paths.insert(file.path).second) {
      throw Error(
          fmt::format("file {} appears more than once in the payload", layout::quoted(file.path)));
    }
  }
  // Every directory a path needs must not itself be a file of the payload.
  for (const PayloadFile& file : files) {
    const std::string_view path = file.path;
    for (std::size_t slash = path.find('/'); slash != std::string_view::npos;
         slash = path.find('/', slash + 1)) {
      const std::string_view directory = path.substr(0, slash);
      if (paths.contains(directory)) {
        throw Error(fmt::format("file {} is also a directory of file {}; a path cannot be both",
                                layout::quoted(directory), layout::quoted(path)));
      }
    }
  }
}

}  // namespace sscsi::mount
