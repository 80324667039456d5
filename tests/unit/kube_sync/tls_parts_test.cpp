// kubernetes.io/tls: tls.crt and tls.key from PEM bundles and PFX files made at test time.
#include "kube/sync/tls_parts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tls_test_material.h"

namespace sscsi::kube {
namespace {

using namespace sscsi::kube::testing;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// One CA, a leaf for each key type, generated once for the whole suite (RSA is slow).
class KubeSyncTlsParts : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ca_key_ = rsa_key().release();
    ca_ = certificate("test ca", ca_key_, nullptr, nullptr, true).release();
    rsa_ = rsa_key().release();
    ec_ = ec_key().release();
    ed_ = ed25519_key().release();
    rsa_leaf_ = certificate("rsa leaf", rsa_, ca_, ca_key_, false).release();
    ec_leaf_ = certificate("ec leaf", ec_, ca_, ca_key_, false).release();
  }
  static void TearDownTestSuite() {
    for (X509* cert : {ca_, rsa_leaf_, ec_leaf_}) X509_free(cert);
    for (EVP_PKEY* key : {ca_key_, rsa_, ec_, ed_}) EVP_PKEY_free(key);
  }

  static std::string part(const char* key, const std::string& data) {
    return std::string(tls_part(key, data).view());
  }
  static std::string error(const char* key, const std::string& data) {
    try {
      tls_part(key, data);
    } catch (const TlsPartError& e) {
      return e.what();
    }
    return "no error";
  }
  // The output is exactly one key block of `type`, equal to `expected`.
  static void expect_key(const std::string& pem, const char* type, EVP_PKEY* expected) {
    EXPECT_THAT(pem_types(pem), ElementsAre(type));
    Pkey parsed = parse_private_key_pem(pem);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(EVP_PKEY_eq(parsed.get(), expected), 1);
  }

  static inline EVP_PKEY* ca_key_ = nullptr;
  static inline X509* ca_ = nullptr;
  static inline EVP_PKEY* rsa_ = nullptr;
  static inline EVP_PKEY* ec_ = nullptr;
  static inline EVP_PKEY* ed_ = nullptr;
  static inline X509* rsa_leaf_ = nullptr;
  static inline X509* ec_leaf_ = nullptr;
};

TEST_F(KubeSyncTlsParts, CertKeepsEveryCertificateBlockInOrderAndDropsTheRest) {
  const std::string bundle =
      "leading text\n" + cert_pem(rsa_leaf_) + pkcs8_pem(rsa_) + "between\n" + cert_pem(ca_);
  const std::string crt = part("tls.crt", bundle);
  EXPECT_THAT(pem_types(crt), ElementsAre("CERTIFICATE", "CERTIFICATE"));
  EXPECT_THAT(pem_certificates_der(crt), ElementsAre(cert_der(rsa_leaf_), cert_der(ca_)));
  EXPECT_EQ(crt, cert_pem(rsa_leaf_) + cert_pem(ca_));
}

TEST_F(KubeSyncTlsParts, KeyFromPkcs1Rsa) {
  expect_key(part("tls.key", cert_pem(rsa_leaf_) + pkcs1_pem(rsa_)), "RSA PRIVATE KEY", rsa_);
}

TEST_F(KubeSyncTlsParts, KeyFromPkcs8RsaBecomesPkcs1) {
  const std::string pem = part("tls.key", pkcs8_pem(rsa_) + cert_pem(rsa_leaf_));
  expect_key(pem, "RSA PRIVATE KEY", rsa_);
  EXPECT_EQ(pem, pkcs1_pem(rsa_));
}

TEST_F(KubeSyncTlsParts, KeyFromPkcs8EcBecomesSec1) {
  const std::string pem = part("tls.key", cert_pem(ec_leaf_) + pkcs8_pem(ec_));
  expect_key(pem, "EC PRIVATE KEY", ec_);
  EXPECT_EQ(pem, sec1_pem(ec_));
}

TEST_F(KubeSyncTlsParts, KeyFromSec1Ec) {
  expect_key(part("tls.key", sec1_pem(ec_) + cert_pem(ec_leaf_)), "EC PRIVATE KEY", ec_);
}

TEST_F(KubeSyncTlsParts, KeyIsTheLastNonCertificateBlock) {
  expect_key(part("tls.key", sec1_pem(ec_) + pkcs1_pem(rsa_) + cert_pem(ca_)), "RSA PRIVATE KEY",
             rsa_);
  expect_key(part("tls.key", pkcs1_pem(rsa_) + cert_pem(ca_) + pkcs8_pem(ec_)), "EC PRIVATE KEY",
             ec_);
}

TEST_F(KubeSyncTlsParts, ModernPfxWithEmptyPassword) {
  const std::string file = pfx(rsa_, rsa_leaf_, {ca_}, PfxEncoding::Modern);
  EXPECT_THAT(pem_certificates_der(part("tls.crt", file)),
              ElementsAre(cert_der(rsa_leaf_), cert_der(ca_)));
  expect_key(part("tls.key", file), "RSA PRIVATE KEY", rsa_);
}

TEST_F(KubeSyncTlsParts, LegacyRc2And3desPfxWithEmptyPassword) {
  const std::string file = pfx(ec_, ec_leaf_, {ca_}, PfxEncoding::Legacy);
  EXPECT_THAT(pem_certificates_der(part("tls.crt", file)),
              ElementsAre(cert_der(ec_leaf_), cert_der(ca_)));
  expect_key(part("tls.key", file), "EC PRIVATE KEY", ec_);
}

TEST_F(KubeSyncTlsParts, OtherKeyNamesAreRejected) {
  EXPECT_EQ(error("ca.crt", cert_pem(ca_)),
            "key 'ca.crt' is not supported in a kubernetes.io/tls Secret: only tls.crt and "
            "tls.key are");
  EXPECT_EQ(error("TLS.KEY", pkcs1_pem(rsa_)),
            "key 'TLS.KEY' is not supported in a kubernetes.io/tls Secret: only tls.crt and "
            "tls.key are");
}

TEST_F(KubeSyncTlsParts, Ed25519KeysAreRejectedWithoutKeyMaterialInTheMessage) {
  const std::string pem = pkcs8_pem(ed_);
  const std::string message = error("tls.key", pem);
  EXPECT_EQ(message,
            "tls.key: the private key is of type ED25519; only RSA and EC keys are "
            "supported");
  const std::string body_line = pem.substr(pem.find('\n') + 1, 20);
  EXPECT_THAT(message, Not(HasSubstr(body_line)));
}

TEST_F(KubeSyncTlsParts, Ed25519InAPfxIsRejectedToo) {
  Cert leaf = certificate("ed leaf", ed_, ca_, ca_key_, false);
  EXPECT_EQ(error("tls.key", pfx(ed_, leaf.get(), {}, PfxEncoding::Modern)),
            "tls.key: the private key is of type ED25519; only RSA and EC keys are supported");
}

TEST_F(KubeSyncTlsParts, GarbageIsNeitherPemNorPfx) {
  const std::string expected_tail =
      "the data holds no PEM block of the needed type and is not a PKCS#12/PFX file";
  EXPECT_EQ(error("tls.crt", "not a certificate at all"), "tls.crt: " + expected_tail);
  EXPECT_EQ(error("tls.key", std::string("\x30\x82\x01\x00garbage", 11)),
            "tls.key: " + expected_tail);
  EXPECT_EQ(error("tls.key", ""), "tls.key: " + expected_tail);
}

TEST_F(KubeSyncTlsParts, NoCertificateInAKeyOnlyFile) {
  EXPECT_EQ(error("tls.crt", pkcs1_pem(rsa_)),
            "tls.crt: the data holds no PEM block of the needed type and is not a PKCS#12/PFX "
            "file");
}

TEST_F(KubeSyncTlsParts, KeyBlockThatIsNotAKey) {
  const std::string bogus =
      "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n";
  EXPECT_EQ(error("tls.key", cert_pem(ca_) + bogus),
            "tls.key: the last non-certificate PEM block (PRIVATE KEY) is not an unencrypted RSA "
            "or EC private key in PKCS#1, PKCS#8 or SEC1 form");
}

TEST_F(KubeSyncTlsParts, CorruptPemBlock) {
  const std::string corrupt =
      "-----BEGIN CERTIFICATE-----\n!!!!not base64!!!!\n-----END CERTIFICATE-----\n";
  EXPECT_EQ(error("tls.crt", cert_pem(ca_) + corrupt),
            "tls.crt: PEM block 2 could not be decoded (bad base64 or no END line)");
}

TEST_F(KubeSyncTlsParts, PfxWithAPasswordCannotBeOpened) {
  EXPECT_EQ(error("tls.key", pfx(rsa_, rsa_leaf_, {}, PfxEncoding::Modern, "hunter2")),
            "tls.key: the PKCS#12/PFX file could not be opened with an empty password (it has a "
            "password, or uses an algorithm OpenSSL does not provide)");
}

}  // namespace
}  // namespace sscsi::kube
