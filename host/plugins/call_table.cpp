#include "plugins/call_table.h"

#include <chrono>

namespace sscsi::plugins {
namespace {

constexpr std::uint64_t kFree = 0;
constexpr std::uint64_t kReserved =
    1;  // never a call id: ids have a sequence number >= 1 above the slot bits

// Shared by every table so that call ids are unique across providers too.
std::atomic<std::uint64_t> next_sequence{1};

}  // namespace

std::int64_t unix_now_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

CallTable::CallTable() : slots_(new Slot[kSlots]) {}

std::optional<std::uint64_t> CallTable::begin(std::int64_t deadline_unix_ms) noexcept {
  if (shutting_down_.load()) return std::nullopt;
  const std::uint64_t sequence = next_sequence.fetch_add(1);
  for (std::size_t probe = 0; probe < kSlots; ++probe) {
    const std::size_t index = (sequence + probe) % kSlots;
    Slot& slot = slots_[index];
    std::uint64_t expected = kFree;
    if (!slot.id.compare_exchange_strong(expected, kReserved)) continue;
    slot.deadline_unix_ms.store(deadline_unix_ms);
    const std::uint64_t id = (sequence << kSlotBits) | index;
    slot.id.store(id);
    return id;
  }
  return std::nullopt;
}

CallTable::Slot* CallTable::slot_of(std::uint64_t call_id) const noexcept {
  if (call_id < kSlots) return nullptr;  // sequence 0 is never handed out
  return &slots_[call_id & (kSlots - 1)];
}

void CallTable::end(std::uint64_t call_id) noexcept {
  Slot* slot = slot_of(call_id);
  if (slot == nullptr) return;
  std::uint64_t expected = call_id;
  slot->id.compare_exchange_strong(expected, kFree);
}

void CallTable::shut_down() noexcept { shutting_down_.store(true); }

bool CallTable::shutting_down() const noexcept { return shutting_down_.load(); }

bool CallTable::cancelled(std::uint64_t call_id) const noexcept {
  if (shutting_down_.load(std::memory_order_relaxed)) return true;
  const Slot* slot = slot_of(call_id);
  if (slot == nullptr || slot->id.load() != call_id) return true;
  const std::int64_t deadline = slot->deadline_unix_ms.load();
  // The slot may have been reused between the two reads; then this call is over.
  if (slot->id.load() != call_id) return true;
  return unix_now_ms() >= deadline;
}

std::size_t CallTable::running() const noexcept {
  std::size_t count = 0;
  for (std::size_t i = 0; i < kSlots; ++i) {
    const std::uint64_t id = slots_[i].id.load(std::memory_order_relaxed);
    if (id != kFree && id != kReserved) ++count;
  }
  return count;
}

}  // namespace sscsi::plugins
