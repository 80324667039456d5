// The kubernetes.io/tls transformation of synced Secrets: a mounted file's bytes (PEM text, or a
// PFX when there is no PEM block) split into tls.crt (every certificate) and tls.key (the last
// key, re-encoded as PKCS#1 or SEC1).
//
// Input: one selector byte (bit 0: tls.key, else tls.crt; bit 1: an unknown key name), then the
// data. Expected: TlsPartError. Invariants: a tls.key is one RSA or EC PRIVATE KEY block that
// OpenSSL reads back; a tls.crt holds only CERTIFICATE blocks; no message contains a run of a
// PEM body (or of the data, when it is not PEM).

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "kube/sync/tls_parts.h"

namespace {

using namespace sscsi;

std::vector<std::string> pem_types(std::string_view pem) {
  std::vector<std::string> types;
  constexpr std::string_view kBegin = "-----BEGIN ";
  for (std::size_t at = pem.find(kBegin); at != std::string_view::npos;
       at = pem.find(kBegin, at + 1)) {
    const std::size_t end = pem.find("-----", at + kBegin.size());
    if (end == std::string_view::npos) break;
    types.emplace_back(pem.substr(at + kBegin.size(), end - at - kBegin.size()));
  }
  return types;
}

void check_key(std::string_view pem) {
  const auto types = pem_types(pem);
  if (types.size() != 1 || (types[0] != "RSA PRIVATE KEY" && types[0] != "EC PRIVATE KEY")) {
    fuzz::fuzz_fail("fuzz_kube_tls_parts: tls.key is not one RSA or EC PRIVATE KEY block", "");
  }
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) fuzz::fuzz_fail("fuzz_kube_tls_parts: tls.key does not parse", types[0]);
  EVP_PKEY_free(key);
}

void check_certificates(std::string_view pem) {
  for (const std::string& type : pem_types(pem)) {
    if (type != "CERTIFICATE") {
      fuzz::fuzz_fail("fuzz_kube_tls_parts: tls.crt holds a block that is not a certificate", type);
    }
  }
}

std::optional<std::string> message_of(const std::string& key, std::string_view data) {
  try {
    (void)kube::tls_part(key, data);
    return std::nullopt;
  } catch (const kube::TlsPartError& e) {
    return std::string(e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string key = (data[0] & 2) != 0   ? "ca.crt"
                          : (data[0] & 1) != 0 ? "tls.key"
                                               : "tls.crt";
  const std::string_view bytes = fuzz::as_text(data + 1, size - 1);
  try {
    const kube::SecretBytes part = kube::tls_part(key, bytes);
    if (key == "tls.key") check_key(part.view());
    if (key == "tls.crt") check_certificates(part.view());
  } catch (const kube::TlsPartError& e) {
    const bool pem = bytes.find("-----BEGIN ") != std::string_view::npos;
    const fuzz::SecretsOf regions = [pem](std::string_view text) {
      return pem ? fuzz::pem_bodies(text) : std::vector<std::string>{std::string(text)};
    };
    fuzz::check_no_material_in_message(
        "fuzz_kube_tls_parts", bytes, e.what(), regions,
        [&key](std::string_view text) { return message_of(key, text); });
  }
  return 0;
}
