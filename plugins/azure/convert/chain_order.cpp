#include "convert/chain_order.h"

#include <openssl/x509v3.h>

#include <optional>
#include <string>
#include <vector>

#include "convert/openssl_support.h"
#include "convert/pem.h"

namespace sscsi::azure {
namespace {

struct Node {
  SecretString der;  // emitted as read, like Go's cert.Raw
  // Absent and empty differ: upstream only skips a match when both sides are absent (nil).
  std::optional<std::string> authority_key_id;
  std::optional<std::string> subject_key_id;
  const Node* parent = nullptr;
  bool is_parent = false;
};

std::optional<std::string> octets(const ASN1_OCTET_STRING* s) {
  if (s == nullptr) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

std::vector<Node> parse_nodes(std::string_view certificates_pem) {
  std::vector<Node> nodes;
  for (const PemBlock& block : decode_pem_blocks(certificates_pem)) {
    const auto* p = reinterpret_cast<const unsigned char*>(block.bytes.data());
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(block.bytes.size())));
    const auto* end =
        reinterpret_cast<const unsigned char*>(block.bytes.data()) + block.bytes.size();
    if (!cert || p != end) {
      throw content_error(
          "failed to parse certificate " + std::to_string(nodes.size() + 1) + " of the chain: " +
          (cert ? std::string("trailing data after the certificate") : last_openssl_error()));
    }
    Node node;
    node.authority_key_id = octets(X509_get0_authority_key_id(cert.get()));
    node.subject_key_id = octets(X509_get0_subject_key_id(cert.get()));
    node.der = block.bytes;
    nodes.push_back(std::move(node));
  }
  return nodes;
}

}  // namespace

SecretString order_certificate_chain(std::string_view certificates_pem, const WarningSink& warn) {
  OpenSslErrorScope errors;
  std::vector<Node> nodes = parse_nodes(certificates_pem);

  // j is i's parent when i's AKI equals j's SKI; the first such j wins.
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (std::size_t j = 0; j < nodes.size(); ++j) {
      if (i == j) continue;
      const auto& aki = nodes[i].authority_key_id;
      const auto& ski = nodes[j].subject_key_id;
      if (!aki && !ski) continue;
      if (aki.value_or(std::string()) == ski.value_or(std::string())) {
        nodes[j].is_parent = true;
        nodes[i].parent = &nodes[j];
        break;
      }
    }
  }

  const Node* leaf = nullptr;
  for (const Node& node : nodes) {
    if (!node.is_parent) {
      leaf = &node;
      break;
    }
  }
  if (leaf == nullptr) throw content_error("no leaf found");

  std::vector<const Node*> chain;
  for (const Node* node = leaf; node != nullptr; node = node->parent) {
    if (chain.size() == nodes.size()) throw content_error("constructing chain resulted in cycle");
    chain.push_back(node);
  }

  if (chain.size() != nodes.size()) {
    if (warn) warn(kIncompleteChainWarning);
    return make_secret(certificates_pem);
  }

  SecretString ordered = make_secret({});
  for (const Node* node : chain) append_pem(ordered, "CERTIFICATE", view(node->der));
  return ordered;
}

}  // namespace sscsi::azure
