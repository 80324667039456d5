#include "http/ca_bundle.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "fifo_watchdog.h"

namespace sscsi::azure {
namespace {

constexpr const char* kCert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

class CaBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sscsi-ca-bundle-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::filesystem::path dir_;
};

TEST_F(CaBundleTest, NoCaFileMeansTheSystemStoreAlone) {
  EXPECT_EQ(read_ca_file(HttpClientOptions{}), "");
}

TEST_F(CaBundleTest, CaFileTextIsReturned) {
  HttpClientOptions options;
  options.ca_file = write("extra.pem", kCert);
  EXPECT_EQ(read_ca_file(options), kCert);
  options.use_system_store = false;
  EXPECT_EQ(read_ca_file(options), kCert);
}

TEST_F(CaBundleTest, UnreadableCaFileNamesTheFile) {
  HttpClientOptions options;
  options.ca_file = (dir_ / "missing.pem").string();
  try {
    read_ca_file(options);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("missing.pem: cannot read it"), std::string::npos)
        << error.what();
  }
}

// A FIFO (or any special file) named as caFile must not hang the plugin's start-up: it is
// refused at once as not a regular file.
TEST_F(CaBundleTest, CaFileThatIsAFifoIsRefusedWithoutWaiting) {
  const azure_test::FifoWatchdog fifo((dir_ / "ca.pem").string());
  HttpClientOptions options;
  options.ca_file = fifo.path();
  std::string message;
  EXPECT_TRUE(fifo.returns_by_itself(std::chrono::seconds(5), [&] {
    try {
      read_ca_file(options);
    } catch (const std::invalid_argument& error) {
      message = error.what();
    }
  })) << "read_ca_file waited for a writer on the FIFO";
  EXPECT_EQ(message, "caFile " + fifo.path() + ": cannot read it: not a regular file");
  options.ca_file = dir_.string();
  try {
    read_ca_file(options);
    ADD_FAILURE() << "a directory was read as caFile";
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()),
              "caFile " + dir_.string() + ": cannot read it: not a regular file");
  }
}

TEST_F(CaBundleTest, CaFileWithoutCertificatesIsRefused) {
  HttpClientOptions options;
  options.ca_file = write("empty.pem", "not a certificate\n");
  EXPECT_THROW(read_ca_file(options), std::invalid_argument);
}

TEST_F(CaBundleTest, NoTrustAtAllIsRefused) {
  HttpClientOptions options;
  options.use_system_store = false;
  EXPECT_THROW(read_ca_file(options), std::invalid_argument);
}

}  // namespace
}  // namespace sscsi::azure
