// secretObjects -> DesiredSecret: upstream's validation, file lookup, labels, TLS.
#include "kube/sync/secret_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "tls_test_material.h"

namespace sscsi::kube {
namespace {

using namespace sscsi::kube::testing;

class KubeSyncSecretBuilder : public ::testing::Test {
 protected:
  MountedFileLookup lookup() {
    return [this](const std::string& path) -> std::optional<std::string_view> {
      ++lookups_;
      const auto it = files_.find(path);
      if (it == files_.end()) return std::nullopt;
      return std::string_view(it->second);
    };
  }
  std::string build_error(const SecretObject& object) {
    try {
      build_desired_secret(object, lookup());
    } catch (const SecretBuildError& e) {
      return e.what();
    }
    return "no error";
  }

  std::map<std::string, std::string> files_{{"db/password", std::string("p\0w\n", 4)},
                                            {"user", "admin"}};
  int lookups_ = 0;
};

SecretObject opaque() {
  return SecretObject{"db",
                      "Opaque",
                      {{"team", "a"}},
                      {{"note", "n"}},
                      {{"db/password", "password"}, {"user", "username"}}};
}

TEST_F(KubeSyncSecretBuilder, BuildsDataLabelsAndAnnotations) {
  const DesiredSecret secret = build_desired_secret(opaque(), lookup());
  EXPECT_EQ(secret.name, "db");
  EXPECT_EQ(secret.type, "Opaque");
  EXPECT_EQ(secret.labels, (std::map<std::string, std::string>{
                               {"team", "a"}, {"secrets-store.csi.k8s.io/managed", "true"}}));
  EXPECT_EQ(secret.annotations, (std::map<std::string, std::string>{{"note", "n"}}));
  ASSERT_EQ(secret.data.size(), 2u);
  EXPECT_EQ(secret.data.at("password").view(), std::string_view("p\0w\n", 4));
  EXPECT_EQ(secret.data.at("username").view(), "admin");
}

TEST_F(KubeSyncSecretBuilder, ManagedLabelCannotBeOverriddenByTheClass) {
  SecretObject object = opaque();
  object.labels["secrets-store.csi.k8s.io/managed"] = "false";
  EXPECT_EQ(build_desired_secret(object, lookup()).labels.at("secrets-store.csi.k8s.io/managed"),
            "true");
}

TEST_F(KubeSyncSecretBuilder, NamesAndKeysAreTrimmedAndALaterKeyWins) {
  SecretObject object = opaque();
  object.secret_name = "  db \n";
  object.type = " Opaque";
  object.data = {{" user ", " username\t"}, {"db/password", "username"}};
  const DesiredSecret secret = build_desired_secret(object, lookup());
  EXPECT_EQ(secret.name, "db");
  EXPECT_EQ(secret.type, "Opaque");
  ASSERT_EQ(secret.data.size(), 1u);
  EXPECT_EQ(secret.data.at("username").view(), std::string_view("p\0w\n", 4));
}

struct Invalid {
  const char* label;
  SecretObject object;
  const char* message;
};

TEST_F(KubeSyncSecretBuilder, ValidationMatrixAsUpstream) {
  const std::vector<Invalid> cases = {
      {"empty secretName",
       {"", "Opaque", {}, {}, {{"user", "u"}}},
       "secretObject: secretName is empty"},
      {"blank secretName",
       {" \t", "Opaque", {}, {}, {{"user", "u"}}},
       "secretObject: secretName is empty"},
      {"empty type", {"db", "", {}, {}, {{"user", "u"}}}, "secretObject db: type is empty"},
      {"blank type", {"db", "  ", {}, {}, {{"user", "u"}}}, "secretObject db: type is empty"},
      {"no data", {"db", "Opaque", {}, {}, {}}, "secretObject db: data is empty"},
      {"empty objectName",
       {"db", "Opaque", {}, {}, {{"user", "u"}, {"", "p"}}},
       "secretObject db: data[1].objectName is empty"},
      {"blank key",
       {"db", "Opaque", {}, {}, {{"user", " "}}},
       "secretObject db: data[0].key is empty"},
  };
  for (const Invalid& c : cases) {
    EXPECT_EQ(build_error(c.object), c.message) << c.label;
  }
  EXPECT_EQ(lookups_, 0) << "no file is read for an invalid secretObject";
  EXPECT_EQ(validate_secret_object(opaque()), "");
}

TEST_F(KubeSyncSecretBuilder, MissingFileIsNamed) {
  SecretObject object = opaque();
  object.data.push_back({"certs/missing", "extra"});
  EXPECT_EQ(build_error(object),
            "Secret db: file matching objectName certs/missing not found in the pod");
}

TEST_F(KubeSyncSecretBuilder, TlsTypeTransformsBothKeys) {
  Pkey key = ec_key();
  Cert cert = certificate("leaf", key.get(), nullptr, nullptr, false);
  files_["bundle"] = pkcs8_pem(key.get()) + cert_pem(cert.get());
  const SecretObject object{
      "web-tls", "kubernetes.io/tls", {}, {}, {{"bundle", "tls.crt"}, {"bundle", "tls.key"}}};
  const DesiredSecret secret = build_desired_secret(object, lookup());
  EXPECT_EQ(secret.data.at("tls.crt").view(), cert_pem(cert.get()));
  EXPECT_EQ(secret.data.at("tls.key").view(), sec1_pem(key.get()));
}

TEST_F(KubeSyncSecretBuilder, TlsErrorsNameTheSecretAndObject) {
  files_["bundle"] = "junk";
  const SecretObject object{"web-tls", "kubernetes.io/tls", {}, {}, {{"bundle", "ca.crt"}}};
  EXPECT_EQ(build_error(object),
            "Secret web-tls: objectName bundle: key 'ca.crt' is not supported in a "
            "kubernetes.io/tls Secret: only tls.crt and tls.key are");
}

TEST(KubeSyncSecretBytes, CopiesAndMovesKeepTheBytes) {
  SecretBytes a(std::string_view("abc\0def", 7));
  SecretBytes b = a;
  SecretBytes c = std::move(a);
  EXPECT_EQ(b, c);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is wiped and empty
  c.append(std::string(100, 'x'));
  EXPECT_EQ(c.size(), 107u);
  EXPECT_EQ(c.view().substr(0, 7), std::string_view("abc\0def", 7));
  b = std::move(c);
  EXPECT_EQ(b.size(), 107u);
}

}  // namespace
}  // namespace sscsi::kube
