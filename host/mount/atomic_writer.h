#pragma once
// Writes a volume's files the way the kubelet's atomic writer does (layout.h), so that readers
// never see a half-written version and applications can watch `..data`:
//   1. check the payload (payload_check.h) and the target's top-level entries;
//   2. skip everything when the current version already has the same paths, bytes and modes
//      (unlike upstream, a mode-only change is written);
//   3. build the new version in a fresh `..<timestamp>.<random>` directory (modes exact,
//      directories 0755);
//   4. point `..data_tmp` at it and rename it over `..data` (the atomic step);
//   5. add missing user-visible links `<first element> -> ..data/<first element>`, remove stale
//      ones, remove the old version directory.
// A failure before step 4 leaves the previous version untouched and removes the half-built
// directory. Not thread-safe per target: callers hold the target's lock (target_locks.h).

#include <filesystem>
#include <string>
#include <vector>

#include "mount/payload.h"
#include "mount/payload_check.h"

namespace sscsi::mount {

struct WriteResult {
  bool swapped = false;     // a new version was written (false: content was unchanged)
  std::string version_dir;  // the version directory `..data` points at after the call
};

// Makes `target` (an existing directory, normally a tmpfs mount) hold exactly `files`.
// Throws mount::Error for a refused payload, a top-level entry that is not ours and has the
// name of a payload entry, a tampered layout, or an OS failure (ENOSPC when the volume's size
// limit is reached).
WriteResult write_payload(const std::filesystem::path& target,
                          const std::vector<PayloadFile>& files, const WriteLimits& limits = {});

}  // namespace sscsi::mount
