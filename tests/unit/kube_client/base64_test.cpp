// base64 as kubeconfig *-data fields carry it.

#include <gtest/gtest.h>

#include "kube/client/base64.h"
#include "test_files.h"

namespace sscsi::kube {
namespace {

TEST(KubeClientBase64, DecodesAllPaddings) {
  EXPECT_EQ(decode_base64(""), "");
  EXPECT_EQ(decode_base64("Zg=="), "f");
  EXPECT_EQ(decode_base64("Zm8="), "fo");
  EXPECT_EQ(decode_base64("Zm9v"), "foo");
  EXPECT_EQ(decode_base64("Zm9vYmFy"), "foobar");
}

TEST(KubeClientBase64, RoundTripsBinary) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  EXPECT_EQ(decode_base64(testing::encode_base64(bytes)), bytes);
}

TEST(KubeClientBase64, SkipsLineBreaks) { EXPECT_EQ(decode_base64("Zm9v\nYmFy\r\n"), "foobar"); }

TEST(KubeClientBase64, RefusesMalformedInput) {
  for (const char* bad :
       {"Zm9", "Z", "Zg", "Zg=", "Z===", "=Zg=", "Zg==Zg==", "Zm9v!", "Zm-_", "Zh=="}) {
    EXPECT_EQ(decode_base64(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace sscsi::kube
