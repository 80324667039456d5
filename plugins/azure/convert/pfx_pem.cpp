#include "convert/pfx_pem.h"

#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>

#include <array>
#include <string>
#include <vector>

#include "convert/base64.h"
#include "convert/openssl_support.h"
#include "convert/pem.h"

namespace sscsi::azure {
namespace {

constexpr std::string_view kErrorPrefix = "failed to decode PKCS12 data, error: ";
// Nested SafeContents bags deeper than this are refused rather than recursed into.
constexpr int kMaxBagDepth = 8;

MountError pfx_error(const std::string& detail) {
  return content_error(std::string(kErrorPrefix) + detail);
}

struct Password {
  const char* text;  // nullptr: no password bytes at all; "": an empty BMPString
  std::string_view description;
};
constexpr Password kAbsentPassword{nullptr, "an absent password"};
constexpr Password kEmptyPassword{"", "an empty password"};

// Decryption with this password candidate failed; another candidate may work.
struct DecryptFailure {
  std::string detail;
};

void free_pkcs7_stack(STACK_OF(PKCS7) * s) { sk_PKCS7_pop_free(s, PKCS7_free); }
void free_bag_stack(STACK_OF(PKCS12_SAFEBAG) * s) {
  sk_PKCS12_SAFEBAG_pop_free(s, PKCS12_SAFEBAG_free);
}
using Pkcs7StackPtr = OpenSslPtr<STACK_OF(PKCS7), free_pkcs7_stack>;
using BagStackPtr = OpenSslPtr<STACK_OF(PKCS12_SAFEBAG), free_bag_stack>;

std::string legacy_hint() {
  return legacy_provider_available()
             ? std::string()
             : " (OpenSSL's legacy provider, which RC2-encrypted PFX files need, could not be "
               "loaded)";
}

// Collects the keys and certificates of one PFX, decrypting with one password candidate.
class PfxReader {
 public:
  explicit PfxReader(Password password) : password_(password) {}

  void read(PKCS12* p12) {
    Pkcs7StackPtr safes(PKCS12_unpack_authsafes(p12));
    if (!safes)
      throw pfx_error("the PFX's AuthenticatedSafe is malformed: " + last_openssl_error());
    for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) {
      read_safe(sk_PKCS7_value(safes.get(), i));
    }
  }

  SecretString& keys() { return keys_; }
  SecretString& certificates() { return certificates_; }

 private:
  void read_safe(PKCS7* p7) {
    BagStackPtr bags;
    switch (OBJ_obj2nid(p7->type)) {
      case NID_pkcs7_data:
        bags.reset(PKCS12_unpack_p7data(p7));
        if (!bags)
          throw pfx_error("a SafeContents of the PFX is malformed: " + last_openssl_error());
        break;
      case NID_pkcs7_encrypted: {
        // PKCS12_unpack_p7encdata would decrypt in the process-wide default context, which has
        // no RC2; this is the same call with the plugin's context.
        const PKCS7_ENCRYPT* encrypted = p7->d.encrypted;
        if (encrypted == nullptr || encrypted->enc_data == nullptr ||
            encrypted->enc_data->enc_data == nullptr) {
          throw pfx_error("an encrypted SafeContents of the PFX has no content");
        }
        bags.reset(static_cast<STACK_OF(PKCS12_SAFEBAG)*>(PKCS12_item_decrypt_d2i_ex(
            encrypted->enc_data->algorithm, ASN1_ITEM_rptr(PKCS12_SAFEBAGS), password_.text, 0,
            encrypted->enc_data->enc_data, 1, convert_libctx(), nullptr)));
        if (!bags) {
          throw DecryptFailure{"failed to decrypt the PFX's certificates with " +
                               std::string(password_.description) + ": " + last_openssl_error() +
                               legacy_hint()};
        }
        break;
      }
      default:
        throw pfx_error("the PFX has a part of unsupported type '" +
                        std::string(OBJ_nid2sn(OBJ_obj2nid(p7->type))) +
                        "' (only data and password-encrypted data are read)");
    }
    read_bags(bags.get(), 0);
  }

  void read_bags(const STACK_OF(PKCS12_SAFEBAG) * bags, int depth) {
    if (depth > kMaxBagDepth) throw pfx_error("the PFX nests SafeContents bags too deeply");
    for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); ++i) {
      const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags, i);
      switch (PKCS12_SAFEBAG_get_nid(bag)) {
        case NID_keyBag:
          add_key(PKCS12_SAFEBAG_get0_p8inf(bag));
          break;
        case NID_pkcs8ShroudedKeyBag: {
          const Pkcs8Ptr p8(
              PKCS12_decrypt_skey_ex(bag, password_.text, 0, convert_libctx(), nullptr));
          if (!p8) {
            throw DecryptFailure{"failed to decrypt a private key of the PFX with " +
                                 std::string(password_.description) + ": " + last_openssl_error() +
                                 legacy_hint()};
          }
          add_key(p8.get());
          break;
        }
        case NID_certBag:
          add_certificate(bag);
          break;
        case NID_safeContentsBag:
          read_bags(PKCS12_SAFEBAG_get0_safes(bag), depth + 1);
          break;
        default:
          // CRL and secret bags carry nothing a mount writes (OpenSSL's PKCS12_parse skips them).
          break;
      }
    }
  }

  void add_key(const PKCS8_PRIV_KEY_INFO* p8) {
    const EvpPkeyPtr key(p8 == nullptr ? nullptr
                                       : EVP_PKCS82PKEY_ex(p8, convert_libctx(), nullptr));
    if (!key) throw pfx_error("failed to parse key for type pkcs1, pkcs8 or ec");
    append_pkcs8_pem(keys_, key.get());
  }

  void add_certificate(const PKCS12_SAFEBAG* bag) {
    if (PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate) {
      throw pfx_error("pkcs12: only X509 certificates are supported");
    }
    const int index = ++certificate_count_;
    const X509Ptr cert(PKCS12_SAFEBAG_get1_cert(bag));
    if (!cert) {
      throw pfx_error("certificate " + std::to_string(index) +
                      " of the PFX does not parse: " + last_openssl_error());
    }
    append_certificate_pem(certificates_, cert.get());
  }

  Password password_;
  SecretString keys_ = make_secret({});
  SecretString certificates_ = make_secret({});
  int certificate_count_ = 0;
};

Pkcs12Ptr parse_pfx(std::string_view pfx_base64) {
  std::string error;
  const auto der = decode_base64(pfx_base64, Base64Alphabet::StdPadded, &error);
  if (!der) throw pfx_error(error);
  const auto* begin = reinterpret_cast<const unsigned char*>(der->data());
  const unsigned char* p = begin;
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der->size())));
  if (!p12) throw pfx_error("the secret value is not a PKCS#12 (PFX) file");
  if (p != begin + der->size()) throw pfx_error("the secret value has data after the PFX");
  return p12;
}

// Which empty-password encoding(s) to decrypt with. The MAC check runs in the process-wide
// default context: it needs only SHA and the PKCS#12 KDF, and reads nothing into that context.
std::vector<Password> password_candidates(PKCS12* p12) {
  if (PKCS12_mac_present(p12) != 1) return {kAbsentPassword, kEmptyPassword};
  for (const Password& candidate : {kAbsentPassword, kEmptyPassword}) {
    if (PKCS12_verify_mac(p12, candidate.text, 0) == 1) return {candidate};
  }
  // A wrong password is a silent mismatch; only a failure to compute the MAC queues an error.
  const unsigned long error = ERR_peek_last_error();
  if (ERR_GET_LIB(error) == ERR_LIB_PKCS12 &&
      ERR_GET_REASON(error) == PKCS12_R_MAC_GENERATION_ERROR) {
    throw pfx_error("cannot check the PFX's integrity MAC: " + last_openssl_error());
  }
  throw pfx_error(
      "pkcs12: decryption password incorrect (Key Vault PFX secrets have an empty password)");
}

}  // namespace

SecretString pfx_to_pem(std::string_view pfx_base64, bool construct_pem_chain,
                        const WarningSink& warn) {
  OpenSslErrorScope errors;
  const Pkcs12Ptr p12 = parse_pfx(pfx_base64);
  const std::vector<Password> candidates = password_candidates(p12.get());

  std::string first_failure;
  for (const Password& candidate : candidates) {
    PfxReader reader(candidate);
    try {
      reader.read(p12.get());
    } catch (const DecryptFailure& failure) {
      if (first_failure.empty()) first_failure = failure.detail;
      continue;
    }
    SecretString certificates = std::move(reader.certificates());
    if (construct_pem_chain) {
      try {
        certificates = order_certificate_chain(view(certificates), warn);
      } catch (const MountError& e) {
        throw MountError(e.code(), std::string(kErrorPrefix) + e.what());
      }
    }
    SecretString pem = std::move(reader.keys());
    pem.append(certificates);
    return pem;
  }
  throw pfx_error(first_failure);
}

}  // namespace sscsi::azure
