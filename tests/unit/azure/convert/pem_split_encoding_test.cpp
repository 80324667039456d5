// Separate cert/key files (reference §4.5, §10.1 case 26) and objectEncoding (case 15).
#include <gtest/gtest.h>

#include "convert/encoding.h"
#include "convert/pem_split.h"
#include "test_pki.h"

namespace sscsi::azure {
namespace {

using test::mount_error_text;
using test::str;

class AzurePemSplit : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = test::make_ec_key();
    root_ = test::make_certificate({.common_name = "root", .key = key_.get()});
    intermediate_ = test::make_certificate({.common_name = "intermediate", .key = key_.get()});
    server_ = test::make_certificate({.common_name = "server", .key = key_.get()});
    key_pem_ = test::private_pem_of(key_.get());
  }
  EvpPkeyPtr key_;
  X509Ptr root_, intermediate_, server_;
  std::string key_pem_;
};

// Case 26: server cert + key → (cert, key).
TEST_F(AzurePemSplit, CertificateAndKey) {
  const SplitPem split = split_certificates_and_keys(test::pem_of(server_.get()) + key_pem_);
  EXPECT_EQ(str(split.certificates), test::pem_of(server_.get()));
  EXPECT_EQ(str(split.others), key_pem_);
}

// Case 26: root + intermediate + server + key → (three certificates in input order, key).
TEST_F(AzurePemSplit, ThreeCertificatesInInputOrderAndKey) {
  const std::string certs =
      test::pem_of(root_.get()) + test::pem_of(intermediate_.get()) + test::pem_of(server_.get());
  const SplitPem split = split_certificates_and_keys(certs + key_pem_);
  EXPECT_EQ(str(split.certificates), certs);
  EXPECT_EQ(str(split.others), key_pem_);
  // Keys first (as the PFX conversion writes them) split the same way.
  const SplitPem key_first = split_certificates_and_keys(key_pem_ + certs);
  EXPECT_EQ(str(key_first.certificates), certs);
  EXPECT_EQ(str(key_first.others), key_pem_);
}

TEST_F(AzurePemSplit, TextOutsideBlocksIsDroppedAndBlocksReencoded) {
  const std::string der = test::der_of(server_.get());
  const std::string one_line =
      "-----BEGIN CERTIFICATE-----\r\n" + test::base64(der) + "\r\n-----END CERTIFICATE-----\r\n";
  const SplitPem split =
      split_certificates_and_keys("subject=/CN=server\n" + one_line + "trailer\n");
  EXPECT_EQ(str(split.certificates), test::pem_of(server_.get()));
  EXPECT_EQ(str(split.others), "");
  const SplitPem nothing = split_certificates_and_keys("not pem at all");
  EXPECT_EQ(str(nothing.certificates), "");
  EXPECT_EQ(str(nothing.others), "");
}

using Encoding = KeyVaultObject::Encoding;

// Case 15.
TEST(AzureObjectEncoding, UpstreamVectors) {
  EXPECT_EQ(str(decode_content("abcdefg", Encoding::Utf8)), "abcdefg");
  EXPECT_EQ(str(decode_content("QmFzZTY0RW5jb2RlZFN0cmluZw==", Encoding::Base64)),
            "Base64EncodedString");
  EXPECT_EQ(str(decode_content("486578456E636F646564537472696E67", Encoding::Hex)),
            "HexEncodedString");
  EXPECT_EQ(str(decode_content("486578456e636f646564537472696e67", Encoding::Hex)),
            "HexEncodedString");
  EXPECT_EQ(str(decode_content("", Encoding::Hex)), "");
  EXPECT_EQ(str(decode_content("", Encoding::Base64)), "");
  EXPECT_EQ(str(decode_content(std::string_view("a\0b", 3), Encoding::Utf8)),
            std::string("a\0b", 3));
}

TEST(AzureObjectEncoding, NamesAreCaseInsensitiveAndUnknownOnesUseUpstreamMessage) {
  EXPECT_EQ(parse_object_encoding(""), Encoding::Utf8);
  EXPECT_EQ(parse_object_encoding("utf-8"), Encoding::Utf8);
  EXPECT_EQ(parse_object_encoding("UTF-8"), Encoding::Utf8);
  EXPECT_EQ(parse_object_encoding("BasE64"), Encoding::Base64);
  EXPECT_EQ(parse_object_encoding("HEX"), Encoding::Hex);
  for (const char* bad : {"NotAnEncoding", "utf-16", "utf8", "base64url", " hex"}) {
    EXPECT_EQ(mount_error_text([&] { parse_object_encoding(bad); }),
              "invalid objectEncoding. Should be utf-8, base64, or hex")
        << bad;
  }
}

// Decode errors name the encoding and an offset, never the secret's bytes.
TEST(AzureObjectEncoding, DecodeErrorsAreClear) {
  sscsi_status code = SSCSI_OK;
  EXPECT_EQ(mount_error_text([] { decode_content("c2VjcmV0!", Encoding::Base64); }, &code),
            "failed to decode the secret with objectEncoding base64: illegal base64 data at input "
            "byte 8");
  EXPECT_EQ(code, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(mount_error_text([] { decode_content("c2VjcmV0", Encoding::Base64); }), "<no error>");
  EXPECT_EQ(mount_error_text([] { decode_content("c2VjcmV", Encoding::Base64); }),
            "failed to decode the secret with objectEncoding base64: illegal base64 data at input "
            "byte 4");
  EXPECT_EQ(mount_error_text([] { decode_content("abc", Encoding::Hex); }),
            "failed to decode the secret with objectEncoding hex: odd number of hex digits (3)");
  const std::string secretish = "41g2";
  const std::string hex_error = mount_error_text([&] { decode_content(secretish, Encoding::Hex); });
  EXPECT_EQ(hex_error,
            "failed to decode the secret with objectEncoding hex: invalid hex digit at input "
            "byte 2");
  EXPECT_EQ(hex_error.find("'g'"), std::string::npos);
  EXPECT_EQ(hex_error.find("U+0067"), std::string::npos);
  // A bad digit is reported before an odd length, as Go does.
  EXPECT_EQ(mount_error_text([] { decode_content("0x1", Encoding::Hex); }),
            "failed to decode the secret with objectEncoding hex: invalid hex digit at input "
            "byte 1");
}

}  // namespace
}  // namespace sscsi::azure
