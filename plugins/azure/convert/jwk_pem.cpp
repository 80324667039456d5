#include "convert/jwk_pem.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <array>
#include <string>

#include "convert/base64.h"
#include "convert/openssl_support.h"
#include "convert/pem.h"

namespace sscsi::azure {
namespace {

using BignumPtr = OpenSslPtr<BIGNUM, BN_free>;
using ParamBuildPtr = OpenSslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamsPtr = OpenSslPtr<OSSL_PARAM, OSSL_PARAM_free>;

struct Curve {
  std::string_view jwk_name;
  const char* openssl_name;
  std::size_t coordinate_size;  // bytes of one field element
};
constexpr std::array<Curve, 3> kCurves{{
    {"P-256", "prime256v1", 32},
    {"P-384", "secp384r1", 48},
    {"P-521", "secp521r1", 66},
}};

// A JWK integer/coordinate field: base64url without padding, as the Key Vault SDK decodes it.
SecretString decode_field(std::string_view value, std::string_view field, std::string_view kty) {
  if (value.empty()) {
    throw content_error("failed to get key. " + std::string(kty) + " key has no '" +
                        std::string(field) + "' field");
  }
  std::string error;
  auto bytes = decode_base64(value, Base64Alphabet::UrlUnpadded, &error);
  if (!bytes) {
    throw content_error("failed to get key. field '" + std::string(field) +
                        "' is not valid base64url: " + error);
  }
  return std::move(*bytes);
}

// Big-endian bytes without their leading zeros, as Go's big.Int.SetBytes reads them.
std::string_view significant(const SecretString& bytes) {
  const auto first = bytes.find_first_not_of('\0');
  return first == SecretString::npos ? std::string_view{} : std::string_view(bytes).substr(first);
}

BignumPtr to_bignum(std::string_view big_endian) {
  BignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(big_endian.data()),
                         static_cast<int>(big_endian.size()), nullptr));
  if (!bn) throw openssl_failure("could not allocate a big number");
  return bn;
}

EvpPkeyPtr key_from_params(const char* key_type, OSSL_PARAM_BLD* build) {
  ParamsPtr params(OSSL_PARAM_BLD_to_param(build));
  if (!params) throw openssl_failure("could not build key parameters");
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(convert_libctx(), key_type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return EvpPkeyPtr(raw);
}

EvpPkeyPtr rsa_public_key(const JsonWebKey& jwk) {
  const SecretString n = decode_field(jwk.n, "n", jwk.kty);
  const SecretString e = decode_field(jwk.e, "e", jwk.kty);
  if (significant(n).empty()) throw content_error("failed to get key. RSA modulus 'n' is zero");
  if (significant(e).empty()) throw content_error("failed to get key. RSA exponent 'e' is zero");
  const BignumPtr n_bn = to_bignum(significant(n));
  const BignumPtr e_bn = to_bignum(significant(e));
  ParamBuildPtr build(OSSL_PARAM_BLD_new());
  if (!build || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n_bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e_bn.get()) != 1) {
    throw openssl_failure("could not build RSA key parameters");
  }
  EvpPkeyPtr key = key_from_params("RSA", build.get());
  if (!key) {
    throw content_error("failed to get key. OpenSSL rejected the RSA public key: " +
                        last_openssl_error());
  }
  return key;
}

// x or y left-padded to the field size; longer values cannot be coordinates of the curve.
std::string coordinate(const JsonWebKey& jwk, std::string_view field, std::string_view value,
                       const Curve& curve) {
  const SecretString bytes = decode_field(value, field, jwk.kty);
  const std::string_view digits = significant(bytes);
  if (digits.size() > curve.coordinate_size) {
    throw content_error("failed to get key. EC coordinate '" + std::string(field) + "' is " +
                        std::to_string(bytes.size()) + " bytes long, more than the " +
                        std::to_string(curve.coordinate_size) + " bytes of curve " + jwk.crv);
  }
  return std::string(curve.coordinate_size - digits.size(), '\0') + std::string(digits);
}

EvpPkeyPtr ec_public_key(const JsonWebKey& jwk) {
  const Curve* curve = nullptr;
  for (const auto& c : kCurves) {
    if (c.jwk_name == jwk.crv) curve = &c;
  }
  if (curve == nullptr) throw content_error("curve " + jwk.crv + " is not supported");

  std::string point = "\x04";
  point += coordinate(jwk, "x", jwk.x, *curve);
  point += coordinate(jwk, "y", jwk.y, *curve);

  ParamBuildPtr build(OSSL_PARAM_BLD_new());
  if (!build ||
      OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve->openssl_name,
                                      0) != 1 ||
      OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_EC_ENCODING,
                                      OSSL_PKEY_EC_ENCODING_GROUP, 0) != 1 ||
      OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                      OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    throw openssl_failure("could not build EC key parameters");
  }
  EvpPkeyPtr key = key_from_params("EC", build.get());
  // The lengths are right, so OpenSSL refuses only a point that does not satisfy the curve
  // equation (Go's MarshalPKIXPublicKey refuses it too).
  if (!key) {
    throw content_error("failed to get key. EC public key (x, y) is not a point on curve " +
                        jwk.crv);
  }
  return key;
}

}  // namespace

SecretString jwk_to_public_key_pem(const JsonWebKey& jwk) {
  OpenSslErrorScope errors;
  EvpPkeyPtr key;
  if (jwk.kty == "RSA" || jwk.kty == "RSA-HSM") {
    key = rsa_public_key(jwk);
  } else if (jwk.kty == "EC" || jwk.kty == "EC-HSM") {
    key = ec_public_key(jwk);
  } else {
    throw content_error("failed to get key. key type '" + jwk.kty + "' currently not supported");
  }

  DerBuffer der;
  const int len = i2d_PUBKEY(key.get(), &der.data);
  if (len <= 0) throw openssl_failure("could not encode the public key: " + last_openssl_error());
  der.size = static_cast<std::size_t>(len);
  SecretString pem = make_secret({});
  append_pem(pem, "PUBLIC KEY", der.view());
  return pem;
}

}  // namespace sscsi::azure
