#include "pem_checks.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>

namespace sscsi::testing_support {
namespace {

struct Free {
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(PKCS12* p) const { PKCS12_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

Owned<BIO> memory(const std::string& text) {
  return Owned<BIO>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

Owned<EVP_PKEY> public_key(const std::string& pem) {
  return Owned<EVP_PKEY>(PEM_read_bio_PUBKEY(memory(pem).get(), nullptr, nullptr, nullptr));
}

Owned<EVP_PKEY> private_key(const std::string& pem) {
  return Owned<EVP_PKEY>(
      PEM_read_bio_PrivateKey(memory(pem).get(), nullptr, nullptr, const_cast<char*>("")));
}

Owned<X509> certificate(const std::string& pem) {
  return Owned<X509>(PEM_read_bio_X509(memory(pem).get(), nullptr, nullptr, nullptr));
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string certificate_pem(X509* cert) {
  Owned<BIO> out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(out.get(), cert);
  return bio_text(out.get());
}

bool keys_equal(EVP_PKEY* a, EVP_PKEY* b) {
  const bool equal = a != nullptr && b != nullptr && EVP_PKEY_eq(a, b) == 1;
  ERR_clear_error();
  return equal;
}

}  // namespace

std::vector<PemBlock> pem_blocks(const std::string& text) {
  std::vector<PemBlock> blocks;
  const std::string begin = "-----BEGIN ";
  std::size_t at = text.find(begin);
  while (at != std::string::npos) {
    const std::size_t label_end = text.find("-----", at + begin.size());
    if (label_end == std::string::npos) break;
    const std::string label = text.substr(at + begin.size(), label_end - at - begin.size());
    const std::string end = "-----END " + label + "-----";
    const std::size_t end_at = text.find(end, label_end);
    if (end_at == std::string::npos) break;
    std::size_t stop = end_at + end.size();
    if (stop < text.size() && text[stop] == '\n') ++stop;
    blocks.push_back({label, text.substr(at, stop - at)});
    at = text.find(begin, stop);
  }
  return blocks;
}

bool same_public_key(const std::string& pem_a, const std::string& pem_b) {
  return keys_equal(public_key(pem_a).get(), public_key(pem_b).get());
}

bool same_private_key(const std::string& pem_a, const std::string& pem_b) {
  return keys_equal(private_key(pem_a).get(), private_key(pem_b).get());
}

bool key_matches_certificate(const std::string& private_key_pem, const std::string& cert_pem) {
  const auto key = private_key(private_key_pem);
  const auto cert = certificate(cert_pem);
  const bool matches = key && cert && X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  return matches;
}

bool is_self_signed(const std::string& cert_pem) { return issued_by(cert_pem, cert_pem); }

bool issued_by(const std::string& child_pem, const std::string& parent_pem) {
  const auto child = certificate(child_pem);
  const auto parent = certificate(parent_pem);
  if (!child || !parent) return false;
  EVP_PKEY* key = X509_get0_pubkey(parent.get());
  const bool issued =
      X509_NAME_cmp(X509_get_issuer_name(child.get()), X509_get_subject_name(parent.get())) == 0 &&
      key != nullptr && X509_verify(child.get(), key) == 1;
  ERR_clear_error();
  return issued;
}

bool same_certificate(const std::string& pem_a, const std::string& pem_b) {
  const auto a = certificate(pem_a);
  const auto b = certificate(pem_b);
  return a && b && X509_cmp(a.get(), b.get()) == 0;
}

std::string decode_base64(const std::string& text) {
  if (text.size() % 4 != 0)
    throw std::invalid_argument("base64 text of length not a multiple of 4");
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) throw std::invalid_argument("not base64");
  std::size_t size = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the padding as zero bytes.
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;
  out.resize(size);
  return out;
}

PfxContents read_pfx(const std::string& der) {
  PfxContents contents;
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  Owned<PKCS12> p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
  if (!p12) {
    ERR_clear_error();
    return contents;
  }
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  if (PKCS12_parse(p12.get(), "", &key, &cert, &ca) != 1) {
    ERR_clear_error();
    return contents;
  }
  Owned<EVP_PKEY> owned_key(key);
  Owned<X509> owned_cert(cert);
  if (key != nullptr) {
    Owned<BIO> out(BIO_new(BIO_s_mem()));
    PEM_write_bio_PKCS8PrivateKey(out.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    contents.private_key_pem = bio_text(out.get());
  }
  if (cert != nullptr) contents.certificate_pem = certificate_pem(cert);
  for (int i = 0; ca != nullptr && i < sk_X509_num(ca); ++i) {
    contents.ca_pems.push_back(certificate_pem(sk_X509_value(ca, i)));
  }
  sk_X509_pop_free(ca, X509_free);
  contents.ok = key != nullptr && cert != nullptr;
  return contents;
}

}  // namespace sscsi::testing_support
