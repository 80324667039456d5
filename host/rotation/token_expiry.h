#pragma once
// When the service-account tokens a mount was published with stop being usable. The kubelet
// sends them in volume_context["csi.storage.k8s.io/serviceAccount.tokens"] as JSON:
//   {"<audience>": {"token": "<jwt>", "expirationTimestamp": "<RFC 3339>"}, ...}
// The scheduler refreshes a mount without a republish only while every token is still valid;
// otherwise it waits for the kubelet's next republish, which brings fresh ones.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sscsi::rotation {

using TimePoint = std::chrono::system_clock::time_point;

inline constexpr const char* kTokensKey = "csi.storage.k8s.io/serviceAccount.tokens";

// The earliest expirationTimestamp among the tokens in `volume_context`; nullopt when there are
// no tokens (nothing can expire). Anything malformed (not JSON, not an object, a missing or
// unparsable timestamp) yields TimePoint::min(): such tokens are treated as expired, so that a
// mount is never refreshed with tokens we cannot vouch for. Never reads or keeps a token value.
std::optional<TimePoint> earliest_token_expiry(
    const std::map<std::string, std::string>& volume_context);

// Tokens expiring at `expiry` are still usable at `now` with `margin` to spare.
bool tokens_valid(const std::optional<TimePoint>& expiry, TimePoint now,
                  std::chrono::milliseconds margin);

// Parses an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)), as Go's
// time.Time marshals it; nullopt for anything else.
std::optional<TimePoint> parse_rfc3339(std::string_view text);

}  // namespace sscsi::rotation
