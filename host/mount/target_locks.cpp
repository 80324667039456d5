#include "mount/target_locks.h"

namespace sscsi::mount {

TargetLocks::Guard::Guard(Guard&& other) noexcept : owner_(other.owner_), entry_(other.entry_) {
  other.entry_ = nullptr;
}

TargetLocks::Guard& TargetLocks::Guard::operator=(Guard&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = other.owner_;
    entry_ = other.entry_;
    other.entry_ = nullptr;
  }
  return *this;
}

TargetLocks::Guard::~Guard() { release(); }

void TargetLocks::Guard::release() noexcept {
  if (entry_ == nullptr) return;
  entry_->mutex.unlock();
  owner_->release_entry(entry_);
  entry_ = nullptr;
}

TargetLocks::Entry* TargetLocks::acquire_entry(const std::string& target) {
  const std::lock_guard table(mutex_);
  std::unique_ptr<Entry>& slot = entries_[target];
  if (!slot) {
    slot = std::make_unique<Entry>();
    slot->key = target;
  }
  ++slot->users;
  return slot.get();
}

void TargetLocks::release_entry(Entry* entry) noexcept {
  const std::lock_guard table(mutex_);
  // Erase through an iterator: the key argument must not be the string the erase destroys.
  if (--entry->users == 0) entries_.erase(entries_.find(entry->key));
}

TargetLocks::Guard TargetLocks::lock(const std::string& target) {
  Entry* entry = acquire_entry(target);
  // The per-target mutex is taken outside the table lock, so waiting for one target never
  // blocks work on another.
  entry->mutex.lock();
  return Guard(this, entry);
}

std::optional<TargetLocks::Guard> TargetLocks::try_lock(const std::string& target) {
  Entry* entry = acquire_entry(target);
  if (!entry->mutex.try_lock()) {
    release_entry(entry);
    return std::nullopt;
  }
  return Guard(this, entry);
}

std::size_t TargetLocks::size() const {
  const std::lock_guard table(mutex_);
  return entries_.size();
}

}  // namespace sscsi::mount
