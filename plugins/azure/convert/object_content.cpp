#include "convert/object_content.h"

#include "convert/certificate_pem.h"
#include "convert/encoding.h"
#include "convert/jwk_pem.h"
#include "convert/openssl_support.h"
#include "convert/pem_split.h"
#include "convert/pfx_pem.h"

namespace sscsi::azure {
namespace {

struct SecretContent {
  SecretString text;
  bool certificate_backed = false;
  bool pfx_passthrough = false;
};

SecretContent secret_content(const SecretBundle& secret, const KeyVaultObject& object,
                             const ConvertOptions& options, const WarningSink& warn) {
  if (secret.kid.empty()) return {secret.value, false, false};
  if (secret.content_type == kPemContentType) return {secret.value, true, false};
  if (secret.content_type == kPkcs12ContentType) {
    if (object.pfx) return {secret.value, true, true};
    return {pfx_to_pem(view(secret.value), options.construct_pem_chain, warn), true, false};
  }
  throw content_error("failed to get certificate. unknown content type '" + secret.content_type +
                      "'");
}

std::string with_suffix(std::string_view base_path, std::string_view suffix) {
  std::string path(base_path);
  path += suffix;
  return path;
}

}  // namespace

std::vector<ObjectFile> secret_files(const SecretBundle& secret, const KeyVaultObject& object,
                                     std::string_view base_path, const ConvertOptions& options,
                                     const WarningSink& warn) {
  const SecretContent content = secret_content(secret, object, options, warn);
  std::vector<ObjectFile> files;
  if (options.separate_cert_and_key_files && content.certificate_backed &&
      !content.pfx_passthrough) {
    const SplitPem split = split_certificates_and_keys(view(content.text));
    files.push_back({with_suffix(base_path, ".crt"),
                     decode_content(view(split.certificates), object.encoding)});
    files.push_back(
        {with_suffix(base_path, ".key"), decode_content(view(split.others), object.encoding)});
  }
  files.push_back({std::string(base_path), decode_content(view(content.text), object.encoding)});
  return files;
}

std::vector<ObjectFile> key_files(const KeyBundle& key, std::string_view base_path) {
  std::vector<ObjectFile> files;
  files.push_back({std::string(base_path), jwk_to_public_key_pem(key.key)});
  return files;
}

std::vector<ObjectFile> certificate_files(const CertificateBundle& certificate,
                                          std::string_view base_path) {
  std::vector<ObjectFile> files;
  files.push_back({std::string(base_path), certificate_to_pem(certificate.cer)});
  return files;
}

}  // namespace sscsi::azure
