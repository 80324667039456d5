#include "sscsi-ctl/timeout.h"

#include <charconv>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace sscsi::tools {

std::chrono::milliseconds parse_timeout(std::string_view text) {
  const auto fail = [&](std::string_view problem) {
    throw std::invalid_argument(fmt::format("timeout \"{}\": {}", text, problem));
  };
  if (text.empty()) fail("is empty; write e.g. 2m, 30s or 1m30s");
  constexpr long long kMaxMillis = std::numeric_limits<int>::max();  // about 24 days
  long long total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    if (rest.front() < '0' || rest.front() > '9') fail("expected a whole number");
    long long number = 0;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), number);
    if (error != std::errc{} || end == rest.data()) fail("expected a whole number");
    rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
    long long unit_millis = 0;
    if (rest.starts_with("ms")) {
      unit_millis = 1;
      rest.remove_prefix(2);
    } else if (rest.starts_with('s')) {
      unit_millis = 1000;
      rest.remove_prefix(1);
    } else if (rest.starts_with('m')) {
      unit_millis = 60'000;
      rest.remove_prefix(1);
    } else if (rest.starts_with('h')) {
      unit_millis = 3'600'000;
      rest.remove_prefix(1);
    } else {
      fail("each number needs a unit: h, m, s or ms");
    }
    if (number > kMaxMillis / unit_millis) fail("is too long");
    total += number * unit_millis;
    if (total > kMaxMillis) fail("is too long");
  }
  if (total <= 0) fail("must be longer than zero");
  return std::chrono::milliseconds(total);
}

}  // namespace sscsi::tools
