#include "identity/credential_digest.h"

#include <gtest/gtest.h>

#include "jwt_builder.h"

namespace sscsi::azure {
namespace {

using testing::jwt_with_payload;
using testing::service_account_jwt;

TEST(Sha256Hex, KnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(sha256_hex("secret-a"), sha256_hex("secret-b"));
}

TEST(ServiceAccountSubject, ReadsTheSubClaim) {
  EXPECT_EQ(service_account_subject(service_account_jwt("ns1", "sa-one")), "ns1/sa-one");
  // A payload Python encoded with padding stripped, as kubelet's tokens are.
  EXPECT_EQ(service_account_subject(
                "e30.eyJhdWQiOiBbImFwaTovL0F6dXJlQURUb2tlbkV4Y2hhbmdlIl0sICJzdWIiOiAic3lzdGVtOnNl"
                "cnZpY2VhY2NvdW50Om5zMTpzYS1vbmUifQ.sig"),
            "ns1/sa-one");
}

TEST(ServiceAccountSubject, AnythingElseIsUnknown) {
  for (const std::string& bad :
       {std::string(""), std::string("not-a-jwt"), std::string("a.b"), std::string("a.!!!.c"),
        jwt_with_payload("not json"), jwt_with_payload(R"({"sub":5})"),
        jwt_with_payload(R"({"sub":"user:alice"})"),
        jwt_with_payload(R"({"sub":"system:serviceaccount:ns"})"),
        jwt_with_payload(R"({"sub":"system:serviceaccount::sa"})"),
        jwt_with_payload(R"({"sub":"system:serviceaccount:ns:"})"),
        jwt_with_payload(R"({"sub":"system:serviceaccount:a:b:c"})"),
        jwt_with_payload(R"({"sub":"system:serviceaccount:ns:sa","exp":1e400})")}) {
    EXPECT_FALSE(service_account_subject(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace sscsi::azure
