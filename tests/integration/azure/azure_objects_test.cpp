// Every object type, format and encoding of the Azure plugin end to end (reference
// azure-provider.md §2, §4, §6): what lands in the pod's volume, checked byte for byte or with
// OpenSSL against the material the emulator made.

#include <gtest/gtest.h>

#include <string>

#include "azure_host.h"
#include "pem_checks.h"
#include "volume_files.h"

namespace sscsi::testing_support {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// Publishes the objects with workload identity and returns the volume; fails the test on error.
std::map<std::string, VolumeFile> publish_objects(AzureHost& env, const std::string& pod,
                                                  const std::vector<Fields>& objects) {
  const auto target = env.host().kubelet_target(pod);
  const grpc::Status status =
      env.publish(pod, AzureHost::workload_parameters(azure_objects_yaml(objects)), pod, target);
  EXPECT_TRUE(status.ok()) << status.error_message() << "\n" << env.host().log();
  return status.ok() ? read_volume(target) : std::map<std::string, VolumeFile>{};
}

// A certificate issued by the emulator's CA chain (root and intermediate in the secret).
CertificateOptions chain_certificate(bool root_first = false,
                                     PfxEncryption encryption = PfxEncryption::aes,
                                     const std::string& key_type = "RSA",
                                     CertificateFormat format = CertificateFormat::pkcs12) {
  CertificateOptions options;
  options.issuer = CertificateIssuer::chain;
  options.root_first = root_first;
  options.pfx_encryption = encryption;
  options.key_type = key_type;
  options.format = format;
  return options;
}

// The labels of the PEM blocks of `text`, in order.
std::vector<std::string> labels(const std::string& text) {
  std::vector<std::string> out;
  for (const PemBlock& block : pem_blocks(text)) out.push_back(block.label);
  return out;
}

// Key first, then leaf → intermediate → root, each signed by the next (reference §4.5, §4.6).
void expect_key_then_chain(const std::string& content, const CertificateMaterial& material) {
  const auto blocks = pem_blocks(content);
  ASSERT_EQ(labels(content),
            (std::vector<std::string>{"PRIVATE KEY", "CERTIFICATE", "CERTIFICATE", "CERTIFICATE"}))
      << content;
  EXPECT_TRUE(same_private_key(blocks[0].text, material.private_key_pem));
  EXPECT_TRUE(same_certificate(blocks[1].text, material.certificate_pem)) << "leaf first";
  EXPECT_TRUE(key_matches_certificate(blocks[0].text, blocks[1].text));
  EXPECT_TRUE(issued_by(blocks[1].text, blocks[2].text)) << "then its issuer";
  EXPECT_TRUE(issued_by(blocks[2].text, blocks[3].text)) << "then the issuer's issuer";
  EXPECT_TRUE(is_self_signed(blocks[3].text)) << "root last";
}

TEST(AzureObjects, SecretsInEveryEncoding) {
  AzureHost env = workload_host();
  env.azure().create_secret(kVault, "plain", "plain text \xe2\x9c\x93 with\nnewline");
  env.azure().create_secret(kVault, "utf8", "explicit utf-8");
  env.azure().create_secret(kVault, "hex", "48656C6c6f00ff");
  env.azure().create_secret(kVault, "b64", "AAFiaW5hcnn+");  // \0 \1 "binary" \xfe
  const auto files = publish_objects(
      env, "pod-enc",
      {{{"objectName", "plain"}, {"objectType", "secret"}},
       {{"objectName", "utf8"}, {"objectType", "secret"}, {"objectEncoding", "utf-8"}},
       {{"objectName", "hex"}, {"objectType", "secret"}, {"objectEncoding", "hex"}},
       {{"objectName", "b64"}, {"objectType", "secret"}, {"objectEncoding", "Base64"}}});
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files.at("plain").content, "plain text \xe2\x9c\x93 with\nnewline");
  EXPECT_EQ(files.at("utf8").content, "explicit utf-8");
  EXPECT_EQ(files.at("hex").content, std::string("Hello\0\xff", 7));
  EXPECT_EQ(files.at("b64").content, std::string("\0\x01"
                                                 "binary\xfe",
                                                 9));
}

TEST(AzureObjects, RsaAndEcKeysBecomePublicKeyPem) {
  AzureHost env = workload_host();
  const KeyMaterial rsa = env.azure().create_key(kVault, "rsa-key", "RSA", {{"size", 3072}});
  const KeyMaterial ec = env.azure().create_key(kVault, "ec-key", "EC", {{"crv", "P-384"}});
  const KeyMaterial hsm = env.azure().create_key(kVault, "hsm-key", "EC-HSM", {{"crv", "P-521"}});
  const auto files = publish_objects(env, "pod-keys",
                                     {{{"objectName", "rsa-key"}, {"objectType", "key"}},
                                      {{"objectName", "ec-key"}, {"objectType", "key"}},
                                      {{"objectName", "hsm-key"}, {"objectType", "key"}}});
  ASSERT_EQ(files.size(), 3u);
  for (const auto& [name, material] : std::vector<std::pair<std::string, KeyMaterial>>{
           {"rsa-key", rsa}, {"ec-key", ec}, {"hsm-key", hsm}}) {
    const std::string& pem = files.at(name).content;
    EXPECT_EQ(labels(pem), std::vector<std::string>{"PUBLIC KEY"}) << name;
    EXPECT_TRUE(same_public_key(pem, material.public_key_pem)) << name << "\n" << pem;
    EXPECT_EQ(pem.find("PRIVATE"), std::string::npos);
  }
}

TEST(AzureObjects, CertificateBecomesItsCertificatePem) {
  AzureHost env = workload_host();
  const CertificateMaterial cert =
      env.azure().create_certificate(kVault, "web", chain_certificate());
  const auto files =
      publish_objects(env, "pod-cert", {{{"objectName", "web"}, {"objectType", "cert"}}});
  ASSERT_EQ(files.size(), 1u);
  const std::string& pem = files.at("web").content;
  EXPECT_EQ(labels(pem), std::vector<std::string>{"CERTIFICATE"}) << "the leaf only";
  EXPECT_TRUE(same_certificate(pem, cert.certificate_pem));
}

TEST(AzureObjects, PemCertificateBackedSecretIsWrittenAsStored) {
  AzureHost env = workload_host();
  const CertificateMaterial cert = env.azure().create_certificate(
      kVault, "pem-cert",
      chain_certificate(true, PfxEncryption::aes, "RSA", CertificateFormat::pem));
  ASSERT_EQ(cert.content_type, "application/x-pem-file");
  const auto files =
      publish_objects(env, "pod-pem", {{{"objectName", "pem-cert"}, {"objectType", "secret"}}});
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.at("pem-cert").content, cert.secret_value) << "no reordering for PEM secrets";
}

TEST(AzureObjects, LegacyAndAesPfxSecretsBecomeAPkcs8KeyAndTheChainLeafToRoot) {
  AzureHost env = workload_host();
  // The chain stored root first, so the order in the volume is the plugin's doing.
  const CertificateMaterial legacy = env.azure().create_certificate(
      kVault, "legacy-pfx", chain_certificate(true, PfxEncryption::legacy));
  const CertificateMaterial aes = env.azure().create_certificate(
      kVault, "aes-pfx", chain_certificate(true, PfxEncryption::aes, "EC"));
  const auto files = publish_objects(
      env, "pod-pfx",
      {{{"objectName", "legacy-pfx"}, {"objectType", "secret"}},
       {{"objectName", "aes-pfx"}, {"objectType", "secret"}, {"objectFormat", "PEM"}}});
  ASSERT_EQ(files.size(), 2u);
  expect_key_then_chain(files.at("legacy-pfx").content, legacy);
  expect_key_then_chain(files.at("aes-pfx").content, aes);
}

TEST(AzureObjects, PfxFormatIsTheStoredBase64OrWithBase64EncodingABinaryPfx) {
  AzureHost env = workload_host();
  const CertificateMaterial cert =
      env.azure().create_certificate(kVault, "bundle", chain_certificate());
  const auto files = publish_objects(env, "pod-pfx-format",
                                     {{{"objectName", "bundle"},
                                       {"objectType", "secret"},
                                       {"objectFormat", "pfx"},
                                       {"objectAlias", "bundle.pfx.b64"}},
                                      {{"objectName", "bundle"},
                                       {"objectType", "secret"},
                                       {"objectFormat", "pfx"},
                                       {"objectEncoding", "base64"},
                                       {"objectAlias", "bundle.pfx"}}});
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files.at("bundle.pfx.b64").content, cert.secret_value);
  const std::string& binary = files.at("bundle.pfx").content;
  EXPECT_EQ(binary, decode_base64(cert.secret_value));
  const PfxContents pfx = read_pfx(binary);
  ASSERT_TRUE(pfx.ok) << "OpenSSL cannot open the PFX with an empty password";
  EXPECT_TRUE(same_certificate(pfx.certificate_pem, cert.certificate_pem));
  EXPECT_TRUE(same_private_key(pfx.private_key_pem, cert.private_key_pem));
  EXPECT_EQ(pfx.ca_pems.size(), 2u);
}

TEST(AzureObjects, SeparateCertificateAndKeyFilesNextToTheCombinedOne) {
  AzureHostSetup setup;
  setup.plugin_config = {{"writeCertAndKeyInSeparateFiles", true}};
  AzureHost env = workload_host(setup);
  const CertificateMaterial cert =
      env.azure().create_certificate(kVault, "tls", chain_certificate(true));
  const auto files =
      publish_objects(env, "pod-split", {{{"objectName", "tls"}, {"objectType", "secret"}}});
  ASSERT_EQ(files.size(), 3u) << "tls, tls.crt, tls.key";
  expect_key_then_chain(files.at("tls").content, cert);
  const std::string& crt = files.at("tls.crt").content;
  const std::string& key = files.at("tls.key").content;
  EXPECT_EQ(labels(crt), (std::vector<std::string>{"CERTIFICATE", "CERTIFICATE", "CERTIFICATE"}));
  EXPECT_TRUE(same_certificate(pem_blocks(crt)[0].text, cert.certificate_pem));
  EXPECT_EQ(labels(key), std::vector<std::string>{"PRIVATE KEY"});
  EXPECT_TRUE(key_matches_certificate(key, cert.certificate_pem));
}

TEST(AzureObjects, AliasesWithSubdirectoriesAndFilePermissions) {
  AzureHost env = workload_host();
  env.azure().create_secret(kVault, "db-password", "pw");
  env.azure().create_secret(kVault, "api-token", "tok");
  env.azure().create_key(kVault, "signing", "EC", {{"crv", "P-256"}});
  const auto files = publish_objects(env, "pod-alias",
                                     {{{"objectName", "db-password"},
                                       {"objectType", "secret"},
                                       {"objectAlias", "config/db/password"},
                                       {"filePermission", "0600"}},
                                      {{"objectName", "api-token"}, {"objectType", "secret"}},
                                      {{"objectName", "signing"},
                                       {"objectType", "key"},
                                       {"objectAlias", "keys/signing.pub"},
                                       {"filePermission", "440"}}});
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files.at("config/db/password"), (VolumeFile{"pw", 0600}));
  EXPECT_EQ(files.at("api-token"), (VolumeFile{"tok", 0644}));
  EXPECT_EQ(files.at("keys/signing.pub").mode, 0440u);
}

TEST(AzureObjects, VersionHistoryNewestFirstAcrossListPages) {
  AzureHostSetup setup;
  setup.emulator.page_size = 2;
  AzureHost env = workload_host(setup);
  std::vector<std::string> versions;
  for (int i = 1; i <= 5; ++i) {
    versions.push_back(env.azure().create_secret(kVault, "rotating", "value-" + std::to_string(i)));
  }
  // A disabled version is skipped, as upstream does.
  env.azure().set_attributes(kVault, "secret", "rotating", versions[3], {{"enabled", false}});
  env.azure().clear_requests();
  const auto files = publish_objects(
      env, "pod-history",
      {{{"objectName", "rotating"}, {"objectType", "secret"}, {"objectVersionHistory", "3"}},
       {{"objectName", "rotating"},
        {"objectType", "secret"},
        {"objectAlias", "from-third"},
        {"objectVersion", versions[2]},
        {"objectVersionHistory", "2"}}});
  ASSERT_EQ(files.size(), 5u);
  EXPECT_EQ(files.at("rotating/0").content, "value-5");
  EXPECT_EQ(files.at("rotating/1").content, "value-3");
  EXPECT_EQ(files.at("rotating/2").content, "value-2");
  EXPECT_EQ(files.at("from-third/0").content, "value-3");
  EXPECT_EQ(files.at("from-third/1").content, "value-2");
  // Five versions at two per page: three pages for each of the two lists.
  EXPECT_EQ(env.azure().count("kv-list").total, 6);
}

}  // namespace
}  // namespace sscsi::testing_support
