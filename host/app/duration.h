#pragma once
// Durations as upstream writes them: Go's time.Duration syntax ("2m", "30s", "1m30s", "500ms",
// "1.5h"), so a flag value copied from an upstream manifest means the same thing here.

#include <chrono>
#include <string>
#include <string_view>

namespace sscsi::app {

// Parses Go's time.ParseDuration syntax: an optional sign, then one or more <number><unit>
// pairs (units ns, us, µs, ms, s, m, h; numbers may have a fraction), or a bare "0".
// Throws std::invalid_argument naming the text and the problem (missing unit, unknown unit,
// overflow, empty). Fractions below a nanosecond are truncated, as Go does.
std::chrono::nanoseconds parse_duration(std::string_view text);

// Prints a duration compactly with integer components from hours down to nanoseconds, leaving
// out zero components: 2m, 1m30s, 500ms, 1h0m30s is "1h30s", zero is "0s". parse_duration of the
// result gives the same value back, and canonical inputs ("2m", "1m30s") print unchanged.
std::string format_duration(std::chrono::nanoseconds duration);

}  // namespace sscsi::app
