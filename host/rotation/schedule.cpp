#include "rotation/schedule.h"

#include <utility>

namespace sscsi::rotation {

Schedule::Schedule(ScheduleOptions options, std::function<double()> random)
    : options_(options), random_(std::move(random)) {}

TimePoint Schedule::after_interval(TimePoint now) {
  const double share = 0.1 * random_();
  const auto jitter =
      std::chrono::duration_cast<TimePoint::duration>(std::chrono::duration<double, std::milli>(
          static_cast<double>(options_.interval.count()) * share));
  return now + options_.interval + jitter;
}

void Schedule::push(const std::string& target, Entry& entry) {
  entry.seq = ++next_seq_;
  heap_.push(Item{entry.due, entry.seq, target});
  if (heap_.size() > 2 * entries_.size() + 64) prune();
}

void Schedule::schedule_at(const std::string& target, Entry& entry, TimePoint due) {
  entry.due = due;
  if (entry.taken) {
    entry.rescheduled = true;  // finish() pushes it
  } else {
    push(target, entry);
  }
}

void Schedule::remember(const std::string& target, std::optional<TimePoint> token_expiry,
                        TimePoint now) {
  auto [it, added] = entries_.try_emplace(target);
  it->second.token_expiry = token_expiry;
  if (added) schedule_at(target, it->second, after_interval(now));
}

void Schedule::refreshed(const std::string& target, TimePoint now) {
  auto it = entries_.find(target);
  if (it == entries_.end()) return;
  it->second.failures = 0;
  it->second.backoff_until = TimePoint();
  schedule_at(target, it->second, after_interval(now));
}

void Schedule::failed(const std::string& target, std::chrono::milliseconds retry_after,
                      TimePoint now) {
  auto it = entries_.find(target);
  if (it == entries_.end()) return;
  Entry& entry = it->second;
  if (entry.failures < 1'000'000) ++entry.failures;
  entry.backoff_until = now + options_.backoff.delay(entry.failures, retry_after, random_());
  schedule_at(target, entry, entry.backoff_until);
}

void Schedule::forget(const std::string& target) { entries_.erase(target); }

bool Schedule::backing_off(const std::string& target, TimePoint now) const {
  auto it = entries_.find(target);
  return it != entries_.end() && now < it->second.backoff_until;
}

std::optional<std::string> Schedule::take_due(TimePoint now) {
  while (!heap_.empty() && heap_.top().due <= now) {
    Item item = heap_.top();
    heap_.pop();
    auto it = entries_.find(item.target);
    if (it == entries_.end() || it->second.seq != item.seq || it->second.taken) continue;
    Entry& entry = it->second;
    if (!tokens_valid(entry.token_expiry, now, options_.token_margin)) {
      schedule_at(item.target, entry, after_interval(now));
      continue;
    }
    entry.taken = true;
    entry.rescheduled = false;
    return std::move(item.target);
  }
  return std::nullopt;
}

void Schedule::finish(const std::string& target, TimePoint now) {
  auto it = entries_.find(target);
  if (it == entries_.end() || !it->second.taken) return;
  Entry& entry = it->second;
  entry.taken = false;
  if (!entry.rescheduled) entry.due = after_interval(now);
  entry.rescheduled = false;
  push(target, entry);
}

std::optional<TimePoint> Schedule::next_due() {
  while (!heap_.empty()) {
    const Item& top = heap_.top();
    auto it = entries_.find(top.target);
    if (it != entries_.end() && it->second.seq == top.seq && !it->second.taken) return top.due;
    heap_.pop();
  }
  return std::nullopt;
}

void Schedule::prune() {
  std::vector<Item> current;
  current.reserve(entries_.size());
  for (const auto& [target, entry] : entries_) {
    if (!entry.taken) current.push_back(Item{entry.due, entry.seq, target});
  }
  heap_ = decltype(heap_)(std::greater<>(), std::move(current));
}

std::optional<TimePoint> Schedule::due(const std::string& target) const {
  auto it = entries_.find(target);
  if (it == entries_.end()) return std::nullopt;
  return it->second.due;
}

int Schedule::failures(const std::string& target) const {
  auto it = entries_.find(target);
  return it == entries_.end() ? 0 : it->second.failures;
}

}  // namespace sscsi::rotation
