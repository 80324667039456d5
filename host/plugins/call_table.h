#pragma once
// The mount calls of one provider that are still running, for sscsi_host_api.call_cancelled.
// Plugins poll call_cancelled often and from their own threads, so a lookup takes no lock: a
// call id names its slot (low bits) and is unique for the process lifetime (high bits), so a
// slot reused by a later call can never be mistaken for the old one.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

namespace sscsi::plugins {

class CallTable {
 public:
  static constexpr unsigned kSlotBits = 12;
  static constexpr std::size_t kSlots = std::size_t{1} << kSlotBits;  // concurrent calls

  CallTable();
  CallTable(const CallTable&) = delete;
  CallTable& operator=(const CallTable&) = delete;

  // Registers a call that may run until `deadline_unix_ms` (CLOCK_REALTIME). nullopt when
  // kSlots calls are already running.
  std::optional<std::uint64_t> begin(std::int64_t deadline_unix_ms) noexcept;
  // The host stopped waiting for the call (it answered, or its deadline passed); its id now
  // counts as cancelled. Idempotent.
  void end(std::uint64_t call_id) noexcept;
  // From now on every call counts as cancelled and begin() fails.
  void shut_down() noexcept;
  bool shutting_down() const noexcept;

  // True when the call is unknown, over, past its deadline, or the table shut down.
  bool cancelled(std::uint64_t call_id) const noexcept;

  std::size_t running() const noexcept;

 private:
  struct Slot {
    std::atomic<std::uint64_t> id{0};  // 0: free; kReserved: being filled; else the call id
    std::atomic<std::int64_t> deadline_unix_ms{0};
  };
  Slot* slot_of(std::uint64_t call_id) const noexcept;

  std::unique_ptr<Slot[]> slots_;
  std::atomic<bool> shutting_down_{false};
};

// Milliseconds since the Unix epoch, CLOCK_REALTIME, as in sscsi_mount_request.
std::int64_t unix_now_ms() noexcept;

}  // namespace sscsi::plugins
