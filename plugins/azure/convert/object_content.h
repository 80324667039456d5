#pragma once
// The files one fetched Key Vault object becomes (reference azure-provider.md §4.2–§4.5, §6).
// The caller chooses base_path: the object's file name, or "<file name>/<i>" for version
// history; every returned path starts with it.

#include <string>
#include <string_view>
#include <vector>

#include "common/secret_string.h"
#include "convert/chain_order.h"
#include "keyvault/keyvault_objects.h"
#include "params/mount_request.h"

namespace sscsi::azure {

inline constexpr std::string_view kPemContentType = "application/x-pem-file";
inline constexpr std::string_view kPkcs12ContentType = "application/x-pkcs12";

struct ObjectFile {
  std::string path;  // relative to the volume
  SecretString bytes;
};

// The plugin configuration's constructPemChain and writeCertAndKeyInSeparateFiles.
struct ConvertOptions {
  bool construct_pem_chain = true;
  bool separate_cert_and_key_files = false;
};

// objectType: secret.
// - no kid (plain secret): the value; contentType and objectFormat are ignored;
// - kid + application/x-pem-file: the value unchanged;
// - kid + application/x-pkcs12: PEM (keys, then certificates; pfx_pem.h), or with objectFormat
//   pfx the base64 PFX text unchanged;
// - kid + any other contentType: MountError "failed to get certificate. unknown content type
//   '<ct>'".
// With separate_cert_and_key_files a certificate-backed secret yields "<base>.crt" (its
// certificates), "<base>.key" (everything else), then "<base>". Unlike upstream (its open issue
// #1277), the objectFormat: pfx passthrough yields only "<base>": upstream's two extra files are
// always empty there.
// objectEncoding is applied to every file of the object, as upstream does.
std::vector<ObjectFile> secret_files(const SecretBundle& secret, const KeyVaultObject& object,
                                     std::string_view base_path, const ConvertOptions& options,
                                     const WarningSink& warn);

// objectType: key — one "PUBLIC KEY" PEM file; objectEncoding does not apply.
std::vector<ObjectFile> key_files(const KeyBundle& key, std::string_view base_path);

// objectType: cert — one "CERTIFICATE" PEM file (the leaf only); objectEncoding does not apply.
std::vector<ObjectFile> certificate_files(const CertificateBundle& certificate,
                                          std::string_view base_path);

}  // namespace sscsi::azure
