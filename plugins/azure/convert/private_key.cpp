#include "convert/private_key.h"

namespace sscsi::azure {
namespace {

const unsigned char* bytes_of(std::string_view der) {
  return reinterpret_cast<const unsigned char*>(der.data());
}

// A type-specific structure (PKCS#1 for RSA, SEC1 for EC) that fills all of `der`.
EvpPkeyPtr parse_type_specific(int type, std::string_view der) {
  const unsigned char* p = bytes_of(der);
  EvpPkeyPtr key(d2i_PrivateKey_ex(type, nullptr, &p, static_cast<long>(der.size()),
                                   convert_libctx(), nullptr));
  if (key && p != bytes_of(der) + der.size()) return nullptr;
  return key;
}

EvpPkeyPtr parse_pkcs8(std::string_view der) {
  const unsigned char* p = bytes_of(der);
  Pkcs8Ptr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  if (!p8 || p != bytes_of(der) + der.size()) return nullptr;
  return EvpPkeyPtr(EVP_PKCS82PKEY_ex(p8.get(), convert_libctx(), nullptr));
}

}  // namespace

EvpPkeyPtr parse_private_key(std::string_view der) {
  OpenSslErrorScope errors;
  if (auto key = parse_type_specific(EVP_PKEY_RSA, der)) return key;
  if (auto key = parse_pkcs8(der)) return key;
  if (auto key = parse_type_specific(EVP_PKEY_EC, der)) return key;
  throw content_error("failed to parse key for type pkcs1, pkcs8 or ec");
}

SecretString private_key_to_pkcs8_pem(std::string_view der) {
  const EvpPkeyPtr key = parse_private_key(der);
  SecretString pem = make_secret({});
  append_pkcs8_pem(pem, key.get());
  return pem;
}

}  // namespace sscsi::azure
