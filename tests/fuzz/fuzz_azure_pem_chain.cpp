// PEM text from Key Vault: Go-compatible block decoding, the --write-cert-and-key-in-separate-files
// split, and certificate chain ordering (leaf, intermediates, root by AKI/SKI).
//
// Input: PEM text (certificates, keys, junk around and between blocks).
// Expected: MountError from order_certificate_chain; decoding and splitting never throw.
// Invariants: the split keeps every block, certificates on one side; a reordered chain holds
// exactly the input's certificates; no message contains a run of a block's base64 body.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "common/mount_error.h"
#include "convert/chain_order.h"
#include "convert/pem.h"
#include "convert/pem_split.h"
#include "fuzz_support.h"

namespace {

using namespace sscsi;

std::vector<std::string> certificate_ders(std::string_view pem) {
  std::vector<std::string> ders;
  for (const azure::PemBlock& block : azure::decode_pem_blocks(pem)) {
    if (block.type == "CERTIFICATE") ders.emplace_back(azure::view(block.bytes));
  }
  std::sort(ders.begin(), ders.end());
  return ders;
}

void check_split(std::string_view pem) {
  const auto blocks = azure::decode_pem_blocks(pem);
  const auto split = azure::split_certificates_and_keys(pem);
  const auto certificates = azure::decode_pem_blocks(azure::view(split.certificates));
  const auto others = azure::decode_pem_blocks(azure::view(split.others));
  const auto is_certificate = [](const azure::PemBlock& b) { return b.type == "CERTIFICATE"; };
  const auto expected =
      static_cast<std::size_t>(std::count_if(blocks.begin(), blocks.end(), is_certificate));
  if (!std::all_of(certificates.begin(), certificates.end(), is_certificate) ||
      std::any_of(others.begin(), others.end(), is_certificate) ||
      certificates.size() != expected || others.size() != blocks.size() - expected) {
    fuzz::fuzz_fail("fuzz_azure_pem_chain: the cert/key split lost or misfiled a block",
                    std::string(pem));
  }
}

std::optional<std::string> order(std::string_view pem, azure::SecretString* out) {
  try {
    azure::SecretString ordered = azure::order_certificate_chain(pem, [](std::string_view) {});
    if (out != nullptr) *out = std::move(ordered);
    return std::nullopt;
  } catch (const azure::MountError& e) {
    return std::string(e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view pem = fuzz::as_text(data, size);
  check_split(pem);
  azure::SecretString ordered;
  if (const auto message = order(pem, &ordered)) {
    fuzz::check_no_material_in_message("fuzz_azure_pem_chain", pem, *message, fuzz::pem_bodies,
                                       [](std::string_view text) { return order(text, nullptr); });
    return 0;
  }
  if (certificate_ders(azure::view(ordered)) != certificate_ders(pem)) {
    fuzz::fuzz_fail(
        "fuzz_azure_pem_chain: the ordered chain does not hold the input's certificates",
        std::string(pem));
  }
  return 0;
}
