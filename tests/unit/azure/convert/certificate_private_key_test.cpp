// objectType: cert (reference §4.3, §10.1 case 30) and the private-key forms a PFX key may take
// (§4.5, §10.1 case 25).
#include <gtest/gtest.h>

#include "convert/certificate_pem.h"
#include "convert/private_key.h"
#include "test_pki.h"

namespace sscsi::azure {
namespace {

using test::mount_error_text;
using test::str;

// Case 30: cer = "test" bytes.
TEST(AzureCertificatePem, WrapsCerBytesInOneBlock) {
  EXPECT_EQ(str(certificate_to_pem("dGVzdA==")),
            "-----BEGIN CERTIFICATE-----\ndGVzdA==\n-----END CERTIFICATE-----\n");
}

TEST(AzureCertificatePem, RealCertificateMatchesOpenSslsPemWriter) {
  const EvpPkeyPtr key = test::make_ec_key();
  const X509Ptr cert = test::make_certificate({.common_name = "leaf", .key = key.get()});
  EXPECT_EQ(str(certificate_to_pem(test::base64(test::der_of(cert.get())))),
            test::pem_of(cert.get()));
}

// Case 30: nil CER → error (the SDK reads "" as absent). Bad base64 names the offset.
TEST(AzureCertificatePem, EmptyOrMalformedCer) {
  EXPECT_EQ(mount_error_text([] { certificate_to_pem(""); }), "certificate value is nil");
  EXPECT_EQ(mount_error_text([] { certificate_to_pem("dGVzdA"); }),
            "failed to get certificate. 'cer' is not valid base64: illegal base64 data at input "
            "byte 4");
  EXPECT_EQ(mount_error_text([] { certificate_to_pem("dGV*dA=="); }),
            "failed to get certificate. 'cer' is not valid base64: illegal base64 data at input "
            "byte 3");
}

void expect_pkcs8_of(EVP_PKEY* original, const std::string& der) {
  const std::string pem = str(private_key_to_pkcs8_pem(der));
  const auto parsed = test::parse_pem(pem);
  ASSERT_EQ(parsed.types, std::vector<std::string>{"PRIVATE KEY"});
  ASSERT_TRUE(parsed.keys[0]);
  EXPECT_EQ(EVP_PKEY_eq(parsed.keys[0].get(), original), 1);
  // The block's DER is a PKCS#8 PrivateKeyInfo whatever the input form was.
  const auto blocks = test::private_der(parsed.keys[0].get(), "PrivateKeyInfo");
  EXPECT_NE(pem.find(test::base64(blocks).substr(0, 60)), std::string::npos);
}

// Case 25: PKCS#1 RSA, PKCS#8 RSA, SEC1 EC (and PKCS#8 EC) are all accepted.
TEST(AzurePrivateKey, AcceptsPkcs1Pkcs8AndSec1) {
  const EvpPkeyPtr rsa = test::make_rsa_key(2048);
  const EvpPkeyPtr ec = test::make_ec_key("P-384");
  expect_pkcs8_of(rsa.get(), test::private_der(rsa.get(), "type-specific"));
  expect_pkcs8_of(rsa.get(), test::private_der(rsa.get(), "PrivateKeyInfo"));
  expect_pkcs8_of(ec.get(), test::private_der(ec.get(), "type-specific"));
  expect_pkcs8_of(ec.get(), test::private_der(ec.get(), "PrivateKeyInfo"));
}

TEST(AzurePrivateKey, RefusesGarbageAndTrailingData) {
  const std::string expected = "failed to parse key for type pkcs1, pkcs8 or ec";
  EXPECT_EQ(mount_error_text([] { parse_private_key(""); }), expected);
  EXPECT_EQ(mount_error_text([] { parse_private_key("not a key at all"); }), expected);
  const EvpPkeyPtr ec = test::make_ec_key();
  const std::string sec1 = test::private_der(ec.get(), "type-specific");
  EXPECT_EQ(mount_error_text([&] { parse_private_key(sec1 + "x"); }), expected);
  EXPECT_EQ(mount_error_text([&] { parse_private_key(sec1.substr(0, sec1.size() - 3)); }),
            expected);
  const std::string pkcs8 = test::private_der(ec.get(), "PrivateKeyInfo");
  EXPECT_EQ(mount_error_text([&] { parse_private_key(pkcs8 + std::string(2, '\0')); }), expected);
  // A public key is not a private key.
  unsigned char* spki = nullptr;
  const int len = i2d_PUBKEY(ec.get(), &spki);
  const std::string public_der(reinterpret_cast<char*>(spki), static_cast<std::size_t>(len));
  OPENSSL_free(spki);
  EXPECT_EQ(mount_error_text([&] { parse_private_key(public_der); }), expected);
}

}  // namespace
}  // namespace sscsi::azure
