#include "app/duration.h"

#include <array>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace sscsi::app {
namespace {

// A port of Go's time.ParseDuration, so that every value upstream accepts means the same here
// (including the rounding of fractions and where overflow is detected).

constexpr std::uint64_t kMagnitudeLimit = std::uint64_t{1} << 63;  // |INT64_MIN|

struct Unit {
  std::string_view name;
  std::uint64_t nanoseconds;
};

constexpr std::array kUnits{
    Unit{"ns", 1},
    Unit{"us", 1'000},
    Unit{"\xC2\xB5s", 1'000},  // U+00B5 MICRO SIGN
    Unit{"\xCE\xBCs", 1'000},  // U+03BC GREEK SMALL LETTER MU
    Unit{"ms", 1'000'000},
    Unit{"s", 1'000'000'000},
    Unit{"m", 60'000'000'000},
    Unit{"h", 3'600'000'000'000},
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

[[noreturn]] void fail(std::string_view text, std::string_view problem) {
  throw std::invalid_argument(fmt::format("invalid duration \"{}\": {}", text, problem));
}

// Consumes [0-9]* from the front of `rest`; false on overflow.
bool leading_int(std::string_view& rest, std::uint64_t& value) {
  value = 0;
  std::size_t i = 0;
  for (; i < rest.size() && is_digit(rest[i]); ++i) {
    if (value > kMagnitudeLimit / 10) return false;
    value = value * 10 + static_cast<std::uint64_t>(rest[i] - '0');
    if (value > kMagnitudeLimit) return false;
  }
  rest.remove_prefix(i);
  return true;
}

// Consumes [0-9]* after a '.'; digits beyond what fits are consumed and ignored.
void leading_fraction(std::string_view& rest, std::uint64_t& value, double& scale) {
  value = 0;
  scale = 1;
  bool overflow = false;
  std::size_t i = 0;
  for (; i < rest.size() && is_digit(rest[i]); ++i) {
    if (overflow) continue;
    if (value > (kMagnitudeLimit - 1) / 10) {
      overflow = true;
      continue;
    }
    const std::uint64_t next = value * 10 + static_cast<std::uint64_t>(rest[i] - '0');
    if (next > kMagnitudeLimit) {
      overflow = true;
      continue;
    }
    value = next;
    scale *= 10;
  }
  rest.remove_prefix(i);
}

}  // namespace

std::chrono::nanoseconds parse_duration(std::string_view text) {
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest.front() == '-' || rest.front() == '+')) {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  if (rest == "0") return std::chrono::nanoseconds{0};
  if (rest.empty()) fail(text, "expected a number with a unit, e.g. 30s, 2m or 1m30s");

  std::uint64_t total = 0;
  while (!rest.empty()) {
    if (!(rest.front() == '.' || is_digit(rest.front()))) {
      fail(text, "expected a number with a unit, e.g. 30s, 2m or 1m30s");
    }
    const std::size_t before_int = rest.size();
    std::uint64_t value = 0;
    if (!leading_int(rest, value)) fail(text, "too large (the limit is about 292 years)");
    const bool has_int = rest.size() != before_int;

    std::uint64_t fraction = 0;
    double scale = 1;
    bool has_fraction = false;
    if (!rest.empty() && rest.front() == '.') {
      rest.remove_prefix(1);
      const std::size_t before_fraction = rest.size();
      leading_fraction(rest, fraction, scale);
      has_fraction = rest.size() != before_fraction;
    }
    if (!has_int && !has_fraction) fail(text, "a '.' must have digits next to it");

    std::size_t unit_length = 0;
    while (unit_length < rest.size() && rest[unit_length] != '.' && !is_digit(rest[unit_length])) {
      ++unit_length;
    }
    if (unit_length == 0) fail(text, "missing unit (use ns, us, ms, s, m or h)");
    const std::string_view unit_name = rest.substr(0, unit_length);
    rest.remove_prefix(unit_length);
    const Unit* unit = nullptr;
    for (const Unit& candidate : kUnits) {
      if (candidate.name == unit_name) unit = &candidate;
    }
    if (unit == nullptr) {
      fail(text, fmt::format("unknown unit \"{}\" (use ns, us, ms, s, m or h)", unit_name));
    }

    if (value > kMagnitudeLimit / unit->nanoseconds) fail(text, "too large");
    value *= unit->nanoseconds;
    if (fraction > 0) {
      value += static_cast<std::uint64_t>(static_cast<double>(fraction) *
                                          (static_cast<double>(unit->nanoseconds) / scale));
      if (value > kMagnitudeLimit) fail(text, "too large");
    }
    total += value;
    if (total > kMagnitudeLimit) fail(text, "too large");
  }
  if (negative) {
    // -(2^63) is representable; everything smaller in magnitude negates normally.
    if (total == kMagnitudeLimit) {
      return std::chrono::nanoseconds{std::numeric_limits<std::int64_t>::min()};
    }
    return std::chrono::nanoseconds{-static_cast<std::int64_t>(total)};
  }
  if (total > kMagnitudeLimit - 1) fail(text, "too large");
  return std::chrono::nanoseconds{static_cast<std::int64_t>(total)};
}

std::string format_duration(std::chrono::nanoseconds duration) {
  const std::int64_t count = duration.count();
  if (count == 0) return "0s";
  // Work on the magnitude as unsigned so that INT64_MIN has a positive counterpart.
  std::uint64_t magnitude = count < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(count)
                                      : static_cast<std::uint64_t>(count);
  std::string text = count < 0 ? "-" : "";
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 6> kParts{{
      {"h", 3'600'000'000'000},
      {"m", 60'000'000'000},
      {"s", 1'000'000'000},
      {"ms", 1'000'000},
      {"us", 1'000},
      {"ns", 1},
  }};
  for (const auto& [name, size] : kParts) {
    const std::uint64_t amount = magnitude / size;
    magnitude %= size;
    if (amount != 0) text += fmt::format("{}{}", amount, name);
  }
  return text;
}

}  // namespace sscsi::app
