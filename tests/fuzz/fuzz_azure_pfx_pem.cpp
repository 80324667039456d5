// A certificate-backed secret with contentType application/x-pkcs12 (a PFX, base64 in Key
// Vault) turned into PEM: PKCS#8 keys, then certificates in PFX or chain order.
//
// Input: one flags byte, then the PFX. Flags: bit 0 — the rest is already the base64 text (to
// reach the base64 errors); otherwise it is the DER and the target encodes it, so that the
// mutator works on ASN.1. Bit 1 — no chain ordering (constructPemChain false).
// Expected: MountError. Invariants: the output is PRIVATE KEY blocks then CERTIFICATE blocks,
// each of which OpenSSL parses; no message or warning contains a run of the PFX text.

#include <openssl/x509.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/mount_error.h"
#include "convert/pem.h"
#include "convert/pfx_pem.h"
#include "fuzz_support.h"

namespace {

using namespace sscsi;

void check_output(std::string_view pem) {
  bool seen_certificate = false;
  for (const azure::PemBlock& block : azure::decode_pem_blocks(pem)) {
    const std::string_view der = azure::view(block.bytes);
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    if (block.type == "PRIVATE KEY") {
      if (seen_certificate) {
        fuzz::fuzz_fail("fuzz_azure_pfx_pem: a key follows a certificate", std::string(pem));
      }
      PKCS8_PRIV_KEY_INFO* info =
          d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
      if (info == nullptr) fuzz::fuzz_fail("fuzz_azure_pfx_pem: a PRIVATE KEY does not parse", "");
      PKCS8_PRIV_KEY_INFO_free(info);
    } else if (block.type == "CERTIFICATE") {
      seen_certificate = true;
      X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
      if (cert == nullptr) fuzz::fuzz_fail("fuzz_azure_pfx_pem: a CERTIFICATE does not parse", "");
      X509_free(cert);
    } else {
      fuzz::fuzz_fail("fuzz_azure_pfx_pem: unexpected PEM block type", block.type);
    }
  }
}

struct Outcome {
  std::optional<std::string> error;
  std::vector<std::string> warnings;
};

Outcome convert(std::string_view base64, bool chain) {
  Outcome outcome;
  const azure::WarningSink warn = [&](std::string_view text) {
    outcome.warnings.emplace_back(text);
  };
  try {
    const azure::SecretString pem = azure::pfx_to_pem(base64, chain, warn);
    check_output(azure::view(pem));
  } catch (const azure::MountError& e) {
    outcome.error = e.what();
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  const std::string_view rest = fuzz::as_text(data + 1, size - 1);
  const std::string base64 = (flags & 1) != 0 ? std::string(rest) : fuzz::base64_encode(rest);
  const bool chain = (flags & 2) == 0;

  const Outcome outcome = convert(base64, chain);
  const fuzz::SecretsOf whole = [](std::string_view text) {
    return std::vector<std::string>{std::string(text)};
  };
  const fuzz::MessageOf message_of = [chain](std::string_view text) {
    return convert(text, chain).error;
  };
  if (outcome.error) {
    fuzz::check_no_material_in_message("fuzz_azure_pfx_pem", base64, *outcome.error, whole,
                                       message_of);
  }
  for (const std::string& warning : outcome.warnings) {
    fuzz::check_no_material_in_message("fuzz_azure_pfx_pem", base64, warning, whole,
                                       [&](std::string_view text) -> std::optional<std::string> {
                                         const auto again = convert(text, chain).warnings;
                                         if (again.empty()) return std::nullopt;
                                         return again.front();
                                       });
  }
  return 0;
}
