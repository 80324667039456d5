#pragma once
// Per-target locks: work on one target (publish, refresh, unpublish) is serialised while
// different targets proceed in parallel. An entry exists only while someone holds or waits for
// it, so the table does not grow with the number of targets ever seen.

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace sscsi::mount {

class TargetLocks {
  struct Entry;

 public:
  // Holds one target's lock until destroyed. Move-only.
  class Guard {
   public:
    Guard(Guard&& other) noexcept;
    Guard& operator=(Guard&& other) noexcept;
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard();

   private:
    friend class TargetLocks;
    Guard(TargetLocks* owner, Entry* entry) : owner_(owner), entry_(entry) {}
    void release() noexcept;
    TargetLocks* owner_;
    Entry* entry_;
  };

  TargetLocks() = default;
  TargetLocks(const TargetLocks&) = delete;
  TargetLocks& operator=(const TargetLocks&) = delete;
  // Every Guard must be gone before the TargetLocks is destroyed.
  ~TargetLocks() = default;

  // Blocks until `target` (the path exactly as CSI gave it) is free, then holds it.
  Guard lock(const std::string& target);

  // Holds `target` if it is free right now; nullopt otherwise.
  std::optional<Guard> try_lock(const std::string& target);

  // Targets currently held or waited for.
  std::size_t size() const;

 private:
  struct Entry {
    std::mutex mutex;
    std::size_t users = 0;  // holders + waiters, guarded by TargetLocks::mutex_
    std::string key;
  };

  Entry* acquire_entry(const std::string& target);
  void release_entry(Entry* entry) noexcept;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<Entry>> entries_;
};

}  // namespace sscsi::mount
