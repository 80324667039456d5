#include "identity/token_cache.h"

#include <algorithm>

#include "common/mount_error.h"

namespace sscsi::azure {
namespace {

using std::chrono::system_clock;

void append_field(std::string& out, const std::string& field) {
  out += std::to_string(field.size());
  out.push_back(':');
  out += field;
}

bool passing_failure(sscsi_status code) {
  return code == SSCSI_THROTTLED || code == SSCSI_UNAVAILABLE || code == SSCSI_DEADLINE_EXCEEDED;
}

}  // namespace

std::string TokenCacheKey::serialize() const {
  std::string out;
  for (const std::string* field :
       {&authority, &tenant, &identity, &mode, &subject, &scope, &credential_hash}) {
    append_field(out, *field);
  }
  return out;
}

TokenCache::TokenCache(std::size_t max_entries, Clock clock)
    : max_entries_(std::max<std::size_t>(max_entries, 1)), clock_(std::move(clock)) {}

system_clock::time_point TokenCache::refresh_at(system_clock::time_point obtained,
                                                system_clock::time_point expires_on) {
  if (expires_on <= obtained) return obtained;
  const auto lifetime = expires_on - obtained;
  const auto margin = std::min<system_clock::duration>(std::chrono::minutes(5), lifetime / 2);
  return expires_on - margin;
}

AccessToken TokenCache::get(const TokenCacheKey& key, const Fetch& fetch,
                            const CallControl& control, bool refresh) {
  const std::string id = key.serialize();
  std::unique_lock lock(mutex_);
  while (true) {
    Entry& entry = entries_[id];
    const auto now = clock_();
    if (!refresh && entry.token && now < entry.refresh_at) return *entry.token;
    if (!entry.flight) return run_fetch(lock, id, fetch, control, refresh);

    const std::shared_ptr<Flight> flight = entry.flight;
    while (!flight->done) {
      if (control.stop_requested()) {
        throw MountError(SSCSI_DEADLINE_EXCEEDED,
                         "stopped waiting for a token request of another mount: the call was "
                         "cancelled or its deadline passed");
      }
      changed_.wait_for(lock, std::chrono::milliseconds(50));
    }
    if (flight->token) return *flight->token;
    if (flight->failure && !flight->fetcher_stopped) {
      throw MountError(flight->failure->code, flight->failure->message,
                       flight->failure->retry_after_ms);
    }
    refresh = false;  // the fetch in flight was the refresh; try again ourselves
  }
}

AccessToken TokenCache::run_fetch(std::unique_lock<std::mutex>& lock, const std::string& id,
                                  const Fetch& fetch, const CallControl& control, bool refresh) {
  auto flight = std::make_shared<Flight>();
  entries_[id].flight = flight;
  lock.unlock();
  std::optional<AccessToken> token;
  std::exception_ptr error;  // rethrown on this thread only
  Failure failure;
  try {
    token = fetch(control);
  } catch (const MountError& e) {
    error = std::current_exception();
    failure = {e.code(), e.what(), e.retry_after_ms()};
  } catch (const std::exception& e) {
    error = std::current_exception();
    failure.message = e.what();
  } catch (...) {
    error = std::current_exception();
    failure.message = "the token request failed with an unknown exception";
  }
  const auto now = clock_();
  lock.lock();
  Entry& entry = entries_[id];  // may have been re-created by invalidate()
  entry.flight.reset();
  flight->done = true;
  if (token) {
    entry.token = *token;
    entry.refresh_at = refresh_at(now, token->expires_on);
    flight->token = std::move(token);
    trim_locked(now);
    changed_.notify_all();
    return *flight->token;
  }
  flight->failure = failure;
  flight->fetcher_stopped = control.stop_requested();
  // A refresh that failed for a passing reason keeps a token that still works (not when the
  // caller asked for a refresh because the token was refused).
  if (!refresh && passing_failure(failure.code) && entry.token && now < entry.token->expires_on) {
    flight->token = entry.token;
    changed_.notify_all();
    return *entry.token;
  }
  if (!entry.token) entries_.erase(id);
  changed_.notify_all();
  std::rethrow_exception(error);
}

void TokenCache::invalidate(const TokenCacheKey& key) {
  std::lock_guard guard(mutex_);
  const auto found = entries_.find(key.serialize());
  if (found == entries_.end()) return;
  if (found->second.flight) {
    found->second.token.reset();
  } else {
    entries_.erase(found);
  }
}

std::size_t TokenCache::size() const {
  std::lock_guard guard(mutex_);
  return static_cast<std::size_t>(std::count_if(entries_.begin(), entries_.end(),
                                                [](const auto& e) { return e.second.token; }));
}

void TokenCache::trim_locked(system_clock::time_point now) {
  if (entries_.size() <= max_entries_) return;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (!it->second.flight && (!it->second.token || it->second.token->expires_on <= now)) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  while (entries_.size() > max_entries_) {
    auto oldest = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.flight) continue;
      if (oldest == entries_.end() || it->second.refresh_at < oldest->second.refresh_at) {
        oldest = it;
      }
    }
    if (oldest == entries_.end()) return;
    entries_.erase(oldest);
  }
}

}  // namespace sscsi::azure
