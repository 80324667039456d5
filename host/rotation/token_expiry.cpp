#include "rotation/token_expiry.h"

#include <charconv>

#include <nlohmann/json.hpp>

namespace sscsi::rotation {
namespace {

// Reads exactly `digits` decimal digits at `pos`.
std::optional<int> number(std::string_view text, std::size_t pos, std::size_t digits) {
  if (pos + digits > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool has(std::string_view text, std::size_t pos, char c) {
  return pos < text.size() && text[pos] == c;
}

}  // namespace

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
  const auto y = number(text, 0, 4);
  const auto mo = number(text, 5, 2);
  const auto d = number(text, 8, 2);
  const auto h = number(text, 11, 2);
  const auto mi = number(text, 14, 2);
  const auto s = number(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s || !has(text, 4, '-') || !has(text, 7, '-') ||
      !(has(text, 10, 'T') || has(text, 10, 't')) || !has(text, 13, ':') || !has(text, 16, ':')) {
    return std::nullopt;
  }
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)},
                            day{static_cast<unsigned>(*d)}};
  if (!date.ok() || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
  TimePoint time = sys_days(date) + hours(*h) + minutes(*mi) + seconds(*s);

  std::size_t pos = 19;
  if (has(text, pos, '.')) {
    ++pos;
    const std::size_t start = pos;
    nanoseconds fraction{0};
    long long scale = 100'000'000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction += nanoseconds((text[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
    time += duration_cast<TimePoint::duration>(fraction);
  }
  if (has(text, pos, 'Z') || has(text, pos, 'z')) {
    return pos + 1 == text.size() ? std::optional(time) : std::nullopt;
  }
  if (has(text, pos, '+') || has(text, pos, '-')) {
    const bool east = text[pos] == '+';
    const auto oh = number(text, pos + 1, 2);
    const auto om = number(text, pos + 4, 2);
    if (!oh || !om || !has(text, pos + 3, ':') || pos + 6 != text.size() || *oh > 23 || *om > 59) {
      return std::nullopt;
    }
    const auto offset = hours(*oh) + minutes(*om);
    return east ? time - offset : time + offset;
  }
  return std::nullopt;
}

std::optional<TimePoint> earliest_token_expiry(
    const std::map<std::string, std::string>& volume_context) {
  const auto it = volume_context.find(kTokensKey);
  if (it == volume_context.end() || it->second.empty()) return std::nullopt;
  const nlohmann::json tokens = nlohmann::json::parse(it->second, nullptr, false);
  if (tokens.is_discarded() || !tokens.is_object()) return TimePoint::min();
  std::optional<TimePoint> earliest;
  for (const auto& [audience, token] : tokens.items()) {
    if (!token.is_object()) return TimePoint::min();
    const auto stamp = token.find("expirationTimestamp");
    if (stamp == token.end() || !stamp->is_string()) return TimePoint::min();
    const std::optional<TimePoint> expiry = parse_rfc3339(stamp->get_ref<const std::string&>());
    if (!expiry) return TimePoint::min();
    if (!earliest || *expiry < *earliest) earliest = expiry;
  }
  return earliest;
}

bool tokens_valid(const std::optional<TimePoint>& expiry, TimePoint now,
                  std::chrono::milliseconds margin) {
  if (!expiry) return true;
  if (*expiry == TimePoint::min()) return false;
  return *expiry - margin >= now;
}

}  // namespace sscsi::rotation
