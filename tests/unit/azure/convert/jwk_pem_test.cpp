// objectType: key — JWK → PKIX PUBLIC KEY PEM (reference §4.2, §10.1 case 24). Every output is
// compared with what OpenSSL's own PEM writer makes of the original key.
#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "convert/jwk_pem.h"
#include "test_pki.h"

namespace sscsi::azure {
namespace {

using test::base64url;
using test::mount_error_text;
using test::str;

std::string bn_param(EVP_PKEY* key, const char* name, int pad_to = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return {};
  std::string bytes(static_cast<std::size_t>(pad_to > 0 ? pad_to : BN_num_bytes(bn)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  BN_free(bn);
  return bytes;
}

JsonWebKey rsa_jwk(EVP_PKEY* key, const std::string& kty = "RSA") {
  JsonWebKey jwk;
  jwk.kty = kty;
  jwk.n = base64url(bn_param(key, OSSL_PKEY_PARAM_RSA_N));
  jwk.e = base64url(bn_param(key, OSSL_PKEY_PARAM_RSA_E));
  return jwk;
}

JsonWebKey ec_jwk(EVP_PKEY* key, const std::string& crv, int size, const std::string& kty = "EC") {
  JsonWebKey jwk;
  jwk.kty = kty;
  jwk.crv = crv;
  jwk.x = base64url(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, size));
  jwk.y = base64url(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, size));
  return jwk;
}

class AzureJwkPem : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = test::make_rsa_key(2048).release();
    p256_ = test::make_ec_key("P-256").release();
  }
  static void TearDownTestSuite() {
    EVP_PKEY_free(rsa_);
    EVP_PKEY_free(p256_);
  }
  static EVP_PKEY* rsa_;
  static EVP_PKEY* p256_;
};
EVP_PKEY* AzureJwkPem::rsa_ = nullptr;
EVP_PKEY* AzureJwkPem::p256_ = nullptr;

TEST_F(AzureJwkPem, RsaAndRsaHsmBecomeThePkixPublicKey) {
  const std::string expected = test::public_pem_of(rsa_);
  EXPECT_EQ(str(jwk_to_public_key_pem(rsa_jwk(rsa_))), expected);
  EXPECT_EQ(str(jwk_to_public_key_pem(rsa_jwk(rsa_, "RSA-HSM"))), expected);
  EXPECT_EQ(expected.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
}

TEST_F(AzureJwkPem, RsaLeadingZeroBytesAreIgnoredAsByGoBigInt) {
  JsonWebKey jwk = rsa_jwk(rsa_);
  jwk.n = base64url(std::string(1, '\0') + bn_param(rsa_, OSSL_PKEY_PARAM_RSA_N));
  jwk.e = base64url(std::string(2, '\0') + bn_param(rsa_, OSSL_PKEY_PARAM_RSA_E));
  EXPECT_EQ(str(jwk_to_public_key_pem(jwk)), test::public_pem_of(rsa_));
}

// Case 24: P-256, P-384 and P-521 are supported (EC and EC-HSM).
TEST_F(AzureJwkPem, EcCurvesBecomeNamedCurveUncompressedPublicKeys) {
  struct Curve {
    const char* openssl;
    const char* jwk;
    int size;
  };
  for (const Curve& curve :
       {Curve{"P-256", "P-256", 32}, Curve{"P-384", "P-384", 48}, Curve{"P-521", "P-521", 66}}) {
    const EvpPkeyPtr key = test::make_ec_key(curve.openssl);
    const std::string expected = test::public_pem_of(key.get());
    EXPECT_EQ(str(jwk_to_public_key_pem(ec_jwk(key.get(), curve.jwk, curve.size))), expected)
        << curve.jwk;
    EXPECT_EQ(str(jwk_to_public_key_pem(ec_jwk(key.get(), curve.jwk, curve.size, "EC-HSM"))),
              expected)
        << curve.jwk;
  }
}

TEST_F(AzureJwkPem, EcShortCoordinatesArePaddedAsByGoBigInt) {
  JsonWebKey jwk = ec_jwk(p256_, "P-256", 32);
  // Leading zeros dropped (as a minimal big-endian integer) or added: the same point.
  const std::string x = bn_param(p256_, OSSL_PKEY_PARAM_EC_PUB_X);
  jwk.x = base64url(std::string(1, '\0') + bn_param(p256_, OSSL_PKEY_PARAM_EC_PUB_X, 32));
  EXPECT_EQ(str(jwk_to_public_key_pem(jwk)), test::public_pem_of(p256_));
  jwk.x = base64url(x);
  EXPECT_EQ(str(jwk_to_public_key_pem(jwk)), test::public_pem_of(p256_));
}

TEST_F(AzureJwkPem, UnsupportedTypesAndCurvesUseUpstreamMessages) {
  JsonWebKey jwk;
  jwk.kty = "oct";
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. key type 'oct' currently not supported");
  jwk.kty = "oct-HSM";
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. key type 'oct-HSM' currently not supported");
  jwk.kty = "";
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. key type '' currently not supported");
  jwk.kty = "rsa";  // kty is case-sensitive upstream (azkeys.KeyType constants)
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. key type 'rsa' currently not supported");

  JsonWebKey ec = ec_jwk(p256_, "P-256K", 32);
  sscsi_status code = SSCSI_OK;
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(ec); }, &code),
            "curve P-256K is not supported");
  EXPECT_EQ(code, SSCSI_INVALID_PARAMETERS);
  ec.crv = "";
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(ec); }), "curve  is not supported");
}

TEST_F(AzureJwkPem, MalformedRsaFieldsAreNamed) {
  JsonWebKey jwk = rsa_jwk(rsa_);
  jwk.n.clear();
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. RSA key has no 'n' field");
  jwk = rsa_jwk(rsa_, "RSA-HSM");
  jwk.e.clear();
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. RSA-HSM key has no 'e' field");
  jwk = rsa_jwk(rsa_);
  jwk.n[5] = '+';  // standard alphabet, not base64url
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. field 'n' is not valid base64url: illegal base64 data at input "
            "byte 5");
  jwk = rsa_jwk(rsa_);
  jwk.e = "AQAB==";  // padding is not base64url as Key Vault sends it
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. field 'e' is not valid base64url: illegal base64 data at input "
            "byte 4");
  jwk = rsa_jwk(rsa_);
  jwk.n += "AAA";  // 345 characters: one dangling character cannot be a byte
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. field 'n' is not valid base64url: illegal base64 data at input "
            "byte " +
                std::to_string(jwk.n.size() - 1));
  jwk = rsa_jwk(rsa_);
  jwk.n = "AAAA";
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. RSA modulus 'n' is zero");
  jwk = rsa_jwk(rsa_);
  jwk.e = "AA";
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. RSA exponent 'e' is zero");
}

TEST_F(AzureJwkPem, MalformedEcFieldsAreNamed) {
  JsonWebKey jwk = ec_jwk(p256_, "P-256", 32);
  jwk.x.clear();
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. EC key has no 'x' field");
  jwk = ec_jwk(p256_, "P-256", 32, "EC-HSM");
  jwk.y.clear();
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. EC-HSM key has no 'y' field");
  jwk = ec_jwk(p256_, "P-256", 32);
  jwk.x = base64url("\x01" + bn_param(p256_, OSSL_PKEY_PARAM_EC_PUB_X, 32));
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. EC coordinate 'x' is 33 bytes long, more than the 32 bytes of "
            "curve P-256");
  jwk = ec_jwk(p256_, "P-256", 48);  // P-384-sized coordinates on P-256
  jwk.y = base64url(std::string(15, '\x7f') + bn_param(p256_, OSSL_PKEY_PARAM_EC_PUB_Y, 33));
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. EC coordinate 'y' is 48 bytes long, more than the 32 bytes of "
            "curve P-256");
  jwk = ec_jwk(p256_, "P-256", 32);
  jwk.y = jwk.x;  // (x, x) is not on the curve
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. EC public key (x, y) is not a point on curve P-256");
  jwk = ec_jwk(p256_, "P-256", 32);
  jwk.x = "%%%%";
  EXPECT_EQ(mount_error_text([&] { jwk_to_public_key_pem(jwk); }),
            "failed to get key. field 'x' is not valid base64url: illegal base64 data at input "
            "byte 0");
}

TEST_F(AzureJwkPem, FailuresLeaveNoOpenSslErrorsBehind) {
  ERR_clear_error();
  JsonWebKey jwk = ec_jwk(p256_, "P-256", 32);
  jwk.y = jwk.x;
  EXPECT_NE(mount_error_text([&] { jwk_to_public_key_pem(jwk); }), "<no error>");
  EXPECT_EQ(ERR_peek_error(), 0u);
}

// Cross-check with the openssl CLI: it reads our PEM and writes back the same text.
TEST_F(AzureJwkPem, OpensslCliReadsTheOutput) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
  const auto dir =
      std::filesystem::temp_directory_path() / ("sscsi-jwk-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (EVP_PKEY* key : {rsa_, p256_}) {
    const std::string pem =
        str(jwk_to_public_key_pem(key == rsa_ ? rsa_jwk(key) : ec_jwk(key, "P-256", 32)));
    std::ofstream(dir / "in.pem") << pem;
    const std::string command = "openssl pkey -pubin -in '" + (dir / "in.pem").string() +
                                "' -pubout -out '" + (dir / "out.pem").string() + "'";
    ASSERT_EQ(std::system(command.c_str()), 0);
    std::ifstream in(dir / "out.pem");
    const std::string round_trip((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
    EXPECT_EQ(round_trip, pem);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sscsi::azure
