// PKCS#12 secrets → PEM (reference §4.5, §10.1 cases 22, 23, 29) for the legacy (RC2/3DES,
// SHA-1 MAC) and modern (PBKDF2 + AES-256-CBC) encodings, both empty-password encodings, with
// and without MAC; every output is re-read with OpenSSL's own PEM reader.
#include <gtest/gtest.h>
#include <openssl/provider.h>

#include "convert/pfx_pem.h"
#include "test_pki.h"

namespace sscsi::azure {
namespace {

using test::mount_error_text;
using test::PfxCipher;
using test::PfxSpec;
using test::str;

class AzurePfxPem : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = test::make_rsa_key(2048).release();
    root_key_ = test::make_ec_key().release();
    int_key_ = test::make_ec_key().release();
    leaf_key_ = test::make_ec_key().release();
    const auto id = [](EVP_PKEY* key) { return test::key_id(key); };
    rsa_cert_ = test::make_certificate({.common_name = "rsa", .key = rsa_}).release();
    root_ =
        test::make_certificate(
            {.common_name = "root", .key = root_key_, .ski = id(root_key_), .aki = id(root_key_)})
            .release();
    intermediate_ = test::make_certificate({.common_name = "intermediate",
                                            .key = int_key_,
                                            .signer = root_key_,
                                            .issuer_name = "root",
                                            .ski = id(int_key_),
                                            .aki = id(root_key_)})
                        .release();
    leaf_ = test::make_certificate({.common_name = "leaf",
                                    .key = leaf_key_,
                                    .signer = int_key_,
                                    .issuer_name = "intermediate",
                                    .ski = id(leaf_key_),
                                    .aki = id(int_key_)})
                .release();
  }
  static void TearDownTestSuite() {
    for (X509* cert : {rsa_cert_, root_, intermediate_, leaf_}) X509_free(cert);
    for (EVP_PKEY* key : {rsa_, root_key_, int_key_, leaf_key_}) EVP_PKEY_free(key);
  }

  static std::vector<std::string> names(const test::ParsedPem& parsed) {
    std::vector<std::string> out;
    for (const auto& cert : parsed.certificates) out.push_back(test::common_name(cert.get()));
    return out;
  }

  static EVP_PKEY* rsa_;
  static EVP_PKEY* root_key_;
  static EVP_PKEY* int_key_;
  static EVP_PKEY* leaf_key_;
  static X509* rsa_cert_;
  static X509* root_;
  static X509* intermediate_;
  static X509* leaf_;
};
EVP_PKEY* AzurePfxPem::rsa_ = nullptr;
EVP_PKEY* AzurePfxPem::root_key_ = nullptr;
EVP_PKEY* AzurePfxPem::int_key_ = nullptr;
EVP_PKEY* AzurePfxPem::leaf_key_ = nullptr;
X509* AzurePfxPem::rsa_cert_ = nullptr;
X509* AzurePfxPem::root_ = nullptr;
X509* AzurePfxPem::intermediate_ = nullptr;
X509* AzurePfxPem::leaf_ = nullptr;

// Case 22: RSA, one certificate, empty password → PKCS#8 key block, then the certificate; bag
// attributes (friendlyName, localKeyID) do not appear.
TEST_F(AzurePfxPem, RsaKeyThenCertificate) {
  for (PfxCipher cipher : {PfxCipher::Legacy, PfxCipher::Aes}) {
    const std::string pem = str(
        pfx_to_pem(test::make_pfx({.keys = {rsa_}, .certificates = {rsa_cert_}, .cipher = cipher}),
                   true, nullptr));
    const auto parsed = test::parse_pem(pem);
    ASSERT_EQ(parsed.types, (std::vector<std::string>{"PRIVATE KEY", "CERTIFICATE"}));
    EXPECT_EQ(X509_check_private_key(parsed.certificates[0].get(), parsed.keys[0].get()), 1);
    EXPECT_EQ(EVP_PKEY_eq(parsed.keys[0].get(), rsa_), 1);
    EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
    EXPECT_EQ(pem.find("friendlyName"), std::string::npos);
    EXPECT_EQ(pem.find("Bag Attributes"), std::string::npos);
    EXPECT_EQ(pem.substr(pem.find("-----BEGIN CERTIFICATE-----")), test::pem_of(rsa_cert_));
  }
}

// Case 23: EC P-256 with leaf, intermediate and root stored out of order; chain construction
// gives PKCS#8 EC key, leaf, intermediate, root. Without it, PFX order is kept.
TEST_F(AzurePfxPem, EcChainIsOrderedWhenAsked) {
  for (PfxCipher cipher : {PfxCipher::Legacy, PfxCipher::Aes}) {
    const std::string pfx = test::make_pfx(
        {.keys = {leaf_key_}, .certificates = {root_, leaf_, intermediate_}, .cipher = cipher});
    const auto ordered = test::parse_pem(str(pfx_to_pem(pfx, true, nullptr)));
    ASSERT_EQ(ordered.keys.size(), 1u);
    EXPECT_EQ(ordered.types.front(), "PRIVATE KEY");
    EXPECT_EQ(EVP_PKEY_eq(ordered.keys[0].get(), leaf_key_), 1);
    EXPECT_EQ(names(ordered), (std::vector<std::string>{"leaf", "intermediate", "root"}));
    EXPECT_EQ(X509_check_private_key(ordered.certificates[0].get(), ordered.keys[0].get()), 1);

    const auto as_stored = test::parse_pem(str(pfx_to_pem(pfx, false, nullptr)));
    EXPECT_EQ(names(as_stored), (std::vector<std::string>{"root", "leaf", "intermediate"}));
  }
}

// The empty password written as no bytes at all (NULL) or as an empty BMPString (""), with and
// without a MAC, legacy and AES.
TEST_F(AzurePfxPem, BothEmptyPasswordEncodingsWithAndWithoutMac) {
  for (PfxCipher cipher : {PfxCipher::Legacy, PfxCipher::Aes}) {
    for (const char* password : {static_cast<const char*>(nullptr), ""}) {
      for (bool mac : {true, false}) {
        const std::string pfx = test::make_pfx({.keys = {leaf_key_},
                                                .certificates = {leaf_},
                                                .cipher = cipher,
                                                .password = password,
                                                .mac = mac});
        const auto parsed = test::parse_pem(str(pfx_to_pem(pfx, true, nullptr)));
        ASSERT_EQ(parsed.types, (std::vector<std::string>{"PRIVATE KEY", "CERTIFICATE"}))
            << "cipher " << static_cast<int>(cipher) << " password " << (password ? "\"\"" : "NULL")
            << " mac " << mac;
        EXPECT_EQ(EVP_PKEY_eq(parsed.keys[0].get(), leaf_key_), 1);
      }
    }
  }
}

TEST_F(AzurePfxPem, EveryKeyComesBeforeEveryCertificate) {
  const std::string pfx = test::make_pfx(
      {.keys = {rsa_, leaf_key_}, .certificates = {leaf_, rsa_cert_}, .cipher = PfxCipher::Aes});
  const auto parsed = test::parse_pem(str(pfx_to_pem(pfx, false, nullptr)));
  ASSERT_EQ(parsed.types,
            (std::vector<std::string>{"PRIVATE KEY", "PRIVATE KEY", "CERTIFICATE", "CERTIFICATE"}));
  EXPECT_EQ(EVP_PKEY_eq(parsed.keys[0].get(), rsa_), 1);
  EXPECT_EQ(EVP_PKEY_eq(parsed.keys[1].get(), leaf_key_), 1);
  EXPECT_EQ(names(parsed), (std::vector<std::string>{"leaf", "rsa"}));
}

TEST_F(AzurePfxPem, UnshroudedKeyBagsAreRead) {
  const std::string pfx =
      test::make_pfx({.keys = {rsa_}, .certificates = {rsa_cert_}, .shroud_keys = false});
  const auto parsed = test::parse_pem(str(pfx_to_pem(pfx, true, nullptr)));
  ASSERT_EQ(parsed.types, (std::vector<std::string>{"PRIVATE KEY", "CERTIFICATE"}));
  EXPECT_EQ(EVP_PKEY_eq(parsed.keys[0].get(), rsa_), 1);
}

// Key Vault certificates with non-exportable keys give a PFX with the certificate only; that is
// not an error (neither upstream).
TEST_F(AzurePfxPem, CertificateOnlyPfxGivesCertificates) {
  const std::string pfx = test::make_pfx({.certificates = {intermediate_, leaf_}});
  std::vector<std::string> warnings;
  const auto parsed = test::parse_pem(
      str(pfx_to_pem(pfx, true, [&](std::string_view text) { warnings.emplace_back(text); })));
  ASSERT_EQ(parsed.types, (std::vector<std::string>{"CERTIFICATE", "CERTIFICATE"}));
  // The walk leaf → intermediate covers every certificate given, so the chain counts as
  // complete even though its root is not in the file (upstream's rule).
  EXPECT_EQ(names(parsed), (std::vector<std::string>{"leaf", "intermediate"}));
  EXPECT_TRUE(warnings.empty());
}

// Case 21 through a PFX: the warning reaches the sink and PFX order is kept.
TEST_F(AzurePfxPem, IncompleteChainWarnsAndKeepsPfxOrder) {
  std::vector<std::string> warnings;
  const std::string pfx = test::make_pfx({.keys = {leaf_key_}, .certificates = {root_, leaf_}});
  const std::string pem =
      str(pfx_to_pem(pfx, true, [&](std::string_view text) { warnings.emplace_back(text); }));
  EXPECT_EQ(names(test::parse_pem(pem)), (std::vector<std::string>{"root", "leaf"}));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], kIncompleteChainWarning);
}

// With chain construction and no certificate at all, upstream fails with "no leaf found".
TEST_F(AzurePfxPem, KeyOnlyPfx) {
  const std::string pfx = test::make_pfx({.keys = {rsa_}});
  EXPECT_EQ(mount_error_text([&] { pfx_to_pem(pfx, true, nullptr); }),
            "failed to decode PKCS12 data, error: no leaf found");
  const auto parsed = test::parse_pem(str(pfx_to_pem(pfx, false, nullptr)));
  EXPECT_EQ(parsed.types, std::vector<std::string>{"PRIVATE KEY"});
}

// The encryption algorithms of the first (certificate) safe, to show the fixtures are what they
// claim: RC2-40 needs the legacy provider, which the process-wide context does not have.
int certificate_safe_algorithm(const std::string& pfx_der) {
  const auto* p = reinterpret_cast<const unsigned char*>(pfx_der.data());
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(pfx_der.size())));
  STACK_OF(PKCS7)* safes = PKCS12_unpack_authsafes(p12.get());
  const PKCS7* first = sk_PKCS7_value(safes, 0);
  const int nid = OBJ_obj2nid(first->d.encrypted->enc_data->algorithm->algorithm);
  sk_PKCS7_pop_free(safes, PKCS7_free);
  return nid;
}

TEST_F(AzurePfxPem, FixturesUseLegacyAndModernAlgorithms) {
  const std::string legacy = test::make_pfx_der({.keys = {rsa_}, .certificates = {rsa_cert_}});
  const std::string modern =
      test::make_pfx_der({.keys = {rsa_}, .certificates = {rsa_cert_}, .cipher = PfxCipher::Aes});
  EXPECT_EQ(certificate_safe_algorithm(legacy), NID_pbe_WithSHA1And40BitRC2_CBC);
  EXPECT_EQ(certificate_safe_algorithm(modern), NID_pbes2);

  // OpenSSL's own reader in the process-wide context cannot open the legacy file; ours can.
  const auto* p = reinterpret_cast<const unsigned char*>(legacy.data());
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(legacy.size())));
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  EXPECT_EQ(PKCS12_parse(p12.get(), "", &key, &cert, nullptr), 0);
  EVP_PKEY_free(key);
  X509_free(cert);
  ERR_clear_error();
  EXPECT_EQ(test::parse_pem(str(pfx_to_pem(test::base64(legacy), true, nullptr))).types.size(), 2u);
}

// The legacy provider is loaded into the plugin's own context only.
TEST_F(AzurePfxPem, ProcessWideContextIsUntouched) {
  const std::string pfx = test::make_pfx({.keys = {rsa_}, .certificates = {rsa_cert_}});
  ASSERT_FALSE(pfx_to_pem(pfx, true, nullptr).empty());
  EXPECT_EQ(OSSL_PROVIDER_available(nullptr, "legacy"), 0);
  EVP_CIPHER* rc2 = EVP_CIPHER_fetch(nullptr, "RC2-40-CBC", nullptr);
  EXPECT_EQ(rc2, nullptr);
  EVP_CIPHER_free(rc2);
  ERR_clear_error();
}

// Case 29 and other bad inputs: exact messages.
TEST_F(AzurePfxPem, BadInputs) {
  const auto error = [](const std::string& value) {
    return mount_error_text([&] { pfx_to_pem(value, true, nullptr); });
  };
  const std::string good_der = test::make_pfx_der({.keys = {rsa_}, .certificates = {rsa_cert_}});

  EXPECT_EQ(error("invalid"),
            "failed to decode PKCS12 data, error: illegal base64 data at input byte 4");
  const std::string good = test::base64(good_der);
  const std::size_t cut = good.size() / 8 * 4 + 1;  // one dangling character
  EXPECT_EQ(error(good.substr(0, cut)),
            "failed to decode PKCS12 data, error: illegal base64 data at input byte " +
                std::to_string(cut - 1));
  EXPECT_EQ(error(test::base64("this is not a pfx")),
            "failed to decode PKCS12 data, error: the secret value is not a PKCS#12 (PFX) file");
  EXPECT_EQ(error(test::base64(good_der.substr(0, good_der.size() / 2))),
            "failed to decode PKCS12 data, error: the secret value is not a PKCS#12 (PFX) file");
  EXPECT_EQ(error(""),
            "failed to decode PKCS12 data, error: the secret value is not a PKCS#12 (PFX) file");
  // A certificate is DER but not PKCS#12.
  EXPECT_EQ(error(test::base64(test::der_of(rsa_cert_))),
            "failed to decode PKCS12 data, error: the secret value is not a PKCS#12 (PFX) file");
  EXPECT_EQ(error(test::base64(good_der + "junk")),
            "failed to decode PKCS12 data, error: the secret value has data after the PFX");

  sscsi_status code = SSCSI_OK;
  const std::string protected_pfx =
      test::make_pfx({.keys = {rsa_}, .certificates = {rsa_cert_}, .password = "s3cret"});
  EXPECT_EQ(mount_error_text([&] { pfx_to_pem(protected_pfx, true, nullptr); }, &code),
            "failed to decode PKCS12 data, error: pkcs12: decryption password incorrect (Key "
            "Vault PFX secrets have an empty password)");
  EXPECT_EQ(code, SSCSI_INVALID_PARAMETERS);

  // Without a MAC the password shows up only when decrypting.
  const std::string protected_no_mac = test::make_pfx(
      {.keys = {rsa_}, .certificates = {rsa_cert_}, .password = "s3cret", .mac = false});
  const std::string no_mac_error = error(protected_no_mac);
  EXPECT_EQ(no_mac_error.rfind("failed to decode PKCS12 data, error: failed to decrypt the PFX's "
                               "certificates with an absent password: ",
                               0),
            0u)
      << no_mac_error;
  const std::string keys_no_mac = test::make_pfx(
      {.keys = {rsa_}, .cipher = PfxCipher::Aes, .password = "s3cret", .mac = false});
  const std::string keys_error = mount_error_text([&] { pfx_to_pem(keys_no_mac, false, nullptr); });
  EXPECT_EQ(keys_error.rfind("failed to decode PKCS12 data, error: failed to decrypt a private "
                             "key of the PFX with an absent password: ",
                             0),
            0u)
      << keys_error;
  ERR_clear_error();
}

TEST_F(AzurePfxPem, FailuresLeaveNoOpenSslErrorsBehind) {
  ERR_clear_error();
  const std::string protected_no_mac = test::make_pfx(
      {.keys = {rsa_}, .certificates = {rsa_cert_}, .password = "s3cret", .mac = false});
  ERR_clear_error();
  EXPECT_NE(mount_error_text([&] { pfx_to_pem(protected_no_mac, true, nullptr); }), "<no error>");
  EXPECT_NE(mount_error_text([&] { pfx_to_pem(test::base64("junk"), true, nullptr); }),
            "<no error>");
  EXPECT_EQ(ERR_peek_error(), 0u);
}

}  // namespace
}  // namespace sscsi::azure
