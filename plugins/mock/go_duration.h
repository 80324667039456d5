#pragma once
// Durations written the way Kubernetes users already write them: Go's time.ParseDuration format
// ("250ms", "2s", "1m30s", "1.5h"; units ns, us, µs, ms, s, m, h).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sscsi::mock {

// The duration `text` denotes, exactly as Go's time.ParseDuration reads it (a sign is allowed,
// "0" needs no unit), or nullopt when it is malformed or does not fit in int64 nanoseconds.
std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text);

// `d` as Go's Duration.String writes it ("1.5s", "1m30s", "250ms", "0s").
std::string format_go_duration(std::chrono::nanoseconds d);

}  // namespace sscsi::mock
