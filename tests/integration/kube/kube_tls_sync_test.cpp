// kubernetes.io/tls Secrets from a PEM chain and from a PFX, made with OpenSSL at test time.

#include <fmt/format.h>

#include "../host_process.h"
#include "../volume_files.h"
#include "kube_host_test.h"

namespace sscsi::testing_support {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string openssl(const std::vector<std::string>& args) {
  const Finished run = run_to_end("/usr/bin/openssl", args, 30s);
  EXPECT_TRUE(run.exited && run.exit_code == 0) << run.end << run.err;
  return run.out;
}

// The public key of a PEM private key, as `openssl pkey -pubout` prints it.
std::string public_key_of(const fs::path& key_file) {
  return openssl({"pkey", "-in", key_file.string(), "-pubout"});
}

class KubeTlsSyncTest : public KubeHostTest {
 protected:
  void make_chain() {
    pki_ = std::make_unique<TestPki>(work_dir_ / "tls-pki");
    leaf_ = pki_->issue_server("leaf", "web.example", {"web.example"}, {});
    leaf_pem_ = read_text(leaf_.cert);
    ca_pem_ = read_text(pki_->ca_cert());
  }

  json tls_class_secret(const std::string& object_name) const {
    return json::array(
        {{{"secretName", "web-tls"},
          {"type", "kubernetes.io/tls"},
          {"data", json::array({{{"objectName", object_name}, {"key", "tls.crt"}},
                                {{"objectName", object_name}, {"key", "tls.key"}}})}}});
  }

  void expect_tls_secret() {
    const auto data = secret_data("web-tls");
    ASSERT_EQ(data.size(), 2u);
    EXPECT_EQ(data.at("tls.crt"), leaf_pem_ + ca_pem_);  // the whole chain, leaf first
    const std::string& key = data.at("tls.key");
    EXPECT_TRUE(key.starts_with("-----BEGIN EC PRIVATE KEY-----\n")) << key.substr(0, 40);
    const fs::path written = work_dir_ / "written.key";
    write_text(written, key);
    EXPECT_EQ(public_key_of(written), public_key_of(leaf_.key));
    EXPECT_EQ(get_core("secrets/web-tls").body["type"], "kubernetes.io/tls");
  }

  std::unique_ptr<TestPki> pki_;
  CertAndKey leaf_;
  std::string leaf_pem_;
  std::string ca_pem_;
};

TEST_F(KubeTlsSyncTest, FromAPemChainWithAPkcs8Key) {
  start_host();
  make_chain();
  const auto bundle = write_content("bundle.pem", read_text(leaf_.key) + leaf_pem_ + ca_pem_);
  const TestPod pod = make_pod("tls-pem");
  make_spc("tls", {{{"objectName", "bundle.pem"}, {"contentFile", bundle.string()}}},
           tls_class_secret("bundle.pem"));
  const grpc::Status status = publish(pod, "tls");
  ASSERT_TRUE(status.ok()) << status.error_message() << host().log();
  expect_tls_secret();
}

TEST_F(KubeTlsSyncTest, FromAPfxWithAnEmptyPassword) {
  start_host();
  make_chain();
  const fs::path pfx = host().content_dir() / "bundle.pfx";
  openssl({"pkcs12", "-export", "-passout", "pass:", "-inkey", leaf_.key.string(), "-in",
           leaf_.cert.string(), "-certfile", pki_->ca_cert().string(), "-out", pfx.string()});
  const TestPod pod = make_pod("tls-pfx");
  make_spc("tls", {{{"objectName", "bundle.pfx"}, {"contentFile", pfx.string()}}},
           tls_class_secret("bundle.pfx"));
  const grpc::Status status = publish(pod, "tls");
  ASSERT_TRUE(status.ok()) << status.error_message() << host().log();
  expect_tls_secret();
}

}  // namespace
}  // namespace sscsi::testing_support
