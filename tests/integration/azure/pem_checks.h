#pragma once
// OpenSSL checks for what the Azure plugin writes into a volume: PEM blocks and their labels,
// whether two PEM texts hold the same key, whether a key belongs to a certificate, who issued a
// certificate, and what a binary PFX holds. Independent of the plugin's own conversion code.

#include <string>
#include <vector>

namespace sscsi::testing_support {

struct PemBlock {
  std::string label;  // e.g. "CERTIFICATE", "PRIVATE KEY", "PUBLIC KEY"
  std::string text;   // the block from its BEGIN line to its END line and newline
};

// Every PEM block of `text`, in order.
std::vector<PemBlock> pem_blocks(const std::string& text);

// Both PUBLIC KEY PEM texts hold the same key.
bool same_public_key(const std::string& pem_a, const std::string& pem_b);
// Both private key PEM texts (any format OpenSSL reads) hold the same key.
bool same_private_key(const std::string& pem_a, const std::string& pem_b);
// The private key belongs to the certificate.
bool key_matches_certificate(const std::string& private_key_pem, const std::string& cert_pem);
// The certificate's subject equals its issuer and its signature verifies with its own key.
bool is_self_signed(const std::string& cert_pem);
// `child` was signed by `parent`'s key and names it as issuer.
bool issued_by(const std::string& child_pem, const std::string& parent_pem);
// The same certificate (DER equality).
bool same_certificate(const std::string& pem_a, const std::string& pem_b);

// Standard base64 (with padding) decoded; throws std::invalid_argument when it is not.
std::string decode_base64(const std::string& text);

// A PKCS#12 file opened with an empty password.
struct PfxContents {
  bool ok = false;
  std::string private_key_pem;  // PKCS#8
  std::string certificate_pem;  // the certificate matching the key
  std::vector<std::string> ca_pems;
};
PfxContents read_pfx(const std::string& der);

}  // namespace sscsi::testing_support
