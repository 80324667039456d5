// The files one fetched object becomes (reference §4.2–§4.5, §6; §10.1 cases 15, 27–30).
#include <gtest/gtest.h>
#include <openssl/core_names.h>

#include "convert/object_content.h"
#include "test_pki.h"

namespace sscsi::azure {
namespace {

using test::mount_error_text;
using test::str;

constexpr const char* kKid = "https://kv.vault.azure.net/keys/cert1/v1";

struct File {
  std::string path;
  std::string bytes;
  bool operator==(const File&) const = default;
};
std::ostream& operator<<(std::ostream& os, const File& f) {
  return os << "{" << f.path << ", " << ::testing::PrintToString(f.bytes) << "}";
}

std::vector<File> plain(const std::vector<ObjectFile>& files) {
  std::vector<File> out;
  for (const auto& f : files) out.push_back({f.path, str(f.bytes)});
  return out;
}

KeyVaultObject secret_object(const std::string& name) {
  KeyVaultObject object;
  object.name = name;
  object.type = ObjectType::Secret;
  return object;
}

SecretBundle bundle(const std::string& value, const std::string& content_type,
                    const std::string& kid) {
  return SecretBundle{make_secret(value), "v1", content_type, kid};
}

class AzureObjectContent : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key_ = test::make_ec_key().release();
    cert_ = test::make_certificate({.common_name = "server", .key = key_}).release();
    pfx_der_ = new std::string(test::make_pfx_der({.keys = {key_}, .certificates = {cert_}}));
  }
  static void TearDownTestSuite() {
    X509_free(cert_);
    EVP_PKEY_free(key_);
    delete pfx_der_;
  }
  static std::vector<File> secret(const SecretBundle& b, const KeyVaultObject& object,
                                  ConvertOptions options = {}, std::string_view base = "") {
    return plain(
        secret_files(b, object, base.empty() ? object.file_name() : base, options, nullptr));
  }

  static EVP_PKEY* key_;
  static X509* cert_;
  static std::string* pfx_der_;
};
EVP_PKEY* AzureObjectContent::key_ = nullptr;
X509* AzureObjectContent::cert_ = nullptr;
std::string* AzureObjectContent::pfx_der_ = nullptr;

// Case 27: a plain secret is written as is.
TEST_F(AzureObjectContent, PlainSecretAsIs) {
  EXPECT_EQ(secret(bundle("secret1value", "", ""), secret_object("secret1")),
            (std::vector<File>{{"secret1", "secret1value"}}));
  // Without kid, contentType and objectFormat are ignored.
  KeyVaultObject pfx_object = secret_object("secret1");
  pfx_object.pfx = true;
  EXPECT_EQ(secret(bundle("abc", std::string(kPkcs12ContentType), ""), pfx_object),
            (std::vector<File>{{"secret1", "abc"}}));
  // The alias names the file.
  KeyVaultObject aliased = secret_object("secret1");
  aliased.alias = "folder/alias";
  EXPECT_EQ(secret(bundle("x", "", ""), aliased), (std::vector<File>{{"folder/alias", "x"}}));
}

// Case 15 through the object: base64 and hex turn the text into bytes.
TEST_F(AzureObjectContent, EncodingAppliesToPlainSecrets) {
  KeyVaultObject object = secret_object("s");
  object.encoding = KeyVaultObject::Encoding::Base64;
  EXPECT_EQ(secret(bundle("QmFzZTY0RW5jb2RlZFN0cmluZw==", "", ""), object),
            (std::vector<File>{{"s", "Base64EncodedString"}}));
  object.encoding = KeyVaultObject::Encoding::Hex;
  EXPECT_EQ(secret(bundle("486578456E636F646564537472696E67", "", ""), object),
            (std::vector<File>{{"s", "HexEncodedString"}}));
  EXPECT_EQ(mount_error_text([&] { secret(bundle("xyz", "", ""), object); }),
            "failed to decode the secret with objectEncoding hex: invalid hex digit at input "
            "byte 0");
}

// Case 28: a PEM certificate secret is returned unchanged, whatever its order.
TEST_F(AzureObjectContent, PemCertificateSecretUnchanged) {
  const std::string value = test::private_pem_of(key_) + "junk\n" + test::pem_of(cert_);
  EXPECT_EQ(secret(bundle(value, std::string(kPemContentType), kKid), secret_object("cert1")),
            (std::vector<File>{{"cert1", value}}));
}

// Case 28: PFX + objectFormat pfx → the base64 text; with objectEncoding base64 → the PFX bytes.
TEST_F(AzureObjectContent, PfxFormatPassesThrough) {
  const std::string value = test::base64(*pfx_der_);
  KeyVaultObject object = secret_object("cert1");
  object.pfx = true;
  EXPECT_EQ(secret(bundle(value, std::string(kPkcs12ContentType), kKid), object),
            (std::vector<File>{{"cert1", value}}));
  object.encoding = KeyVaultObject::Encoding::Base64;
  EXPECT_EQ(secret(bundle(value, std::string(kPkcs12ContentType), kKid), object),
            (std::vector<File>{{"cert1", *pfx_der_}}));
}

// Case 28: PFX with the default format → key then certificate PEM.
TEST_F(AzureObjectContent, PfxBecomesKeyAndCertificatePem) {
  const auto files = secret(bundle(test::base64(*pfx_der_), std::string(kPkcs12ContentType), kKid),
                            secret_object("cert1"));
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].path, "cert1");
  const auto parsed = test::parse_pem(files[0].bytes);
  ASSERT_EQ(parsed.types, (std::vector<std::string>{"PRIVATE KEY", "CERTIFICATE"}));
  EXPECT_EQ(EVP_PKEY_eq(parsed.keys[0].get(), key_), 1);
  EXPECT_EQ(X509_cmp(parsed.certificates[0].get(), cert_), 0);
}

// Case 28 with the separate-files flag: .crt (certificates), .key (key), then the combined file.
TEST_F(AzureObjectContent, SeparateFilesForPfx) {
  const ConvertOptions options{.construct_pem_chain = true, .separate_cert_and_key_files = true};
  const auto files = secret(bundle(test::base64(*pfx_der_), std::string(kPkcs12ContentType), kKid),
                            secret_object("cert1"), options, "cert1/0");
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].path, "cert1/0.crt");
  EXPECT_EQ(files[1].path, "cert1/0.key");
  EXPECT_EQ(files[2].path, "cert1/0");
  EXPECT_EQ(files[0].bytes, test::pem_of(cert_));
  EXPECT_EQ(test::parse_pem(files[1].bytes).types, std::vector<std::string>{"PRIVATE KEY"});
  EXPECT_EQ(files[2].bytes, files[1].bytes + files[0].bytes);
}

TEST_F(AzureObjectContent, SeparateFilesForPemSecretAndNotForPlainOrPfxFormat) {
  const ConvertOptions options{.construct_pem_chain = true, .separate_cert_and_key_files = true};
  const std::string value = test::pem_of(cert_) + test::private_pem_of(key_);
  EXPECT_EQ(
      secret(bundle(value, std::string(kPemContentType), kKid), secret_object("c"), options),
      (std::vector<File>{
          {"c.crt", test::pem_of(cert_)}, {"c.key", test::private_pem_of(key_)}, {"c", value}}));
  // Plain secrets never get the extra files.
  EXPECT_EQ(secret(bundle(value, "", ""), secret_object("c"), options),
            (std::vector<File>{{"c", value}}));
  // Deliberate difference (upstream open issue #1277): with objectFormat pfx upstream writes an
  // empty .crt and .key next to the PFX; we write only the PFX.
  KeyVaultObject pfx_object = secret_object("c");
  pfx_object.pfx = true;
  const std::string pfx = test::base64(*pfx_der_);
  EXPECT_EQ(secret(bundle(pfx, std::string(kPkcs12ContentType), kKid), pfx_object, options),
            (std::vector<File>{{"c", pfx}}));
}

// objectEncoding applies to every file of the object, as upstream: a PEM is not base64, so the
// .crt file already fails.
TEST_F(AzureObjectContent, EncodingAppliesToEverySeparateFile) {
  const ConvertOptions options{.construct_pem_chain = true, .separate_cert_and_key_files = true};
  KeyVaultObject object = secret_object("c");
  object.encoding = KeyVaultObject::Encoding::Base64;
  EXPECT_EQ(mount_error_text([&] {
              secret(bundle(test::pem_of(cert_), std::string(kPemContentType), kKid), object,
                     options);
            }),
            "failed to decode the secret with objectEncoding base64: illegal base64 data at input "
            "byte 0");
}

// Case 29 and unknown content types.
TEST_F(AzureObjectContent, CertificateBackedSecretErrors) {
  sscsi_status code = SSCSI_OK;
  EXPECT_EQ(mount_error_text(
                [&] {
                  secret(bundle("invalid", std::string(kPkcs12ContentType), kKid),
                         secret_object("c"));
                },
                &code),
            "failed to decode PKCS12 data, error: illegal base64 data at input byte 4");
  EXPECT_EQ(code, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(
      mount_error_text([&] { secret(bundle("x", "application/json", kKid), secret_object("c")); }),
      "failed to get certificate. unknown content type 'application/json'");
  EXPECT_EQ(mount_error_text([&] { secret(bundle("x", "", kKid), secret_object("c")); }),
            "failed to get certificate. unknown content type ''");
  // Content types are compared exactly, as upstream's switch does.
  EXPECT_EQ(mount_error_text(
                [&] { secret(bundle("x", "Application/X-PEM-File", kKid), secret_object("c")); }),
            "failed to get certificate. unknown content type 'Application/X-PEM-File'");
}

TEST_F(AzureObjectContent, KeyFilesHoldThePublicKey) {
  KeyBundle key;
  key.key.kty = "EC";
  key.key.crv = "P-256";
  const auto coordinate = [](const char* name) {
    BIGNUM* bn = nullptr;
    EVP_PKEY_get_bn_param(key_, name, &bn);
    std::string bytes(32, '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(bytes.data()), 32);
    BN_free(bn);
    return test::base64url(bytes);
  };
  key.key.x = coordinate(OSSL_PKEY_PARAM_EC_PUB_X);
  key.key.y = coordinate(OSSL_PKEY_PARAM_EC_PUB_Y);
  key.version = "v1";
  EXPECT_EQ(plain(key_files(key, "key1")),
            (std::vector<File>{{"key1", test::public_pem_of(key_)}}));
  key.key.kty = "oct";
  EXPECT_EQ(mount_error_text([&] { key_files(key, "key1"); }),
            "failed to get key. key type 'oct' currently not supported");
}

// Case 30.
TEST_F(AzureObjectContent, CertificateFilesHoldTheCertificate) {
  EXPECT_EQ(plain(certificate_files(CertificateBundle{"dGVzdA==", "v1"}, "cert1")),
            (std::vector<File>{
                {"cert1", "-----BEGIN CERTIFICATE-----\ndGVzdA==\n-----END CERTIFICATE-----\n"}}));
  EXPECT_EQ(plain(certificate_files(CertificateBundle{test::base64(test::der_of(cert_)), "v1"},
                                    "alias/2")),
            (std::vector<File>{{"alias/2", test::pem_of(cert_)}}));
  EXPECT_EQ(mount_error_text([] {
              certificate_files(CertificateBundle{"", "v1"}, "c");
            }),
            "certificate value is nil");
}

}  // namespace
}  // namespace sscsi::azure
