// Kubeconfig loading: the supported fields, relative paths, and bad files, each of which must
// give one error naming the file and the field.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "../kube/finish_within.h"
#include "kube/client/cluster_config.h"
#include "kube/client/kubeconfig_loader.h"
#include "test_files.h"

namespace sscsi::kube {
namespace {

using testing::encode_base64;
using testing::fake_pem;
using testing::TempDir;

constexpr const char* kToken = "s3cr3t-token-value";

std::string indent(const std::string& text, int spaces) {
  std::istringstream lines(text);
  std::string out;
  std::string line;
  while (std::getline(lines, line)) out += std::string(spaces, ' ') + line + "\n";
  return out;
}

// A kubeconfig with one context "ctx" -> cluster "c1", user "u1".
std::string kubeconfig(const std::string& cluster_fields, const std::string& user_fields,
                       const std::string& context_fields = "cluster: c1\nuser: u1",
                       const std::string& current = "current-context: ctx") {
  return "apiVersion: v1\nkind: Config\n" + current + "\ncontexts:\n- name: ctx\n  context:\n" +
         indent(context_fields, 4) + "clusters:\n- name: c1\n  cluster:\n" +
         indent(cluster_fields, 4) + "users:\n- name: u1\n  user:\n" + indent(user_fields, 4);
}

const std::string kServer = "server: https://127.0.0.1:6443";
const std::string kCaData =
    "certificate-authority-data: " + encode_base64(fake_pem("CERTIFICATE", "Y2E="));
const std::string kTokenField = std::string("token: ") + kToken;

ClusterConfig load_ok(const std::filesystem::path& path) {
  ClusterConfigResult result = load_kubeconfig(path);
  if (const auto* error = std::get_if<std::string>(&result)) {
    ADD_FAILURE() << "unexpected error: " << *error;
    return {};
  }
  return std::get<ClusterConfig>(std::move(result));
}

TEST(KubeClientKubeconfig, TokenAndInlineCa) {
  TempDir dir;
  const auto path = dir.write("config", kubeconfig(kServer + "/\n" + kCaData, kTokenField));
  const ClusterConfig config = load_ok(path);
  EXPECT_EQ(config.server, "https://127.0.0.1:6443");  // trailing slash dropped
  EXPECT_EQ(config.token.view(), kToken);
  EXPECT_TRUE(config.token_file.empty());
  EXPECT_EQ(config.certificate_authority.data.view(), fake_pem("CERTIFICATE", "Y2E="));
  EXPECT_TRUE(config.certificate_authority.file.empty());
  EXPECT_TRUE(config.client_certificate.empty());
  EXPECT_NE(config.origin.find(path.string()), std::string::npos);
  EXPECT_NE(config.origin.find("\"ctx\""), std::string::npos);
}

TEST(KubeClientKubeconfig, WrappedBase64DataIsAccepted) {
  TempDir dir;
  std::string data = encode_base64(fake_pem("CERTIFICATE", "Y2E="));
  for (std::size_t at = 16; at < data.size(); at += 17) data.insert(at, " ");
  const auto path = dir.write(
      "config",
      kubeconfig(kServer + "\ncertificate-authority-data: \"" + data + "\"", kTokenField));
  EXPECT_EQ(load_ok(path).certificate_authority.data.view(), fake_pem("CERTIFICATE", "Y2E="));
}

TEST(KubeClientKubeconfig, RelativePathsResolveAgainstTheKubeconfigDirectory) {
  TempDir dir;
  dir.write("kube/pki/ca.crt", fake_pem("CERTIFICATE", "Y2E="));
  dir.write("kube/pki/client.crt", fake_pem("CERTIFICATE", "Y2xp"));
  dir.write("kube/pki/client.key", fake_pem("PRIVATE KEY", "a2V5"));
  dir.write("kube/token", std::string(kToken) + "\n");
  const auto path =
      dir.write("kube/config", kubeconfig(kServer + "\ncertificate-authority: pki/ca.crt",
                                          "tokenFile: ./token\nclient-certificate: pki/client.crt\n"
                                          "client-key: pki/../pki/client.key"));
  // The working directory is elsewhere: resolution must not depend on it.
  const ClusterConfig config = load_ok(path);
  EXPECT_EQ(config.certificate_authority.file, dir.path() / "kube/pki/ca.crt");
  EXPECT_EQ(config.token_file, dir.path() / "kube/token");
  EXPECT_TRUE(config.token.empty());
  EXPECT_EQ(config.client_certificate.file, dir.path() / "kube/pki/client.crt");
  EXPECT_EQ(config.client_key.file, dir.path() / "kube/pki/client.key");
}

TEST(KubeClientKubeconfig, InlineClientCertificateAndKey) {
  TempDir dir;
  const std::string cert = fake_pem("CERTIFICATE", "Y2VydA==");
  const std::string key = fake_pem("EC PRIVATE KEY", "a2V5LWJ5dGVz");
  const auto path = dir.write(
      "config",
      kubeconfig(kServer + "\n" + kCaData, "client-certificate-data: " + encode_base64(cert) +
                                               "\nclient-key-data: " + encode_base64(key)));
  const ClusterConfig config = load_ok(path);
  EXPECT_EQ(config.client_certificate.data.view(), cert);
  EXPECT_EQ(config.client_key.data.view(), key);
  EXPECT_TRUE(config.token.empty());
}

TEST(KubeClientKubeconfig, ContextWithoutUserIsAnonymous) {
  TempDir dir;
  const auto path = dir.write("config", kubeconfig(kServer, kTokenField, "cluster: c1"));
  const ClusterConfig config = load_ok(path);
  EXPECT_TRUE(config.token.empty());
  EXPECT_TRUE(config.certificate_authority.empty());  // system trust store
}

TEST(KubeClientKubeconfig, InsecureSkipTlsVerifyFalseIsAccepted) {
  TempDir dir;
  const auto path =
      dir.write("config", kubeconfig(kServer + "\ninsecure-skip-tls-verify: false", kTokenField));
  EXPECT_EQ(load_ok(path).server, "https://127.0.0.1:6443");
}

TEST(KubeClientKubeconfig, PicksTheCurrentContextAmongSeveral) {
  TempDir dir;
  const auto path = dir.write("config", R"(
current-context: second
contexts:
- name: first
  context: {cluster: a, user: ua}
- name: second
  context: {cluster: b, user: ub}
clusters:
- name: a
  cluster: {server: "https://a.example:6443"}
- name: b
  cluster: {server: "https://b.example:443/prefix"}
users:
- name: ua
  user: {token: token-a}
- name: ub
  user: {token: token-b}
)");
  const ClusterConfig config = load_ok(path);
  EXPECT_EQ(config.server, "https://b.example:443/prefix");
  EXPECT_EQ(config.token.view(), "token-b");
}

TEST(KubeClientKubeconfig, LoadClusterConfigWithAPathReadsTheKubeconfig) {
  TempDir dir;
  const auto path = dir.write("config", kubeconfig(kServer, kTokenField));
  ClusterConfigResult result = load_cluster_config(path);
  ASSERT_TRUE(std::holds_alternative<ClusterConfig>(result)) << std::get<std::string>(result);
  EXPECT_EQ(std::get<ClusterConfig>(result).token.view(), kToken);
}

// ---- bad kubeconfigs: one error, naming the file and the field, never a credential ----

struct BadKubeconfig {
  std::string name;
  std::string text;                   // written to <dir>/config; "<dir>" in it is replaced
  std::vector<std::string> expected;  // substrings of the error
};

std::ostream& operator<<(std::ostream& out, const BadKubeconfig& bad) { return out << bad.name; }

class KubeClientBadKubeconfig : public ::testing::TestWithParam<BadKubeconfig> {};

TEST_P(KubeClientBadKubeconfig, IsRefusedWithAClearError) {
  const BadKubeconfig& bad = GetParam();
  TempDir dir;
  const auto path = dir.write("config", bad.text);
  const ClusterConfigResult result = load_kubeconfig(path);
  ASSERT_TRUE(std::holds_alternative<std::string>(result)) << "accepted:\n" << bad.text;
  const std::string& error = std::get<std::string>(result);
  EXPECT_EQ(error.rfind("kubeconfig " + path.string() + ": ", 0), 0u) << error;
  for (std::string expected : bad.expected) {
    const auto at = expected.find("<dir>");
    if (at != std::string::npos) expected.replace(at, 5, dir.path().string());
    EXPECT_NE(error.find(expected), std::string::npos)
        << "error: " << error << "\nexpected to contain: " << expected;
  }
  EXPECT_EQ(error.find(kToken), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

const std::string kKeyData = encode_base64(fake_pem("PRIVATE KEY", "a2V5"));
const std::string kCertData = encode_base64(fake_pem("CERTIFICATE", "Y2VydA=="));

INSTANTIATE_TEST_SUITE_P(
    Cases, KubeClientBadKubeconfig,
    ::testing::Values(
        BadKubeconfig{"NotYaml", "clusters: [a, b\nusers: {", {"not valid YAML"}},
        BadKubeconfig{"Empty", "", {"the file is empty"}},
        BadKubeconfig{"TopLevelList", "- a\n- b\n", {"top level is a list, not a mapping"}},
        BadKubeconfig{"TopLevelScalar", "just text\n", {"top level is a string"}},
        BadKubeconfig{"MissingCurrentContext",
                      kubeconfig(kServer, kTokenField, "cluster: c1\nuser: u1", ""),
                      {"current-context is not set"}},
        BadKubeconfig{
            "EmptyCurrentContext",
            kubeconfig(kServer, kTokenField, "cluster: c1\nuser: u1", "current-context: \"\""),
            {"current-context is not set"}},
        BadKubeconfig{
            "CurrentContextWrongType",
            kubeconfig(kServer, kTokenField, "cluster: c1\nuser: u1", "current-context: [a]"),
            {"current-context must be a string, not a list"}},
        BadKubeconfig{
            "UnknownContext",
            kubeconfig(kServer, kTokenField, "cluster: c1\nuser: u1", "current-context: other"),
            {"current-context \"other\" is not defined under contexts"}},
        BadKubeconfig{"UnknownCluster",
                      kubeconfig(kServer, kTokenField, "cluster: b\nuser: u1"),
                      {"context \"ctx\" names cluster \"b\", which is not defined"}},
        BadKubeconfig{"UnknownUser",
                      kubeconfig(kServer, kTokenField, "cluster: c1\nuser: nobody"),
                      {"context \"ctx\" names user \"nobody\", which is not defined"}},
        BadKubeconfig{"ContextWithoutCluster",
                      kubeconfig(kServer, kTokenField, "user: u1"),
                      {"context \"ctx\" names no cluster"}},
        BadKubeconfig{"ContextIsAScalar",
                      "current-context: ctx\ncontexts:\n- name: ctx\n  context: c1\n",
                      {"context \"ctx\" must be a mapping, not a string"}},
        BadKubeconfig{"ContextsIsAMapping",
                      "current-context: ctx\ncontexts:\n  ctx: {cluster: c1}\n",
                      {"contexts must be a list, not a mapping"}},
        BadKubeconfig{"ContextEntryWithoutName",
                      "current-context: ctx\ncontexts:\n- context: {cluster: c1}\n",
                      {"contexts[0] has no name"}},
        BadKubeconfig{"ContextEntryWithoutBody",
                      "current-context: ctx\ncontexts:\n- name: ctx\n",
                      {"contexts[0] (\"ctx\") has no context"}},
        BadKubeconfig{"ClusterWithoutServer",
                      kubeconfig(kCaData, kTokenField),
                      {"cluster \"c1\": server is not set"}},
        BadKubeconfig{"ServerIsAList",
                      kubeconfig("server: [https://a]", kTokenField),
                      {"cluster \"c1\": server must be a string, not a list"}},
        BadKubeconfig{"PlainHttpServer",
                      kubeconfig("server: http://127.0.0.1:8080", kTokenField),
                      {"cluster \"c1\": server \"http://127.0.0.1:8080\" is not an https:// URL"}},
        BadKubeconfig{"ServerWithoutHost",
                      kubeconfig("server: https://", kTokenField),
                      {"cluster \"c1\": server \"https://\" is not a valid URL"}},
        BadKubeconfig{"InsecureSkipTlsVerify",
                      kubeconfig(kServer + "\ninsecure-skip-tls-verify: true", kTokenField),
                      {"cluster \"c1\": insecure-skip-tls-verify is true, which sscsi refuses"}},
        BadKubeconfig{"InsecureSkipTlsVerifyNotABool",
                      kubeconfig(kServer + "\ninsecure-skip-tls-verify: maybe", kTokenField),
                      {"cluster \"c1\": insecure-skip-tls-verify must be true or false"}},
        BadKubeconfig{"ProxyUrl",
                      kubeconfig(kServer + "\nproxy-url: http://proxy:3128", kTokenField),
                      {"cluster \"c1\": proxy-url is not supported"}},
        BadKubeconfig{"TlsServerName",
                      kubeconfig(kServer + "\ntls-server-name: api.internal", kTokenField),
                      {"cluster \"c1\": tls-server-name is not supported"}},
        BadKubeconfig{
            "CaDataNotBase64",
            kubeconfig(kServer + "\ncertificate-authority-data: not*base64!", kTokenField),
            {"cluster \"c1\": certificate-authority-data is not valid base64"}},
        BadKubeconfig{
            "CaDataNotPem",
            kubeconfig(kServer + "\ncertificate-authority-data: " + encode_base64("plain bytes"),
                       kTokenField),
            {"cluster \"c1\": certificate-authority-data decodes to something that is "
             "not PEM"}},
        BadKubeconfig{
            "CaFileAndData",
            kubeconfig(kServer + "\ncertificate-authority: ca.crt\n" + kCaData, kTokenField),
            {"cluster \"c1\": certificate-authority and certificate-authority-data are "
             "both set"}},
        BadKubeconfig{"CaFileMissing",
                      kubeconfig(kServer + "\ncertificate-authority: pki/ca.crt", kTokenField),
                      {"cluster \"c1\": certificate-authority <dir>/pki/ca.crt: cannot read: No "
                       "such file or directory"}},
        BadKubeconfig{"CaFileIsADirectory",
                      kubeconfig(kServer + "\ncertificate-authority: .", kTokenField),
                      {"cluster \"c1\": certificate-authority <dir>/: cannot read: it is a "
                       "directory"}},
        BadKubeconfig{"TokenAndTokenFile",
                      kubeconfig(kServer, kTokenField + "\ntokenFile: /var/token"),
                      {"user \"u1\": token and tokenFile are both set"}},
        BadKubeconfig{"TokenFileMissing",
                      kubeconfig(kServer, "tokenFile: token"),
                      {"user \"u1\": tokenFile <dir>/token: cannot read: No such file"}},
        BadKubeconfig{"TokenIsAMapping",
                      kubeconfig(kServer, "token: {value: x}"),
                      {"user \"u1\": token must be a string, not a mapping"}},
        BadKubeconfig{"ExecUser",
                      kubeconfig(kServer,
                                 "exec:\n  apiVersion: client.authentication.k8s.io/v1\n"
                                 "  command: aws"),
                      {"user \"u1\": exec credential plugins are not supported"}},
        BadKubeconfig{"AuthProviderUser",
                      kubeconfig(kServer, "auth-provider:\n  name: gcp"),
                      {"user \"u1\": auth-provider plugins are not supported"}},
        BadKubeconfig{"BasicAuth",
                      kubeconfig(kServer, "username: admin\npassword: hunter2"),
                      {"user \"u1\": basic authentication (username/password) is not supported"}},
        BadKubeconfig{"Impersonation",
                      kubeconfig(kServer, kTokenField + "\nas: system:admin"),
                      {"user \"u1\": impersonation (as) is not supported"}},
        BadKubeconfig{"CertificateWithoutKey",
                      kubeconfig(kServer, "client-certificate-data: " + kCertData),
                      {"user \"u1\": client-certificate is set without client-key"}},
        BadKubeconfig{"KeyWithoutCertificate",
                      kubeconfig(kServer, "client-key-data: " + kKeyData),
                      {"user \"u1\": client-key is set without client-certificate"}},
        BadKubeconfig{"KeyDataNotBase64",
                      kubeconfig(kServer, "client-certificate-data: " + kCertData +
                                              "\nclient-key-data: '%%%'"),
                      {"user \"u1\": client-key-data is not valid base64"}},
        BadKubeconfig{"ClientKeyFileMissing",
                      kubeconfig(kServer, "client-certificate-data: " + kCertData +
                                              "\nclient-key: keys/missing.key"),
                      {"user \"u1\": client-key <dir>/keys/missing.key: cannot read"}},
        BadKubeconfig{"UserIsAList",
                      "current-context: ctx\ncontexts:\n- name: ctx\n  context: {cluster: c1, "
                      "user: u1}\nclusters:\n- name: c1\n  cluster: {server: \"https://a:1\"}\n"
                      "users:\n- name: u1\n  user: [a]\n",
                      {"user \"u1\" must be a mapping, not a list"}}),
    [](const ::testing::TestParamInfo<BadKubeconfig>& param_info) {
      return param_info.param.name;
    });

TEST(KubeClientKubeconfig, DuplicateNamesAreReported) {
  TempDir dir;
  const auto dup = dir.write("dup", R"(
current-context: ctx
contexts:
- name: ctx
  context: {cluster: c1}
clusters:
- name: c1
  cluster: {server: "https://a:1"}
- name: c1
  cluster: {server: "https://b:1"}
)");
  const ClusterConfigResult result = load_kubeconfig(dup);
  ASSERT_TRUE(std::holds_alternative<std::string>(result));
  EXPECT_NE(std::get<std::string>(result).find("clusters defines \"c1\" more than once"),
            std::string::npos)
      << std::get<std::string>(result);
}

TEST(KubeClientKubeconfig, MissingFileNamesIt) {
  TempDir dir;
  const ClusterConfigResult result = load_kubeconfig(dir.path() / "nope");
  ASSERT_TRUE(std::holds_alternative<std::string>(result));
  EXPECT_EQ(std::get<std::string>(result), "kubeconfig " + (dir.path() / "nope").string() +
                                               ": cannot read: No such file or directory");
}

TEST(KubeClientKubeconfig, EmptyTokenFileIsRefused) {
  TempDir dir;
  dir.write("token", "\n  \n");
  const auto path = dir.write("config", kubeconfig(kServer, "tokenFile: token"));
  const ClusterConfigResult result = load_kubeconfig(path);
  ASSERT_TRUE(std::holds_alternative<std::string>(result));
  EXPECT_NE(std::get<std::string>(result).find("user \"u1\": tokenFile " +
                                               (dir.path() / "token").string() + " is empty"),
            std::string::npos)
      << std::get<std::string>(result);
}

// A FIFO has no end until a writer comes: opening it for a token must not block start-up.
TEST(KubeClientKubeconfig, TokenFileThatIsAFifoIsRefusedWithoutWaiting) {
  TempDir dir;
  const auto fifo = dir.path() / "token";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const auto path = dir.write("config", kubeconfig(kServer, "tokenFile: token"));
  const ClusterConfigResult result = test_support::finish_within(
      std::chrono::seconds(5), [path] { return load_kubeconfig(path); });
  ASSERT_TRUE(std::holds_alternative<std::string>(result));
  EXPECT_NE(std::get<std::string>(result).find(fifo.string() + ": cannot read: not a regular file"),
            std::string::npos)
      << std::get<std::string>(result);
}

// yaml-cpp's Load stops at a ',' where a node should start and returns an empty document (its
// LoadAll loops for ever there): the file is refused as YAML, not reported as empty.
TEST(KubeClientKubeconfig, DocumentLevelCommaIsNotValidYaml) {
  for (const std::string text : {"---\n,\n", ",\n", "apiVersion: v1\n...\n,\n"}) {
    TempDir dir;
    const auto path = dir.write("config", text);
    const ClusterConfigResult result = test_support::finish_within(
        std::chrono::seconds(5), [path] { return load_kubeconfig(path); });
    ASSERT_TRUE(std::holds_alternative<std::string>(result)) << text;
    const std::string& error = std::get<std::string>(result);
    EXPECT_TRUE(error.starts_with("kubeconfig " + path.string() +
                                  ": not valid YAML: yaml-cpp: error at line "))
        << error;
    EXPECT_TRUE(error.ends_with(": unexpected ',' where a YAML node or document should start"))
        << error;
  }
}

}  // namespace
}  // namespace sscsi::kube
