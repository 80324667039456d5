// CurlApiClient against a real kube-apiserver (tests/fixtures/kube_cluster), directly and
// through the fault-injecting proxy (tests/fixtures/fault_proxy): answers passed through,
// retries on 429/503/cut connections/slow answers, retries running out, TLS and token
// failures, client certificates, token rotation on disk, kubeconfig and in-cluster loading, and
// the client-side rate limit.
//
// Time is only ever checked from below (a retry came no sooner than Retry-After asked; six
// rate-limited requests took at least the time the limit implies): a busy machine makes
// things slower, never faster.

#include <gtest/gtest.h>

#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fault_proxy.h"
#include "kube/client/api_client_factory.h"
#include "kube/client/cluster_config.h"
#include "kube/client/curl_api_client.h"
#include "kube_cluster_environment.h"
#include "kube_objects.h"
#include "test_pki.h"

namespace sscsi::kube {
namespace {

using namespace std::chrono_literals;
using std::chrono::steady_clock;
using testing_support::FaultProxy;
using testing_support::FaultRule;
using testing_support::KubeCluster;
using testing_support::KubeClusterEnvironment;

[[maybe_unused]] const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new KubeClusterEnvironment());

KubeCluster& cluster() { return KubeClusterEnvironment::cluster(); }

constexpr const char* kNamespace = "kube-client-test";
constexpr const char* kPod = "web-1";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// What every test shares: a namespace with one pod, and the fault proxy with its own CA (TLS
// ends at the proxy, which verifies the apiserver with the cluster's CA).
struct Shared {
  std::filesystem::path dir;
  std::unique_ptr<testing_support::TestPki> proxy_pki;
  std::unique_ptr<FaultProxy> proxy;
};

Shared& shared() {
  static Shared* const instance = [] {
    auto* made = new Shared;
    made->dir = cluster().temp_dir() / "kube-client-test";
    std::filesystem::create_directories(made->dir);
    testing_support::create_namespace(cluster().admin(), kNamespace);
    testing_support::PodOptions pod;
    pod.namespace_name = kNamespace;
    pod.name = kPod;
    pod.node_name = "node-1";
    testing_support::create_pod(cluster().admin(), pod);
    made->proxy_pki = std::make_unique<testing_support::TestPki>(made->dir / "proxy-pki");
    const auto serving =
        made->proxy_pki->issue_server("proxy", "fault-proxy", {"localhost"}, {"127.0.0.1"});
    made->proxy = std::make_unique<FaultProxy>(testing_support::FaultProxyOptions{
        cluster().server_url(), cluster().ca_file(), serving.cert, serving.key,
        made->dir / "fault-proxy.log"});
    return made;
  }();
  return *instance;
}

FaultProxy& proxy() { return *shared().proxy; }

// The host's identity, straight to the apiserver.
ClusterConfig direct_config() {
  ClusterConfig config;
  config.server = cluster().server_url();
  config.origin = "test (direct)";
  config.certificate_authority.file = cluster().ca_file();
  config.token = SecretString(cluster().host_token());
  return config;
}

// The host's identity, through the fault proxy.
ClusterConfig proxied_config() {
  ClusterConfig config = direct_config();
  config.server = proxy().url();
  config.origin = "test (proxied)";
  config.certificate_authority.file = shared().proxy_pki->ca_cert();
  return config;
}

ClientOptions fast_retries() {
  ClientOptions options;
  options.retry.base_delay = 20ms;
  options.retry.max_delay = 200ms;
  options.retry.max_attempts = 3;
  return options;
}

ApiRequest get_pod(const std::string& name = kPod) {
  ApiRequest request;
  request.method = "GET";
  request.path = fmt::format("/api/v1/namespaces/{}/pods/{}", kNamespace, name);
  request.what = fmt::format("Pod {}/{}", kNamespace, name);
  return request;
}

std::string pod_path_pattern() {
  return fmt::format("^GET /api/v1/namespaces/{}/pods/", kNamespace);
}

class KubeClientCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    shared();
    proxy().reset();
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "apiserver log tail:\n" << cluster().logs_tail(15) << "\n";
  }
};

void expect_no_token(const ApiResponse& response) {
  EXPECT_EQ(response.error.find(cluster().host_token()), std::string::npos);
  EXPECT_EQ(response.error.find("Bearer"), std::string::npos);
}

// ---- straight to the apiserver ----

TEST_F(KubeClientCluster, GetAnswersTheObject) {
  CurlApiClient client(direct_config(), fast_retries());
  const ApiResponse response = client.send(get_pod());
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_TRUE(response.error.empty());
  EXPECT_EQ(response.attempts, 1);
  const auto pod = nlohmann::json::parse(response.body);
  EXPECT_EQ(pod["metadata"]["name"], kPod);
  EXPECT_EQ(pod["metadata"]["namespace"], kNamespace);
}

TEST_F(KubeClientCluster, NotFoundIsPassedThroughWithTheStatusMessage) {
  CurlApiClient client(direct_config(), fast_retries());
  const ApiResponse response = client.send(get_pod("missing"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(response.error, fmt::format("Pod {}/missing: GET answered 404 Not Found: pods "
                                        "\"missing\" not found",
                                        kNamespace));
  EXPECT_EQ(nlohmann::json::parse(response.body)["reason"], "NotFound");
}

TEST_F(KubeClientCluster, ForbiddenNamesTheObjectAndTheReason) {
  // The host may GET pods but not list Secrets.
  CurlApiClient client(direct_config(), fast_retries());
  ApiRequest request;
  request.method = "GET";
  request.path = fmt::format("/api/v1/namespaces/{}/secrets", kNamespace);
  request.what = fmt::format("Secrets in {}", kNamespace);
  const ApiResponse response = client.send(request);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(response.error.rfind(fmt::format("Secrets in {}: GET answered 403 Forbidden: secrets "
                                             "is forbidden: User "
                                             "\"system:serviceaccount:kube-system:secrets-store-"
                                             "csi-driver\" cannot list resource \"secrets\"",
                                             kNamespace),
                                 0),
            0u)
      << response.error;
  expect_no_token(response);
}

TEST_F(KubeClientCluster, RejectedTokenIs401WithoutRetries) {
  ClusterConfig config = direct_config();
  config.token = SecretString("not-a-valid-token-8c1f0b");
  CurlApiClient client(config, fast_retries());
  const ApiResponse response = client.send(get_pod());
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(response.error, fmt::format("Pod {}/{}: GET answered 401 Unauthorized: Unauthorized",
                                        kNamespace, kPod));
  EXPECT_EQ(response.error.find("not-a-valid-token"), std::string::npos);
}

TEST_F(KubeClientCluster, WrongCaIsATlsFailureWithoutRetries) {
  ClusterConfig config = direct_config();
  config.certificate_authority.file = shared().proxy_pki->ca_cert();  // not the cluster's CA
  ClientOptions options = fast_retries();
  options.retry.max_attempts = 5;
  CurlApiClient client(config, options);
  const ApiResponse response = client.send(get_pod());
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.attempts, 1);  // a certificate that does not verify will not start to
  EXPECT_NE(response.error.find(fmt::format("Pod {}/{}: GET to {} failed: SSL peer certificate",
                                            kNamespace, kPod, cluster().server_url())),
            std::string::npos)
      << response.error;
  expect_no_token(response);
}

TEST_F(KubeClientCluster, ClientCertificateFromFilesAndFromMemory) {
  const auto cert =
      cluster().issue_client_cert("kube-client-admin", "kube-client-admin", {"system:masters"});
  ClusterConfig from_files = direct_config();
  from_files.token.clear();
  from_files.client_certificate.file = cert.cert;
  from_files.client_key.file = cert.key;
  const ApiResponse by_file = CurlApiClient(from_files, fast_retries()).send(get_pod());
  EXPECT_EQ(by_file.status, 200) << by_file.error;

  ClusterConfig from_memory = direct_config();
  from_memory.token.clear();
  from_memory.certificate_authority.file.clear();
  from_memory.certificate_authority.data = SecretString(read_file(cluster().ca_file()));
  from_memory.client_certificate.data = SecretString(read_file(cert.cert));
  from_memory.client_key.data = SecretString(read_file(cert.key));
  const ApiResponse by_blob = CurlApiClient(from_memory, fast_retries()).send(get_pod());
  EXPECT_EQ(by_blob.status, 200) << by_blob.error;

  // Without a token or certificate the request is anonymous, which RBAC refuses.
  ClusterConfig anonymous = direct_config();
  anonymous.token.clear();
  const ApiResponse refused = CurlApiClient(anonymous, fast_retries()).send(get_pod());
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.error.find("system:anonymous"), std::string::npos) << refused.error;
}

TEST_F(KubeClientCluster, KubeconfigVariantsLoadAndWork) {
  using testing_support::KubeconfigOptions;
  const auto cert =
      cluster().issue_client_cert("kube-client-kc", "kube-client-kc", {"system:masters"});
  std::vector<std::filesystem::path> files = {cluster().host_kubeconfig()};
  KubeconfigOptions token_data;
  token_data.ca = KubeconfigOptions::Ca::data;
  token_data.bearer_token = cluster().host_token();
  files.push_back(cluster().write_kubeconfig(shared().dir / "token-data.kubeconfig", token_data));
  KubeconfigOptions cert_embedded;
  cert_embedded.client_cert = cert;
  cert_embedded.embed_client_cert = true;
  cert_embedded.user_name = "kube-client-kc";
  files.push_back(
      cluster().write_kubeconfig(shared().dir / "cert-embedded.kubeconfig", cert_embedded));
  KubeconfigOptions cert_files = cert_embedded;
  cert_files.embed_client_cert = false;
  files.push_back(cluster().write_kubeconfig(shared().dir / "cert-files.kubeconfig", cert_files));

  for (const auto& file : files) {
    ClusterConfigResult loaded = load_cluster_config(file);
    ASSERT_TRUE(std::holds_alternative<ClusterConfig>(loaded)) << std::get<std::string>(loaded);
    const auto client = make_api_client(std::get<ClusterConfig>(loaded), fast_retries());
    const ApiResponse response = client->send(get_pod());
    EXPECT_EQ(response.status, 200) << file << ": " << response.error;
  }
}

TEST_F(KubeClientCluster, InClusterConfigFromTheEnvironment) {
  setenv("KUBERNETES_SERVICE_HOST", cluster().service_host().c_str(), 1);
  setenv("KUBERNETES_SERVICE_PORT", cluster().service_port().c_str(), 1);
  setenv(kServiceAccountDirEnv, cluster().in_cluster_dir().c_str(), 1);
  ClusterConfigResult loaded = load_cluster_config({});
  unsetenv("KUBERNETES_SERVICE_HOST");
  unsetenv("KUBERNETES_SERVICE_PORT");
  unsetenv(kServiceAccountDirEnv);
  ASSERT_TRUE(std::holds_alternative<ClusterConfig>(loaded)) << std::get<std::string>(loaded);
  const auto client = make_api_client(std::get<ClusterConfig>(loaded), fast_retries());
  EXPECT_EQ(client->send(get_pod()).status, 200);

  // The kubelet rotates the projected token (the old one stays valid for a while, so this
  // only shows the swap does not break the client; RotatedTokenFileIsUsedByTheNextRequest
  // proves the new token is the one sent).
  cluster().rotate_in_cluster_token();
  const ApiResponse after_rotation = client->send(get_pod());
  EXPECT_EQ(after_rotation.status, 200) << after_rotation.error;
}

TEST_F(KubeClientCluster, RotatedTokenFileIsUsedByTheNextRequest) {
  const auto token_file = shared().dir / "rotating-token";
  write_file(token_file, cluster().host_token() + "\n");
  ClusterConfig config = direct_config();
  config.token.clear();
  config.token_file = token_file;
  CurlApiClient client(config, fast_retries());
  EXPECT_EQ(client.send(get_pod()).status, 200);

  // A token the server rejects: a 401 proves the file was read again, not served from cache.
  write_file(token_file, "revoked-token\n");
  const ApiResponse rejected = client.send(get_pod());
  EXPECT_EQ(rejected.status, 401) << rejected.error;
  EXPECT_EQ(rejected.error.find("revoked-token"), std::string::npos);

  write_file(
      token_file,
      cluster().mint_token(KubeCluster::kHostNamespace, KubeCluster::kHostServiceAccount) + "\n");
  const ApiResponse renewed = client.send(get_pod());
  EXPECT_EQ(renewed.status, 200) << renewed.error;
}

TEST_F(KubeClientCluster, EveryMethodRoundTrips) {
  // As an admin (client certificate): the host's own role has no ConfigMap verbs.
  const auto cert =
      cluster().issue_client_cert("kube-client-crud", "kube-client-crud", {"system:masters"});
  ClusterConfig config = direct_config();
  config.token.clear();
  config.client_certificate.file = cert.cert;
  config.client_key.file = cert.key;
  CurlApiClient client(config, fast_retries());
  const std::string collection = fmt::format("/api/v1/namespaces/{}/configmaps", kNamespace);
  const std::string object = collection + "/round-trip";
  const auto send = [&](std::string method, std::string path, std::string body,
                        std::string content_type = "application/json") {
    ApiRequest request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.body = std::move(body);
    request.content_type = std::move(content_type);
    request.what = fmt::format("ConfigMap {}/round-trip", kNamespace);
    return client.send(request);
  };

  // A body well past 1 KiB: sent at once, without an Expect: 100-continue round trip.
  const std::string big(64 * 1024, 'x');
  nlohmann::json created = {{"apiVersion", "v1"},
                            {"kind", "ConfigMap"},
                            {"metadata", {{"name", "round-trip"}}},
                            {"data", {{"big", big}}}};
  const ApiResponse post = send("POST", collection, created.dump());
  ASSERT_EQ(post.status, 201) << post.error;
  EXPECT_EQ(send("POST", collection, created.dump()).status, 409);  // AlreadyExists

  const ApiResponse patch =
      send("PATCH", object, R"({"data":{"added":"yes"}})", "application/merge-patch+json");
  ASSERT_EQ(patch.status, 200) << patch.error;
  EXPECT_EQ(nlohmann::json::parse(patch.body)["data"]["added"], "yes");

  nlohmann::json replaced = nlohmann::json::parse(patch.body);
  replaced["data"] = {{"only", "this"}};
  const ApiResponse put = send("PUT", object, replaced.dump());
  ASSERT_EQ(put.status, 200) << put.error;

  const ApiResponse get = send("GET", object, "");
  ASSERT_EQ(get.status, 200) << get.error;
  EXPECT_EQ(nlohmann::json::parse(get.body)["data"], (nlohmann::json{{"only", "this"}}));

  EXPECT_EQ(send("DELETE", object, "").status, 200);
  EXPECT_EQ(send("GET", object, "").status, 404);
}

// ---- through the fault proxy ----

TEST_F(KubeClientCluster, ProxyForwardsUnchanged) {
  CurlApiClient client(proxied_config(), fast_retries());
  const ApiResponse response = client.send(get_pod());
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(nlohmann::json::parse(response.body)["metadata"]["name"], kPod);
  const auto seen = proxy().requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].status, 200);
  EXPECT_EQ(seen[0].action, "forward");
  // 404 passes through the proxy as it is.
  EXPECT_EQ(client.send(get_pod("missing")).status, 404);
}

TEST_F(KubeClientCluster, ProxyRefusesBadRules) {
  FaultRule unbalanced = FaultRule::cut("(");
  EXPECT_THROW(proxy().add_rule(unbalanced), std::runtime_error);
  FaultRule never = FaultRule::cut("^GET ", 0);
  EXPECT_THROW(proxy().add_rule(never), std::runtime_error);
  FaultRule unknown = FaultRule::cut("^GET ");
  unknown.action = "drop";
  EXPECT_THROW(proxy().add_rule(unknown), std::runtime_error);
  // None of them took effect.
  EXPECT_EQ(CurlApiClient(proxied_config(), fast_retries()).send(get_pod()).attempts, 1);
}

TEST_F(KubeClientCluster, TooManyRequestsHonoursRetryAfter) {
  proxy().add_rule(FaultRule::answer(pod_path_pattern(), 429, 1, {{"Retry-After", "1"}}));
  CurlApiClient client(proxied_config(), fast_retries());
  const auto start = steady_clock::now();
  const ApiResponse response = client.send(get_pod());
  const auto elapsed = steady_clock::now() - start;
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.attempts, 2);
  EXPECT_GE(elapsed, 1s);  // the backoff alone would have been 10-20 ms
  const auto seen = proxy().requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].status, 429);
  EXPECT_EQ(seen[1].status, 200);
}

TEST_F(KubeClientCluster, ServiceUnavailableThenOk) {
  proxy().add_rule(FaultRule::answer(pod_path_pattern(), 503, 1));
  CurlApiClient client(proxied_config(), fast_retries());
  const ApiResponse response = client.send(get_pod());
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.attempts, 2);
}

TEST_F(KubeClientCluster, CutConnectionThenOk) {
  proxy().add_rule(FaultRule::cut(pod_path_pattern(), 1));
  CurlApiClient client(proxied_config(), fast_retries());
  const ApiResponse response = client.send(get_pod());
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.attempts, 2);
  const auto seen = proxy().requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].action, "cut");
  EXPECT_EQ(seen[1].status, 200);
}

TEST_F(KubeClientCluster, SlowAnswerTimesOutAndIsRetried) {
  proxy().add_rule(FaultRule::delay(pod_path_pattern(), 3000, 1));
  ClientOptions options = fast_retries();
  options.request_timeout = 1s;
  CurlApiClient client(proxied_config(), options);
  const ApiResponse response = client.send(get_pod());
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.attempts, 2);
}

TEST_F(KubeClientCluster, RetriesRunOutOnServerErrors) {
  proxy().add_rule(FaultRule::answer(pod_path_pattern(), 503, -1));
  CurlApiClient client(proxied_config(), fast_retries());
  const ApiResponse response = client.send(get_pod());
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.attempts, 3);
  EXPECT_EQ(response.error,
            fmt::format("Pod {}/{}: GET answered 503 Service Unavailable after 3 attempts: fault "
                        "proxy: injected 503",
                        kNamespace, kPod));
  EXPECT_EQ(proxy().requests().size(), 3u);
}

TEST_F(KubeClientCluster, RetriesRunOutOnCutConnections) {
  proxy().add_rule(FaultRule::cut(pod_path_pattern(), -1));
  CurlApiClient client(proxied_config(), fast_retries());
  const ApiResponse response = client.send(get_pod());
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.attempts, 3);
  EXPECT_EQ(response.error.rfind(fmt::format("Pod {}/{}: GET to {} failed after 3 attempts: ",
                                             kNamespace, kPod, proxy().url()),
                                 0),
            0u)
      << response.error;
  expect_no_token(response);
  EXPECT_EQ(proxy().requests().size(), 3u);
}

TEST_F(KubeClientCluster, ClientErrorsAreNotRetried) {
  proxy().add_rule(FaultRule::answer("^POST ", 409, -1));
  CurlApiClient client(proxied_config(), fast_retries());
  ApiRequest create;
  create.method = "POST";
  create.path = fmt::format("/api/v1/namespaces/{}/configmaps", kNamespace);
  create.body = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}})";
  create.what = fmt::format("ConfigMap {}/x", kNamespace);
  const ApiResponse response = client.send(create);
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(response.attempts, 1);
}

// A redirect would carry the bearer token to wherever Location points: it is an answer like any
// other 3xx, never followed (here it points back at the proxy, which would then answer 200).
TEST_F(KubeClientCluster, RedirectsAreNotFollowed) {
  const ApiRequest request = get_pod();
  proxy().add_rule(
      FaultRule::answer(pod_path_pattern(), 302, 1, {{"Location", proxy().url() + request.path}}));
  CurlApiClient client(proxied_config(), fast_retries());
  const ApiResponse response = client.send(request);
  EXPECT_EQ(response.status, 302) << response.error;
  EXPECT_EQ(response.attempts, 1);
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(proxy().requests().size(), 1u);
}

TEST_F(KubeClientCluster, RateLimitHoldsRequestsBack) {
  ClientOptions options = fast_retries();
  options.qps = 2;
  options.burst = 2;
  CurlApiClient client(proxied_config(), options);
  constexpr int kRequests = 6;
  std::atomic<int> ok{0};
  const auto start = steady_clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&] {
      if (client.send(get_pod()).status == 200) ++ok;
    });
  }
  // However slow the machine, no more requests can have reached the proxy by now than the
  // burst plus what the rate has refilled since the start (measured after the count is read).
  const std::size_t early = proxy().requests().size();
  const double early_seconds = std::chrono::duration<double>(steady_clock::now() - start).count();
  for (auto& thread : threads) thread.join();
  const auto elapsed = steady_clock::now() - start;

  EXPECT_LE(static_cast<double>(early), 2 + 2 * early_seconds);
  EXPECT_EQ(ok.load(), kRequests);
  EXPECT_EQ(proxy().requests().size(), static_cast<std::size_t>(kRequests));
  // Four requests beyond the burst at 2 per second: at least 2 s in all.
  EXPECT_GE(elapsed, 1900ms);
}

}  // namespace
}  // namespace sscsi::kube
