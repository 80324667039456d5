#include "go_duration.h"

#include <cstdint>
#include <limits>
#include <tuple>
#include <utility>

// A port of Go's time.ParseDuration and Duration.String (src/time/format.go). Staying exact means
// a value that works in an upstream SecretProviderClass works here and vice versa.

namespace sscsi::mock {
namespace {

constexpr std::uint64_t kNanosecond = 1;
constexpr std::uint64_t kMicrosecond = 1000 * kNanosecond;
constexpr std::uint64_t kMillisecond = 1000 * kMicrosecond;
constexpr std::uint64_t kSecond = 1000 * kMillisecond;
constexpr std::uint64_t kMinute = 60 * kSecond;
constexpr std::uint64_t kHour = 60 * kMinute;
constexpr std::uint64_t kLimit = std::uint64_t{1} << 63;

std::optional<std::uint64_t> unit_nanoseconds(std::string_view unit) {
  if (unit == "ns") return kNanosecond;
  if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs") return kMicrosecond;
  if (unit == "ms") return kMillisecond;
  if (unit == "s") return kSecond;
  if (unit == "m") return kMinute;
  if (unit == "h") return kHour;
  return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Consumes leading digits; nullopt on overflow past 2^63.
std::optional<std::uint64_t> leading_int(std::string_view& s) {
  std::uint64_t value = 0;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (value > kLimit / 10) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (value > kLimit) return std::nullopt;
  }
  s.remove_prefix(i);
  return value;
}

// Consumes the digits after a '.'; keeps as many as fit and scales accordingly.
std::pair<std::uint64_t, double> leading_fraction(std::string_view& s) {
  std::uint64_t value = 0;
  double scale = 1;
  bool overflow = false;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (overflow) continue;
    if (value > (kLimit - 1) / 10) {
      overflow = true;
      continue;
    }
    const std::uint64_t next = value * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (next > kLimit) {
      overflow = true;
      continue;
    }
    value = next;
    scale *= 10;
  }
  s.remove_prefix(i);
  return {value, scale};
}

// Prepends the fraction v/10^precision without trailing zeros (and without the '.' when it is
// zero); returns v/10^precision.
std::uint64_t prepend_fraction(std::string& out, std::uint64_t v, int precision) {
  bool printed = false;
  for (int i = 0; i < precision; ++i) {
    const auto digit = static_cast<char>('0' + v % 10);
    printed = printed || digit != '0';
    if (printed) out.insert(out.begin(), digit);
    v /= 10;
  }
  if (printed) out.insert(out.begin(), '.');
  return v;
}

void prepend_int(std::string& out, std::uint64_t v) { out.insert(0, std::to_string(v)); }

}  // namespace

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds{0};
  if (s.empty()) return std::nullopt;

  std::uint64_t total = 0;
  while (!s.empty()) {
    if (!(s.front() == '.' || is_digit(s.front()))) return std::nullopt;
    const std::size_t before_int = s.size();
    const std::optional<std::uint64_t> whole = leading_int(s);
    if (!whole) return std::nullopt;
    const bool has_int = before_int != s.size();

    std::uint64_t fraction = 0;
    double scale = 1;
    bool has_fraction = false;
    if (!s.empty() && s.front() == '.') {
      s.remove_prefix(1);
      const std::size_t before_fraction = s.size();
      std::tie(fraction, scale) = leading_fraction(s);
      has_fraction = before_fraction != s.size();
    }
    if (!has_int && !has_fraction) return std::nullopt;

    std::size_t unit_end = 0;
    while (unit_end < s.size() && s[unit_end] != '.' && !is_digit(s[unit_end])) ++unit_end;
    if (unit_end == 0) return std::nullopt;
    const std::optional<std::uint64_t> unit = unit_nanoseconds(s.substr(0, unit_end));
    if (!unit) return std::nullopt;
    s.remove_prefix(unit_end);

    if (*whole > kLimit / *unit) return std::nullopt;
    std::uint64_t value = *whole * *unit;
    if (fraction > 0) {
      value += static_cast<std::uint64_t>(static_cast<double>(fraction) *
                                          (static_cast<double>(*unit) / scale));
      if (value > kLimit) return std::nullopt;
    }
    total += value;
    if (total > kLimit) return std::nullopt;
  }
  if (negative) {
    // -2^63 is representable; everything else up to it negates safely.
    if (total == kLimit) return std::chrono::nanoseconds{std::numeric_limits<std::int64_t>::min()};
    return std::chrono::nanoseconds{-static_cast<std::int64_t>(total)};
  }
  if (total > kLimit - 1) return std::nullopt;
  return std::chrono::nanoseconds{static_cast<std::int64_t>(total)};
}

std::string format_go_duration(std::chrono::nanoseconds d) {
  const std::int64_t count = d.count();
  const bool negative = count < 0;
  std::uint64_t u = negative ? std::uint64_t{0} - static_cast<std::uint64_t>(count)
                             : static_cast<std::uint64_t>(count);
  std::string out;
  if (u < kSecond) {
    if (u == 0) return "0s";
    int precision = 0;
    if (u < kMicrosecond) {
      out = "ns";
    } else if (u < kMillisecond) {
      precision = 3;
      out = "\u00b5s";
    } else {
      precision = 6;
      out = "ms";
    }
    u = prepend_fraction(out, u, precision);
    prepend_int(out, u);
  } else {
    out = "s";
    u = prepend_fraction(out, u, 9);
    prepend_int(out, u % 60);
    u /= 60;
    if (u > 0) {
      out.insert(out.begin(), 'm');
      prepend_int(out, u % 60);
      u /= 60;
      if (u > 0) {
        out.insert(out.begin(), 'h');
        prepend_int(out, u);
      }
    }
  }
  if (negative) out.insert(out.begin(), '-');
  return out;
}

}  // namespace sscsi::mock
