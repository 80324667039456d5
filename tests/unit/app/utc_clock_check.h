#pragma once
// Helpers for tests that check a log timestamp is UTC: run with a local time zone far from UTC
// so that a formatter using local time would be caught, then compare with the clock.

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace sscsi::app::testing_support {

// Sets TZ to a POSIX zone 5h30 east of UTC (needs no tzdata) for the scope's lifetime.
class FarFromUtcTimeZone {
 public:
  FarFromUtcTimeZone() {
    if (const char* tz = std::getenv("TZ")) previous_ = tz;
    setenv("TZ", "SSCSI-5:30", 1);
    tzset();
  }
  ~FarFromUtcTimeZone() {
    if (previous_) {
      setenv("TZ", previous_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  FarFromUtcTimeZone(const FarFromUtcTimeZone&) = delete;
  FarFromUtcTimeZone& operator=(const FarFromUtcTimeZone&) = delete;

 private:
  std::optional<std::string> previous_;
};

// True for "YYYY-MM-DDTHH:MM:SS.mmmZ" (the shape only; seconds_from_now checks the value).
// Written by hand: std::regex trips a GCC 12 false -Wmaybe-uninitialized under ASan.
inline bool is_timestamp_shape(std::string_view text) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != kShape.size()) return false;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (kShape[i] == 'd' ? !digit : text[i] != kShape[i]) return false;
  }
  return true;
}

// Seconds between "YYYY-MM-DDTHH:MM:SS.mmmZ" read as UTC and now (absolute value).
inline long long seconds_from_now(const std::string& timestamp) {
  std::tm utc{};
  if (strptime(timestamp.c_str(), "%Y-%m-%dT%H:%M:%S", &utc) == nullptr) return 1LL << 40;
  const std::time_t stamped = timegm(&utc);
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  return stamped > now ? stamped - now : now - stamped;
}

}  // namespace sscsi::app::testing_support
