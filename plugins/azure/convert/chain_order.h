#pragma once
// Certificate chain ordering for PFX secrets (upstream fetchCertChains, reference
// azure-provider.md §4.6): leaf first, then each certificate's issuer, matched by Authority Key
// Identifier = Subject Key Identifier. When the chain cannot be completed, the certificates are
// returned exactly as they came, with a warning.

#include <functional>
#include <string_view>

#include "common/secret_string.h"

namespace sscsi::azure {

// Receives upstream's warning texts. Never given secret material.
using WarningSink = std::function<void(std::string_view)>;

inline constexpr std::string_view kIncompleteChainWarning =
    "certificate chain is not complete due to missing intermediate/root certificates in the "
    "cert from key vault";

// `certificates_pem`: concatenated CERTIFICATE blocks. Returns leaf, intermediates…, root as
// CERTIFICATE blocks; or `certificates_pem` unchanged (byte for byte) after calling `warn` with
// kIncompleteChainWarning when the walk from the leaf does not reach every certificate.
// Throws MountError "no leaf found" (also for no certificates at all), "constructing chain
// resulted in cycle", or one naming a certificate that does not parse.
SecretString order_certificate_chain(std::string_view certificates_pem, const WarningSink& warn);

}  // namespace sscsi::azure
