#pragma once
// The mount state store: one small JSON record per mounted target under a state directory
// (default /run/sscsi), so that a restarted host knows which volumes it serves and can refresh
// them. Records are named by the SHA-256 of the target path and hold no secrets (mount_record.h).
//
// Records are replaced atomically (a temporary file in the same directory renamed over the
// record) but never fsynced: a record must survive a crash of the process, not of the node.
// After a reboot the tmpfs volumes are gone as well, so a record that outlived them would only
// describe mounts that no longer exist (drop_unmounted removes such records).
//
// Thread-safe for different targets; calls for one target are serialised by the caller (the
// target's lock, target_locks.h).

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mount/mount_record.h"

namespace sscsi::mount {

struct LoadedRecords {
  std::vector<MountRecord> records;   // sorted by target path
  std::vector<std::string> problems;  // one line per record that could not be used
};

class StateStore {
 public:
  // Creates `dir` (mode 0700) when it does not exist. Throws mount::Error when it cannot.
  explicit StateStore(std::filesystem::path dir);

  const std::filesystem::path& dir() const { return dir_; }

  // Where the record for `target_path` lives: <dir>/<sha256 hex of the path>.json.
  std::filesystem::path record_path(const std::string& target_path) const;

  // Writes or atomically replaces the record for record.target_path (which must be absolute).
  void save(const MountRecord& record) const;

  // Removes the record for `target_path`; false when there was none.
  bool remove(const std::string& target_path) const;

  // The record for `target_path`, or nullopt when there is none. Throws mount::Error for a
  // corrupt record.
  std::optional<MountRecord> load(const std::string& target_path) const;

  // Every record. A corrupt one (bad JSON, missing field, stored under the wrong name, too
  // large) is reported in `problems` and skipped; it never stops the others from loading.
  LoadedRecords load_all() const;

  // Deletes the temporary files of saves that never reached their rename (the process was
  // killed in between); they would otherwise stay forever. Only files named as save() names
  // them are touched. Call it only while nothing saves into this directory (the host does so
  // at startup, before it serves). Returns how many were removed and one line per file that
  // could not be.
  struct RemovedTemporaries {
    std::size_t removed = 0;
    std::vector<std::string> problems;
  };
  RemovedTemporaries remove_abandoned_temporaries() const;

 private:
  std::filesystem::path dir_;
};

struct PrunedRecords {
  std::vector<MountRecord> kept;     // targets that are still mounted
  std::vector<MountRecord> dropped;  // records removed from the store
  // Targets that could not be checked (kept) or records that could not be removed (neither
  // kept nor dropped).
  std::vector<std::string> problems;
};

// Removes from `store` the records whose target is no longer a mount point, e.g. after a
// reboot or when the kubelet cleaned up while the host was down. `is_mounted` defaults to
// platform::is_mount_point; a check that throws keeps the record and reports the problem.
PrunedRecords drop_unmounted(
    const StateStore& store, std::vector<MountRecord> records,
    const std::function<bool(const std::filesystem::path&)>& is_mounted = nullptr);

}  // namespace sscsi::mount
