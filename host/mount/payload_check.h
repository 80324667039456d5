#pragma once
// Checks a payload before anything touches the disk, so that a bad answer changes nothing.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mount/payload.h"

namespace sscsi::mount {

// Bounds on one volume's content. The tmpfs size limit is a separate, kernel-enforced bound;
// these catch a runaway answer earlier and with a clearer message.
struct WriteLimits {
  std::size_t max_files = 4096;
  std::uint64_t max_total_bytes = 64ull * 1024 * 1024;
};

// Throws mount::Error naming the first problem: too many files or bytes (naming the limit), a
// path or mode refused by path_rules.h, a path given twice, or a path that is also a directory
// of another path ("a" and "a/b").
void check_payload(const std::vector<PayloadFile>& files, const WriteLimits& limits);

}  // namespace sscsi::mount
