#pragma once
// Reading token answers and turning failed token requests into clear mount errors.
// - Entra ID v2 and IMDS: {"access_token", "expires_in" | "expires_on", ...} (numbers or
//   numeric strings; IMDS sends strings).
// - NMI: {"token": {"access_token", "expires_on", ...}, "clientid": ...} with upstream's
//   messages (reference §3.5).
// Errors never quote a token: only the status, the OAuth `error` code and the first line of
// `error_description` (where Entra ID puts "AADSTS<code>: <text>"), with anything that looks
// like a JWT removed.

#include <chrono>
#include <string_view>

#include "common/mount_error.h"
#include "http/http_message.h"
#include "identity/access_token.h"

namespace sscsi::azure {

// Throws MountError (SSCSI_UNAVAILABLE) naming `what` when the body is not JSON or has no
// access_token. expires_on wins over expires_in; a token with neither counts as expiring at
// `now` (used once, never cached). An expiry more than 24 hours after `now` counts as 24 hours
// (the longest these tokens live), one before 1970 as 1970.
AccessToken parse_token_answer(const SecretString& body, std::string_view what,
                               std::chrono::system_clock::time_point now);

// NMI's answer; expires_on is epoch seconds, unparseable means already expired (as upstream),
// and it is bounded as parse_token_answer's.
// Throws MountError (SSCSI_UNAVAILABLE) `nmi did not return expected values in response: token
// and clientid` when either is missing.
AccessToken parse_nmi_answer(const SecretString& body, std::chrono::system_clock::time_point now);

// Which service answered, for the status a failure maps to.
enum class TokenService { EntraId, Imds, Nmi };

// The MountError for a token request that did not succeed (`response` not ok):
// transport failure -> UNAVAILABLE (DEADLINE_EXCEEDED when cancelled); 429 -> THROTTLED with the
// server's retry-after; 5xx, 408 -> UNAVAILABLE; 401, 403 and 400 invalid_client /
// unauthorized_client / invalid_grant -> UNAUTHORIZED; other 4xx -> INVALID_PARAMETERS (the
// request names a wrong tenant, identity or scope). NMI uses upstream's message
// `nmi response failed with status code: <n>, response body: <body>`.
MountError token_request_error(TokenService service, std::string_view what,
                               const HttpResponse& response);

// `text` with every JWT-looking run ("eyJ" + base64url/dots) replaced by "[redacted]" and
// control characters turned into spaces, cut to `max` bytes.
std::string sanitize_error_text(std::string_view text, std::size_t max = 400);

}  // namespace sscsi::azure
