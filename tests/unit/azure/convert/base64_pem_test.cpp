// Go-compatible base64 (offsets in errors as Go reports them) and Go-compatible PEM blocks.
#include <gtest/gtest.h>

#include "convert/base64.h"
#include "convert/pem.h"
#include "test_pki.h"

namespace sscsi::azure {
namespace {

using test::str;

std::string decode_ok(std::string_view text, Base64Alphabet alphabet) {
  std::string error;
  auto bytes = decode_base64(text, alphabet, &error);
  EXPECT_TRUE(bytes.has_value()) << text << ": " << error;
  return bytes ? str(*bytes) : std::string();
}

std::string decode_error(std::string_view text, Base64Alphabet alphabet) {
  std::string error;
  auto bytes = decode_base64(text, alphabet, &error);
  EXPECT_FALSE(bytes.has_value()) << text;
  return error;
}

TEST(AzureBase64, StdDecodesPaddedTextAndSkipsLineBreaks) {
  EXPECT_EQ(decode_ok("", Base64Alphabet::StdPadded), "");
  EXPECT_EQ(decode_ok("dGVzdA==", Base64Alphabet::StdPadded), "test");
  EXPECT_EQ(decode_ok("Zm9vYmFy", Base64Alphabet::StdPadded), "foobar");
  EXPECT_EQ(decode_ok("Zm9v\r\nYmE=\n", Base64Alphabet::StdPadded), "fooba");
  EXPECT_EQ(decode_ok("+/+/", Base64Alphabet::StdPadded), "\xfb\xff\xbf");
}

TEST(AzureBase64, StdErrorsReportGoOffsets) {
  // Values checked against Go's base64.StdEncoding.DecodeString.
  EXPECT_EQ(decode_error("invalid", Base64Alphabet::StdPadded),
            "illegal base64 data at input byte 4");
  EXPECT_EQ(decode_error("QQ=", Base64Alphabet::StdPadded), "illegal base64 data at input byte 3");
  EXPECT_EQ(decode_error("Q===", Base64Alphabet::StdPadded), "illegal base64 data at input byte 1");
  EXPECT_EQ(decode_error("QQ==QQ==", Base64Alphabet::StdPadded),
            "illegal base64 data at input byte 4");
  EXPECT_EQ(decode_error("ab$d", Base64Alphabet::StdPadded), "illegal base64 data at input byte 2");
  EXPECT_EQ(decode_error("ab-_", Base64Alphabet::StdPadded), "illegal base64 data at input byte 2");
  EXPECT_EQ(decode_error("QUJDR", Base64Alphabet::StdPadded),
            "illegal base64 data at input byte 4");
}

TEST(AzureBase64, UrlUnpaddedRefusesPaddingAndStdCharacters) {
  EXPECT_EQ(decode_ok("-_8", Base64Alphabet::UrlUnpadded), "\xfb\xff");
  EXPECT_EQ(decode_ok("dGVzdA", Base64Alphabet::UrlUnpadded), "test");
  EXPECT_EQ(decode_error("dGVzdA==", Base64Alphabet::UrlUnpadded),
            "illegal base64 data at input byte 6");
  EXPECT_EQ(decode_error("ab+/", Base64Alphabet::UrlUnpadded),
            "illegal base64 data at input byte 2");
  EXPECT_EQ(decode_error("QUJDR", Base64Alphabet::UrlUnpadded),
            "illegal base64 data at input byte 4");
}

TEST(AzureBase64, EncodesStandardPadded) {
  EXPECT_EQ(str(encode_base64("")), "");
  EXPECT_EQ(str(encode_base64("f")), "Zg==");
  EXPECT_EQ(str(encode_base64("fo")), "Zm8=");
  EXPECT_EQ(str(encode_base64("foo")), "Zm9v");
  EXPECT_EQ(str(encode_base64("\xfb\xff\xbf")), "+/+/");
}

TEST(AzurePem, EncodesSixtyFourCharacterLinesWithTrailingNewline) {
  SecretString out = make_secret({});
  append_pem(out, "TEST", std::string(100, 'x'));
  const std::string b64 = test::base64(std::string(100, 'x'));
  ASSERT_EQ(b64.size(), 136u);
  EXPECT_EQ(str(out), "-----BEGIN TEST-----\n" + b64.substr(0, 64) + "\n" + b64.substr(64, 64) +
                          "\n" + b64.substr(128) + "\n-----END TEST-----\n");

  SecretString empty = make_secret({});
  append_pem(empty, "EMPTY", "");
  EXPECT_EQ(str(empty), "-----BEGIN EMPTY-----\n-----END EMPTY-----\n");
}

TEST(AzurePem, WritesProcTypeFirstThenSortedHeaders) {
  PemBlock block;
  block.type = "RSA PRIVATE KEY";
  block.headers = {{"DEK-Info", "AES-128-CBC,00"}, {"Proc-Type", "4,ENCRYPTED"}, {"A", "b"}};
  block.bytes = make_secret("abc");
  SecretString out = make_secret({});
  append_pem(out, block);
  EXPECT_EQ(str(out),
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nA: b\n"
            "DEK-Info: AES-128-CBC,00\n\nYWJj\n-----END RSA PRIVATE KEY-----\n");
}

TEST(AzurePem, DecodesBlocksSkippingTextAndMalformedBlocks) {
  const std::string text =
      "Bag Attributes\n    friendlyName: x\n"
      "-----BEGIN CERTIFICATE-----\nYWJj\n-----END CERTIFICATE-----\n"
      "junk between\n"
      "-----BEGIN BROKEN-----\nYWJj\n-----END OTHER-----\n"     // END type differs
      "-----BEGIN BADBODY-----\n!!!!\n-----END BADBODY-----\n"  // body is not base64
      "-----BEGIN PRIVATE KEY-----\r\nZGVm\r\nZ2hp\r\n-----END PRIVATE KEY-----\r\n"
      "-----BEGIN EMPTY-----\n-----END EMPTY-----\n"
      "-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\n\nYQ==\n-----END X-----\n"
      "-----BEGIN UNTERMINATED-----\nYWJj\n";
  const auto blocks = decode_pem_blocks(text);
  ASSERT_EQ(blocks.size(), 4u);
  EXPECT_EQ(blocks[0].type, "CERTIFICATE");
  EXPECT_EQ(str(blocks[0].bytes), "abc");
  EXPECT_EQ(blocks[1].type, "PRIVATE KEY");
  EXPECT_EQ(str(blocks[1].bytes), "defghi");
  EXPECT_EQ(blocks[2].type, "EMPTY");
  EXPECT_EQ(str(blocks[2].bytes), "");
  EXPECT_EQ(blocks[3].type, "X");
  EXPECT_EQ(blocks[3].headers.at("Proc-Type"), "4,ENCRYPTED");
  EXPECT_EQ(str(blocks[3].bytes), "a");
  EXPECT_TRUE(decode_pem_blocks("no pem here").empty());
  EXPECT_TRUE(decode_pem_blocks("").empty());
}

TEST(AzurePem, RoundTripsThroughDecodeAndEncode) {
  SecretString out = make_secret({});
  append_pem(out, "CERTIFICATE", std::string(200, '\x42'));
  append_pem(out, "PRIVATE KEY", std::string(3, '\x01'));
  SecretString again = make_secret({});
  for (const auto& block : decode_pem_blocks(view(out))) append_pem(again, block);
  EXPECT_EQ(str(again), str(out));
}

}  // namespace
}  // namespace sscsi::azure
