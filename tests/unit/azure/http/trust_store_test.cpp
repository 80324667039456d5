// TrustStore: what the one X509_STORE per client holds, and which configurations are refused.
// Verification with it over real TLS is in http_client_test.cpp.
#include "http/trust_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "test_https_server.h"

namespace sscsi::azure {
namespace {

class TrustStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = std::make_unique<testing::TestPki>(std::vector<std::string>{"localhost"});
  }
  static void TearDownTestSuite() { pki_.reset(); }
  std::string write(const std::string& name, const std::string& text) {
    const auto path = pki_->dir() / name;
    std::ofstream(path) << text;
    return path.string();
  }
  static std::size_t certificates_in(const std::string& path) {
    std::ifstream in(path);
    std::size_t count = 0;
    for (std::string line; std::getline(in, line);) {
      if (line == "-----BEGIN CERTIFICATE-----") ++count;
    }
    return count;
  }
  static std::unique_ptr<testing::TestPki> pki_;
};

std::unique_ptr<testing::TestPki> TrustStoreTest::pki_;

TEST_F(TrustStoreTest, CaFileIsAddedToTheWholeSystemBundle) {
  const HttpClientOptions defaults;
  const std::size_t system = certificates_in(defaults.system_ca_bundle);
  ASSERT_GT(system, 0u) << "this test needs the system CA bundle " << defaults.system_ca_bundle;
  HttpClientOptions options;
  options.ca_file = pki_->ca_file().string();
  const TrustStore store(options);
  EXPECT_EQ(store.size(), system + 1);
  EXPECT_EQ(store.problem(), "");
  EXPECT_EQ(TrustStore(defaults).size(), system);
}

TEST_F(TrustStoreTest, WithoutTheSystemStoreOnlyTheCaFileIsTrusted) {
  HttpClientOptions options;
  options.ca_file = pki_->ca_file().string();
  options.use_system_store = false;
  const TrustStore store(options);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.problem(), "");
}

TEST_F(TrustStoreTest, MissingSystemBundleIsReportedNotFatal) {
  HttpClientOptions options;
  options.system_ca_bundle = (pki_->dir() / "absent.pem").string();
  options.ca_file = pki_->ca_file().string();
  const TrustStore store(options);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_NE(store.problem().find("absent.pem"), std::string::npos) << store.problem();
}

TEST_F(TrustStoreTest, CaFileWithAnUnparsableCertificateNamesTheFile) {
  HttpClientOptions options;
  options.ca_file =
      write("broken.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  try {
    const TrustStore store(options);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("broken.pem: no certificate OpenSSL can read"),
              std::string::npos)
        << error.what();
  }
}

TEST_F(TrustStoreTest, CaFileChecksOfReadCaFileApply) {
  HttpClientOptions options;
  options.ca_file = (pki_->dir() / "missing.pem").string();
  EXPECT_THROW(TrustStore{options}, std::invalid_argument);
  options.ca_file.clear();
  options.use_system_store = false;
  EXPECT_THROW(TrustStore{options}, std::invalid_argument);
}

}  // namespace
}  // namespace sscsi::azure
