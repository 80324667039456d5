#pragma once
// When each mounted target is refreshed next: an ordered schedule (a min-heap on the due time,
// stale entries dropped lazily), so that finding the next due mount costs O(log n) whatever the
// number of mounts. Pure bookkeeping with the time passed in: no thread, no clock, not
// thread-safe (the Scheduler guards it).
//
// Rules:
// - a target's next refresh is due at its last refresh (or mount) + interval + a random 0..10%
//   of the interval, so that mounts made together spread out;
// - a failed refresh is retried after Backoff::delay; a success resets the failure count;
// - a target whose tokens are not valid (see token_expiry.h) for `token_margin` more is not
//   handed out; it is looked at again one interval later (the kubelet's republish meanwhile
//   brings fresh tokens and refreshes it itself);
// - a target handed out by take_due is not handed out again until finish().

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "rotation/backoff.h"
#include "rotation/token_expiry.h"

namespace sscsi::rotation {

struct ScheduleOptions {
  std::chrono::milliseconds interval{std::chrono::minutes(2)};  // --rotation-poll-interval
  Backoff backoff = Backoff::for_interval(std::chrono::minutes(2));
  // Tokens expiring sooner than this are not used for a refresh.
  std::chrono::milliseconds token_margin{std::chrono::seconds(30)};
};

class Schedule {
 public:
  // `random` returns values in [0, 1): the jitter of due times and backoffs.
  Schedule(ScheduleOptions options, std::function<double()> random);

  // The target is mounted, or republished with fresh tokens expiring at `token_expiry` (see
  // earliest_token_expiry). A new target is first due one interval (plus jitter) from `now`; a
  // known one keeps its due time and takes the new expiry.
  void remember(const std::string& target, std::optional<TimePoint> token_expiry, TimePoint now);
  // A refresh succeeded (by the scheduler or a kubelet republish): due again one interval on.
  void refreshed(const std::string& target, TimePoint now);
  // A refresh failed: due again after the backoff (at least `retry_after`).
  void failed(const std::string& target, std::chrono::milliseconds retry_after, TimePoint now);
  void forget(const std::string& target);
  // The target failed and its backoff has not run out at `now`.
  bool backing_off(const std::string& target, TimePoint now) const;

  // The earliest target due at `now` with valid tokens, taken out until finish(); nullopt when
  // none is due.
  std::optional<std::string> take_due(TimePoint now);
  // The refresh of a taken target returned. Unless it was rescheduled meanwhile (refreshed() or
  // failed() during the call), it is due again one interval from `now`.
  void finish(const std::string& target, TimePoint now);

  // The earliest due time of any target not taken; nullopt when there is none.
  std::optional<TimePoint> next_due();

  std::size_t size() const { return entries_.size(); }
  // For tests and logs: a target's due time and failures in a row.
  std::optional<TimePoint> due(const std::string& target) const;
  int failures(const std::string& target) const;

 private:
  struct Entry {
    TimePoint due;
    std::uint64_t seq = 0;  // matches the one heap item that is current
    int failures = 0;
    TimePoint backoff_until;
    std::optional<TimePoint> token_expiry;
    bool taken = false;        // handed out by take_due, finish() not yet called
    bool rescheduled = false;  // refreshed()/failed() while taken
  };
  struct Item {
    TimePoint due;
    std::uint64_t seq;
    std::string target;
    bool operator>(const Item& other) const {
      return due != other.due ? due > other.due : seq > other.seq;
    }
  };

  TimePoint after_interval(TimePoint now);
  void schedule_at(const std::string& target, Entry& entry, TimePoint due);
  void push(const std::string& target, Entry& entry);
  // Drops stale heap items from the top; rebuilds the heap when most of it is stale.
  void prune();

  ScheduleOptions options_;
  std::function<double()> random_;
  std::map<std::string, Entry> entries_;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace sscsi::rotation
