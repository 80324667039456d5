#pragma once
// A failed Key Vault request as a mount error the operator can act on. Key Vault answers
// errors as {"error":{"code":"SecretNotFound","message":"..."}}; the code and the message's
// first line are quoted (never the rest of the body).
//   404        NOT_FOUND          "<what> not found in vault <host>: <code>: <message>"
//   401, 403   UNAUTHORIZED       "access to <what> in vault <host> was refused (HTTP 403): ..."
//   429        THROTTLED          "vault <host> throttled the request for <what> (HTTP 429...)"
//                                 with the server's retry-after
//   5xx, 408   UNAVAILABLE        "vault <host> failed the request for <what> (HTTP 503...)"
//   400, 4xx   INVALID_PARAMETERS "vault <host> refused the request for <what> (HTTP 400): ..."
//   no answer  UNAVAILABLE        "could not reach vault <host> for <what>: <transport error>"
//   cancelled  DEADLINE_EXCEEDED

#include <string_view>

#include "common/mount_error.h"
#include "http/http_message.h"

namespace sscsi::azure {

// `what` names the object, e.g. "secret db-password (latest version)".
MountError keyvault_error(const HttpResponse& response, std::string_view what,
                          std::string_view vault_host);

}  // namespace sscsi::azure
