// Chain construction (reference §4.6, §10.1 cases 19–21) and its error cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "convert/chain_order.h"
#include "test_pki.h"

namespace sscsi::azure {
namespace {

using test::mount_error_text;
using test::pem_of;
using test::str;

struct Warnings {
  std::vector<std::string> seen;
  WarningSink sink() {
    return [this](std::string_view text) { seen.emplace_back(text); };
  }
};

std::string concat(const std::vector<X509*>& certs, const std::vector<std::size_t>& order) {
  std::string out;
  for (std::size_t i : order) out += pem_of(certs[i]);
  return out;
}

// Every order of `certs` is put back into `expected` order (indices into certs).
void expect_all_permutations_order_to(const std::vector<X509*>& certs,
                                      const std::vector<std::size_t>& expected) {
  std::vector<std::size_t> order(certs.size());
  std::iota(order.begin(), order.end(), 0);
  int permutations = 0;
  do {
    Warnings warnings;
    EXPECT_EQ(str(order_certificate_chain(concat(certs, order), warnings.sink())),
              concat(certs, expected))
        << "input order " << ::testing::PrintToString(order);
    EXPECT_TRUE(warnings.seen.empty());
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  int factorial = 1;
  for (std::size_t i = 2; i <= certs.size(); ++i) factorial *= static_cast<int>(i);
  EXPECT_EQ(permutations, factorial);
}

class AzureChainOrder : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto* key : {&root_key_, &int1_key_, &int2_key_, &leaf_key_}) *key = test::make_ec_key();
  }
  std::string id(const EvpPkeyPtr& key) { return test::key_id(key.get()); }

  EvpPkeyPtr root_key_, int1_key_, int2_key_, leaf_key_;
};

// Case 19: root/intermediate/server (EC, with SKI and AKI) in all 6 permutations.
TEST_F(AzureChainOrder, ThreeCertificateChainInEveryOrder) {
  const X509Ptr root = test::make_certificate(
      {.common_name = "root", .key = root_key_.get(), .ski = id(root_key_), .aki = id(root_key_)});
  const X509Ptr intermediate = test::make_certificate({.common_name = "intermediate",
                                                       .key = int1_key_.get(),
                                                       .signer = root_key_.get(),
                                                       .issuer_name = "root",
                                                       .ski = id(int1_key_),
                                                       .aki = id(root_key_)});
  const X509Ptr server = test::make_certificate({.common_name = "server",
                                                 .key = leaf_key_.get(),
                                                 .signer = int1_key_.get(),
                                                 .issuer_name = "intermediate",
                                                 .ski = id(leaf_key_),
                                                 .aki = id(int1_key_)});
  expect_all_permutations_order_to({root.get(), intermediate.get(), server.get()}, {2, 1, 0});
}

// Case 20: the leaf has no SKI and the root no AKI (upstream #1509: nil AKI never matches nil
// SKI); two intermediates; all 24 permutations.
TEST_F(AzureChainOrder, LeafWithoutSkiAndTwoIntermediatesInEveryOrder) {
  const X509Ptr root =
      test::make_certificate({.common_name = "root", .key = root_key_.get(), .ski = id(root_key_)});
  const X509Ptr intermediate1 = test::make_certificate({.common_name = "intermediate1",
                                                        .key = int1_key_.get(),
                                                        .signer = root_key_.get(),
                                                        .issuer_name = "root",
                                                        .ski = id(int1_key_),
                                                        .aki = id(root_key_)});
  const X509Ptr intermediate2 = test::make_certificate({.common_name = "intermediate2",
                                                        .key = int2_key_.get(),
                                                        .signer = int1_key_.get(),
                                                        .issuer_name = "intermediate1",
                                                        .ski = id(int2_key_),
                                                        .aki = id(int1_key_)});
  const X509Ptr server = test::make_certificate({.common_name = "server",
                                                 .key = leaf_key_.get(),
                                                 .signer = int2_key_.get(),
                                                 .issuer_name = "intermediate2",
                                                 .aki = id(int2_key_)});
  expect_all_permutations_order_to(
      {root.get(), intermediate1.get(), intermediate2.get(), server.get()}, {3, 2, 1, 0});
}

// An AKI extension without a keyIdentifier counts as nil, like an absent one.
TEST_F(AzureChainOrder, AkiWithoutKeyIdentifierIsNil) {
  const X509Ptr root = test::make_certificate({.common_name = "root",
                                               .key = root_key_.get(),
                                               .ski = id(root_key_),
                                               .aki_without_key_id = true});
  const X509Ptr server = test::make_certificate({.common_name = "server",
                                                 .key = leaf_key_.get(),
                                                 .signer = root_key_.get(),
                                                 .issuer_name = "root",
                                                 .aki = id(root_key_)});
  expect_all_permutations_order_to({root.get(), server.get()}, {1, 0});
}

// Upstream compares Go byte slices as strings: an empty (present) AKI equals a nil SKI, so the
// leaf becomes the root's parent and no certificate is left that is nobody's parent.
TEST_F(AzureChainOrder, EmptyAkiMatchesMissingSkiAsUpstream) {
  const X509Ptr root = test::make_certificate(
      {.common_name = "root", .key = root_key_.get(), .ski = id(root_key_), .aki = ""});
  const X509Ptr server = test::make_certificate({.common_name = "server",
                                                 .key = leaf_key_.get(),
                                                 .signer = root_key_.get(),
                                                 .issuer_name = "root",
                                                 .aki = id(root_key_)});
  EXPECT_EQ(mount_error_text([&] {
              order_certificate_chain(pem_of(server.get()) + pem_of(root.get()), nullptr);
            }),
            "no leaf found");
}

// Case 21: server + root with the intermediate missing → the input, byte for byte, and upstream's
// warning.
TEST_F(AzureChainOrder, IncompleteChainReturnsInputUnchangedWithWarning) {
  const X509Ptr root = test::make_certificate(
      {.common_name = "root", .key = root_key_.get(), .ski = id(root_key_), .aki = id(root_key_)});
  const X509Ptr server = test::make_certificate({.common_name = "server",
                                                 .key = leaf_key_.get(),
                                                 .signer = int1_key_.get(),
                                                 .issuer_name = "intermediate",
                                                 .ski = id(leaf_key_),
                                                 .aki = id(int1_key_)});
  for (const std::string& input :
       {pem_of(root.get()) + pem_of(server.get()), pem_of(server.get()) + pem_of(root.get()),
        "Bag Attributes: x\r\n" + pem_of(root.get()) + "\n\n" + pem_of(server.get()) + "tail"}) {
    Warnings warnings;
    EXPECT_EQ(str(order_certificate_chain(input, warnings.sink())), input);
    ASSERT_EQ(warnings.seen.size(), 1u);
    EXPECT_EQ(warnings.seen[0],
              "certificate chain is not complete due to missing intermediate/root certificates "
              "in the cert from key vault");
  }
  // Without a sink the fallback still happens.
  const std::string input = pem_of(root.get()) + pem_of(server.get());
  EXPECT_EQ(str(order_certificate_chain(input, nullptr)), input);
}

TEST_F(AzureChainOrder, UnrelatedCertificatesWithoutKeyIdentifiersAreIncomplete) {
  const X509Ptr a = test::make_certificate({.common_name = "a", .key = root_key_.get()});
  const X509Ptr b = test::make_certificate({.common_name = "b", .key = leaf_key_.get()});
  Warnings warnings;
  const std::string input = pem_of(a.get()) + pem_of(b.get());
  EXPECT_EQ(str(order_certificate_chain(input, warnings.sink())), input);
  EXPECT_EQ(warnings.seen.size(), 1u);
}

TEST_F(AzureChainOrder, SingleCertificateIsItsOwnChain) {
  const X509Ptr root = test::make_certificate(
      {.common_name = "root", .key = root_key_.get(), .ski = id(root_key_), .aki = id(root_key_)});
  Warnings warnings;
  EXPECT_EQ(str(order_certificate_chain("text before\n" + pem_of(root.get()), warnings.sink())),
            pem_of(root.get()));
  EXPECT_TRUE(warnings.seen.empty());
}

TEST_F(AzureChainOrder, CycleIsRefused) {
  // leaf → a → b → a …: a and b name each other as issuer.
  const X509Ptr leaf =
      test::make_certificate({.common_name = "leaf", .key = leaf_key_.get(), .aki = "A"});
  const X509Ptr a =
      test::make_certificate({.common_name = "a", .key = int1_key_.get(), .ski = "A", .aki = "B"});
  const X509Ptr b =
      test::make_certificate({.common_name = "b", .key = int2_key_.get(), .ski = "B", .aki = "A"});
  EXPECT_EQ(mount_error_text([&] {
              order_certificate_chain(pem_of(a.get()) + pem_of(leaf.get()) + pem_of(b.get()),
                                      nullptr);
            }),
            "constructing chain resulted in cycle");
}

TEST_F(AzureChainOrder, NoLeafWhenEveryCertificateIsAParent) {
  const X509Ptr a =
      test::make_certificate({.common_name = "a", .key = int1_key_.get(), .ski = "A", .aki = "B"});
  const X509Ptr b =
      test::make_certificate({.common_name = "b", .key = int2_key_.get(), .ski = "B", .aki = "A"});
  sscsi_status code = SSCSI_OK;
  EXPECT_EQ(
      mount_error_text([&] { order_certificate_chain(pem_of(a.get()) + pem_of(b.get()), nullptr); },
                       &code),
      "no leaf found");
  EXPECT_EQ(code, SSCSI_INVALID_PARAMETERS);
  // No certificates at all: upstream reports the same.
  EXPECT_EQ(mount_error_text([] { order_certificate_chain("", nullptr); }), "no leaf found");
  EXPECT_EQ(mount_error_text([] { order_certificate_chain("not pem", nullptr); }), "no leaf found");
}

TEST_F(AzureChainOrder, UnparsableCertificateIsNamed) {
  const X509Ptr root = test::make_certificate({.common_name = "root", .key = root_key_.get()});
  const std::string garbage = "-----BEGIN CERTIFICATE-----\nYWJjZA==\n-----END CERTIFICATE-----\n";
  const std::string text =
      mount_error_text([&] { order_certificate_chain(pem_of(root.get()) + garbage, nullptr); });
  EXPECT_EQ(text.rfind("failed to parse certificate 2 of the chain: ", 0), 0u) << text;

  const std::string der = test::der_of(root.get()) + "x";
  const std::string with_trailing =
      "-----BEGIN CERTIFICATE-----\n" + test::base64(der) + "\n-----END CERTIFICATE-----\n";
  EXPECT_EQ(mount_error_text([&] { order_certificate_chain(with_trailing, nullptr); }),
            "failed to parse certificate 1 of the chain: trailing data after the certificate");
}

}  // namespace
}  // namespace sscsi::azure
