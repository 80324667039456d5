// Bad input from the cluster side, each with its gRPC code, its message, and the target left
// untouched: malformed classes (also ones the apiserver's schema would never let through,
// served by the fault proxy), secretObjects the sync cannot honour, pods that do not match,
// rejected credentials. Bad kubeconfigs and in-cluster settings stop the host at startup.

#include <fmt/format.h>

#include <cstdlib>
#include <functional>

#include "../host_process.h"
#include "../volume_files.h"
#include "kube_host_test.h"
#include "kube_objects.h"

namespace sscsi::testing_support {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Code = grpc::StatusCode;

json secret_object(const std::string& name, const std::string& type, const json& data) {
  return {{"secretName", name}, {"type", type}, {"data", data}};
}
json item(const std::string& object_name, const std::string& key) {
  return {{"objectName", object_name}, {"key", key}};
}
const std::vector<MockObject> kOneObject = {{{"objectName", "a"}, {"content", "x"}}};

class KubeBadInputTest;

struct PublishCase {
  std::string name;
  // Prepares the cluster (and maybe the host's kubeconfig); returns the class to publish.
  std::function<std::string(KubeBadInputTest&)> arrange;
  Code code;
  std::string message;  // a part of the error message
  std::string pod_name = "victim";
  std::function<void(::csi::v1::NodePublishVolumeRequest&)> tweak = nullptr;
};

class KubeBadInputTest : public KubeHostTest, public ::testing::WithParamInterface<PublishCase> {
 public:
  // Cases that need another kubeconfig or the proxy set these before the host starts.
  std::optional<fs::path> kubeconfig;
  bool with_proxy = false;
  bool terminating_pod = false;  // the pod is being deleted (held by a finalizer)
  std::function<void(KubeBadInputTest&)> after_start = nullptr;
  std::vector<std::function<void(KubeBadInputTest&)>> before_start;

  // A class answered by the proxy with `body` instead of the apiserver's.
  std::string served_class(const std::string& body) {
    with_proxy = true;
    after_start = [body](KubeBadInputTest& t) {
      FaultRule rule;
      rule.match = "GET .*/secretproviderclasses/served";
      rule.action = "status";
      rule.status = 200;
      rule.headers = {{"Content-Type", "application/json"}};
      rule.body = body;
      rule.count = -1;
      t.proxy().add_rule(rule);
    };
    return "served";
  }
  json class_json(const json& spec) const {
    return {{"apiVersion", "secrets-store.csi.x-k8s.io/v1"},
            {"kind", "SecretProviderClass"},
            {"metadata", {{"name", "served"}, {"namespace", ns_}}},
            {"spec", spec}};
  }
  std::string sync_class(const json& secret_objects,
                         const std::vector<MockObject>& objects = kOneObject) {
    make_spc("sync", objects, secret_objects);
    return "sync";
  }
  std::string token_kubeconfig(const std::string& token) {
    kubeconfig = write_token_kubeconfig("token.kubeconfig", cluster().server_url(),
                                        cluster().ca_file(), token);
    make_spc("plain", kOneObject);
    return "plain";
  }
};

TEST_P(KubeBadInputTest, FailsWithACodeAndAMessageAndLeavesNothingBehind) {
  const PublishCase& c = GetParam();
  // The host must exist before the pod (the target lives under its root), and the arrangement
  // may choose the host's kubeconfig: arrange against a placeholder host, then restart it.
  start_host();
  const std::string spc = c.arrange(*this);
  if (with_proxy) start_proxy();
  if (kubeconfig || with_proxy) {
    const fs::path config = with_proxy ? proxy_kubeconfig() : *kubeconfig;
    host_.reset();
    start_host({}, config);
  }
  if (after_start) after_start(*this);
  const TestPod pod = make_pod(c.pod_name);
  if (terminating_pod) {
    const std::string path = fmt::format("/api/v1/namespaces/{}/pods/{}", ns_, pod.name);
    ASSERT_TRUE(
        admin().merge_patch(path, {{"metadata", {{"finalizers", {"test.sscsi/hold"}}}}}).ok());
    ASSERT_TRUE(admin().request("DELETE", path).ok());
  }
  auto request = request_for(pod, spc);
  if (c.tweak) c.tweak(request);
  const grpc::Status status = host().publish(request);
  EXPECT_EQ(status.error_code(), c.code) << status.error_message();
  EXPECT_NE(status.error_message().find(c.message), std::string::npos)
      << "message: " << status.error_message();
  EXPECT_FALSE(target_state(pod.target).exists) << describe(target_state(pod.target));
  EXPECT_TRUE(host().records().empty());
}

std::string name_of(const ::testing::TestParamInfo<PublishCase>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(
    KubeEveryBadInput, KubeBadInputTest,
    ::testing::Values(
        // Classes
        PublishCase{"ClassMissing", [](auto&) { return std::string("nope"); }, Code::NOT_FOUND,
                    "SecretProviderClass"},
        PublishCase{"ClassInAnotherNamespace",
                    [](KubeBadInputTest& k) {
                      const std::string other = k.ns_ + "-other";
                      create_namespace(k.admin(), other);
                      create_secret_provider_class(
                          k.admin(), other, "elsewhere",
                          {{"provider", "mock"}, {"parameters", {{"objects", "x"}}}});
                      return std::string("elsewhere");
                    },
                    Code::NOT_FOUND, "must exist in the pod's namespace"},
        PublishCase{"ClassWithoutProvider",
                    [](KubeBadInputTest& k) {
                      create_secret_provider_class(k.admin(), k.ns_, "noprov",
                                                   {{"parameters", {{"objects", "x"}}}});
                      return std::string("noprov");
                    },
                    Code::INVALID_ARGUMENT, "has no spec.provider"},
        PublishCase{
            "ClassWithoutParameters",
            [](KubeBadInputTest& k) {
              create_secret_provider_class(k.admin(), k.ns_, "noparams", {{"provider", "mock"}});
              return std::string("noparams");
            },
            Code::INVALID_ARGUMENT, "has no spec.parameters"},
        PublishCase{"ProviderNotLoaded",
                    [](KubeBadInputTest& k) {
                      create_secret_provider_class(
                          k.admin(), k.ns_, "vault",
                          {{"provider", "vault"}, {"parameters", {{"a", "b"}}}});
                      return std::string("vault");
                    },
                    Code::NOT_FOUND, "provider 'vault'"},
        PublishCase{"MockObjectsNotYaml",
                    [](KubeBadInputTest& k) {
                      create_secret_provider_class(
                          k.admin(), k.ns_, "badobj",
                          {{"provider", "mock"}, {"parameters", {{"objects", "array: [:"}}}});
                      return std::string("badobj");
                    },
                    Code::INVALID_ARGUMENT, "provider mock"},
        // Classes the schema would refuse, served by the proxy
        PublishCase{"ServedClassNotJson",
                    [](KubeBadInputTest& k) { return k.served_class("{not json"); },
                    Code::UNAVAILABLE, "not JSON"},
        PublishCase{
            "ServedClassParameterNotString",
            [](KubeBadInputTest& k) {
              return k.served_class(
                  k.class_json({{"provider", "mock"}, {"parameters", {{"objects", 7}}}}).dump());
            },
            Code::INVALID_ARGUMENT, "spec.parameters.objects"},
        PublishCase{"ServedClassSpecNotObject",
                    [](KubeBadInputTest& k) {
                      return k.served_class(k.class_json(json::array({1})).dump());
                    },
                    Code::INVALID_ARGUMENT, "spec"},
        PublishCase{"ServedClassProviderNotString",
                    [](KubeBadInputTest& k) {
                      return k.served_class(
                          k.class_json({{"provider", true}, {"parameters", {{"a", "b"}}}}).dump());
                    },
                    Code::INVALID_ARGUMENT, "spec.provider"},
        PublishCase{"ServedClassSecretObjectsNotList",
                    [](KubeBadInputTest& k) {
                      return k.served_class(k.class_json({{"provider", "mock"},
                                                          {"parameters", {{"a", "b"}}},
                                                          {"secretObjects", "x"}})
                                                .dump());
                    },
                    Code::INVALID_ARGUMENT, "spec.secretObjects"},
        PublishCase{"ServedClassSecretDataNotList",
                    [](KubeBadInputTest& k) {
                      return k.served_class(
                          k.class_json({{"provider", "mock"},
                                        {"parameters", {{"a", "b"}}},
                                        {"secretObjects",
                                         json::array({{{"secretName", "s"}, {"data", 5}}})}})
                              .dump());
                    },
                    Code::INVALID_ARGUMENT, "data"},
        PublishCase{"ServedClassLabelsNotStrings",
                    [](KubeBadInputTest& k) {
                      return k.served_class(
                          k.class_json({{"provider", "mock"},
                                        {"parameters", {{"a", "b"}}},
                                        {"secretObjects", json::array({{{"secretName", "s"},
                                                                        {"labels", {{"a", 1}}}}})}})
                              .dump());
                    },
                    Code::INVALID_ARGUMENT, "labels"},
        PublishCase{"ServedObjectOfAnotherKind",
                    [](KubeBadInputTest& k) {
                      json object = k.class_json({{"provider", "mock"}});
                      object["kind"] = "ConfigMap";
                      return k.served_class(object.dump());
                    },
                    Code::INVALID_ARGUMENT, "ConfigMap"},
        PublishCase{"ServedObjectOfAnotherApiVersion",
                    [](KubeBadInputTest& k) {
                      json object = k.class_json({{"provider", "mock"}});
                      object["apiVersion"] = "v1";
                      return k.served_class(object.dump());
                    },
                    Code::INVALID_ARGUMENT, "apiVersion"},
        PublishCase{"ServedJsonArray", [](KubeBadInputTest& k) { return k.served_class("[]"); },
                    Code::INVALID_ARGUMENT, "SecretProviderClass"},
        // secretObjects the sync cannot honour
        PublishCase{"SecretNameEmpty",
                    [](KubeBadInputTest& k) {
                      return k.sync_class(json::array(
                          {secret_object(" ", "Opaque", json::array({item("a", "a")}))}));
                    },
                    Code::INVALID_ARGUMENT, "secretName"},
        PublishCase{"SecretTypeEmpty",
                    [](KubeBadInputTest& k) {
                      return k.sync_class(
                          json::array({secret_object("s", "", json::array({item("a", "a")}))}));
                    },
                    Code::INVALID_ARGUMENT, "type"},
        PublishCase{"SecretDataEmpty",
                    [](KubeBadInputTest& k) {
                      return k.sync_class(
                          json::array({secret_object("s", "Opaque", json::array())}));
                    },
                    Code::INVALID_ARGUMENT, "data"},
        PublishCase{"SecretDataObjectNameEmpty",
                    [](KubeBadInputTest& k) {
                      return k.sync_class(json::array(
                          {secret_object("s", "Opaque", json::array({item(" ", "a")}))}));
                    },
                    Code::INVALID_ARGUMENT, "objectName"},
        PublishCase{"SecretDataKeyEmpty",
                    [](KubeBadInputTest& k) {
                      return k.sync_class(json::array(
                          {secret_object("s", "Opaque", json::array({item("a", "")}))}));
                    },
                    Code::INVALID_ARGUMENT, "key"},
        PublishCase{"SecretDataFileNotMounted",
                    [](KubeBadInputTest& k) {
                      return k.sync_class(json::array(
                          {secret_object("s", "Opaque", json::array({item("missing", "m")}))}));
                    },
                    Code::INVALID_ARGUMENT, "file matching objectName missing not found"},
        PublishCase{"TlsSecretWithOtherKey",
                    [](KubeBadInputTest& k) {
                      return k.sync_class(json::array({secret_object(
                          "s", "kubernetes.io/tls", json::array({item("a", "ca.crt")}))}));
                    },
                    Code::INVALID_ARGUMENT, "ca.crt"},
        PublishCase{"TlsSecretFromGarbage",
                    [](KubeBadInputTest& k) {
                      return k.sync_class(json::array({secret_object(
                          "s", "kubernetes.io/tls",
                          json::array({item("a", "tls.crt"), item("a", "tls.key")}))}));
                    },
                    Code::INVALID_ARGUMENT, "tls."},
        PublishCase{"TlsSecretWithEd25519Key",
                    [](KubeBadInputTest& k) {
                      const Finished key =
                          run_to_end("/usr/bin/openssl", {"genpkey", "-algorithm", "ed25519"}, 30s);
                      return k.sync_class(
                          json::array({secret_object("s", "kubernetes.io/tls",
                                                     json::array({item("k", "tls.key")}))}),
                          {{{"objectName", "k"}, {"content", key.out}}});
                    },
                    Code::INVALID_ARGUMENT, "tls.key"},
        PublishCase{"TwoSecretObjectsOneBad",
                    [](KubeBadInputTest& k) {
                      return k.sync_class(json::array(
                          {secret_object("good", "Opaque", json::array({item("a", "a")})),
                           secret_object("bad", "Opaque", json::array({item("zz", "a")}))}));
                    },
                    Code::INVALID_ARGUMENT, "zz"},
        PublishCase{"UnmanagedSecretInTheWay",
                    [](KubeBadInputTest& k) {
                      create_secret(k.admin(), k.ns_, "taken", {{"k", "v"}});
                      return k.sync_class(json::array(
                          {secret_object("taken", "Opaque", json::array({item("a", "a")}))}));
                    },
                    Code::FAILED_PRECONDITION, "not managed"},
        // Pods that do not match the request
        PublishCase{"PodDoesNotExist",
                    [](KubeBadInputTest& k) { return k.sync_class(json::array()); },
                    Code::NOT_FOUND, "not found", "victim",
                    [](auto& r) {
                      (*r.mutable_volume_context())["csi.storage.k8s.io/pod.name"] = "ghost";
                    }},
        PublishCase{"PodUidDiffers",
                    [](KubeBadInputTest& k) {
                      PodOptions decoy;
                      decoy.namespace_name = k.ns_;
                      decoy.name = "decoy";
                      decoy.node_name = kNodeName;
                      // "default" is made by a controller some time after the namespace
                      decoy.service_account_name = "app";
                      create_pod(k.admin(), decoy);
                      return k.sync_class(json::array());
                    },
                    Code::FAILED_PRECONDITION, "but the request is for pod uid", "victim",
                    [](auto& r) {
                      // another pod's name with this pod's uid (the target path's uid)
                      (*r.mutable_volume_context())["csi.storage.k8s.io/pod.name"] = "decoy";
                    }},
        PublishCase{"PodOnAnotherNode",
                    [](KubeBadInputTest& k) {
                      k.pod_node_name = "another-node";
                      return k.sync_class(json::array());
                    },
                    Code::FAILED_PRECONDITION,
                    "is scheduled to node another-node, not to this node (integration-node)"},
        PublishCase{
            "ServiceAccountDiffersFromThePods",
            [](KubeBadInputTest& k) { return k.sync_class(json::array()); },
            Code::FAILED_PRECONDITION,
            "runs as service account app, but the request names service account intruder", "victim",
            [](auto& r) {
              (*r.mutable_volume_context())["csi.storage.k8s.io/serviceAccount.name"] = "intruder";
            }},
        PublishCase{"PodTerminating",
                    [](KubeBadInputTest& k) {
                      k.terminating_pod = true;
                      return k.sync_class(json::array());
                    },
                    Code::FAILED_PRECONDITION, "is terminating"},
        // Credentials the apiserver refuses, or cannot be reached with
        PublishCase{"GarbageToken",
                    [](KubeBadInputTest& k) { return k.token_kubeconfig("not-a-token"); },
                    Code::PERMISSION_DENIED, "401"},
        PublishCase{
            "TokenForAnotherAudience",
            [](KubeBadInputTest& k) {
              const ApiResponse minted = k.admin().post(
                  "/api/v1/namespaces/kube-system/serviceaccounts/secrets-store-csi-driver/token",
                  {{"apiVersion", "authentication.k8s.io/v1"},
                   {"kind", "TokenRequest"},
                   {"spec", {{"audiences", json::array({"someone-else"})}}}});
              return k.token_kubeconfig(minted.body["status"]["token"].get<std::string>());
            },
            Code::PERMISSION_DENIED, "401"},
        PublishCase{"TokenWithoutRbac",
                    [](KubeBadInputTest& k) {
                      return k.token_kubeconfig(KubeHostTest::cluster().mint_token(k.ns_, "app"));
                    },
                    Code::PERMISSION_DENIED, "forbidden"},
        PublishCase{"TokenWithoutSyncRbac",
                    [](KubeBadInputTest& k) {
                      create_service_account(k.admin(), k.ns_, "nosync");
                      create_object(k.admin(),
                                    "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
                                    {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                                     {"kind", "ClusterRoleBinding"},
                                     {"metadata", {{"name", k.ns_ + "-nosync"}}},
                                     {"roleRef",
                                      {{"apiGroup", "rbac.authorization.k8s.io"},
                                       {"kind", "ClusterRole"},
                                       {"name", "secretproviderclasses-role"}}},
                                     {"subjects", json::array({{{"kind", "ServiceAccount"},
                                                                {"name", "nosync"},
                                                                {"namespace", k.ns_}}})}},
                                    "ClusterRoleBinding");
                      k.token_kubeconfig(KubeHostTest::cluster().mint_token(k.ns_, "nosync"));
                      return k.sync_class(json::array(
                          {secret_object("s", "Opaque", json::array({item("a", "a")}))}));
                    },
                    Code::PERMISSION_DENIED, "deploy/"},
        PublishCase{"WrongCertificateAuthority",
                    [](KubeBadInputTest& k) {
                      TestPki other(k.work_dir_ / "other-ca");
                      const fs::path ca = k.work_dir_ / "other.crt";
                      fs::copy_file(other.ca_cert(), ca);
                      k.kubeconfig = k.write_token_kubeconfig(
                          "ca.kubeconfig", KubeHostTest::cluster().server_url(), ca,
                          KubeHostTest::cluster().host_token());
                      k.make_spc("plain", kOneObject);
                      return std::string("plain");
                    },
                    Code::UNAVAILABLE, "certificate"},
        PublishCase{"NothingListening",
                    [](KubeBadInputTest& k) {
                      k.kubeconfig = k.write_token_kubeconfig(
                          "closed.kubeconfig", "https://127.0.0.1:1",
                          KubeHostTest::cluster().ca_file(), KubeHostTest::cluster().host_token());
                      k.make_spc("plain", kOneObject);
                      return std::string("plain");
                    },
                    Code::UNAVAILABLE, "127.0.0.1:1"}),
    name_of);

// Bad cluster settings stop the host before it serves: exit 1 and one line saying what is wrong.
struct StartupCase {
  std::string name;
  std::string kubeconfig;  // file content; empty: no --kubeconfig
  std::string expected;
  std::map<std::string, std::string> env = {};
  bool node_id = true;  // pass --nodeid
};

class KubeStartupTest : public ::testing::TestWithParam<StartupCase> {};

TEST_P(KubeStartupTest, RefusesToStartAndSaysWhy) {
  const StartupCase& c = GetParam();
  CsiHost host(CsiHostSetup{.spc_dir = false});
  const fs::path config = host.root() / "kubeconfig";
  std::vector<std::string> args = {"--endpoint",     "unix://" + host.socket().string(),
                                   "--state-dir",    host.state_dir().string(),
                                   "--plugin-dir",   host.plugin_dir().string(),
                                   "--metrics-addr", "127.0.0.1:0",
                                   "--health-addr",  "127.0.0.1:0"};
  if (!c.kubeconfig.empty()) {
    write_text(config, c.kubeconfig);
    args.insert(args.end(), {"--kubeconfig", config.string()});
  }
  if (c.node_id) args.insert(args.end(), {"--nodeid", kNodeName});
  for (const auto& [key, value] : c.env) setenv(key.c_str(), value.c_str(), 1);
  const Finished run = run_to_end(SSCSI_HOST_BINARY, args, 30s);
  for (const auto& [key, value] : c.env) unsetenv(key.c_str());
  EXPECT_TRUE(run.exited) << run.end;
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find(c.expected), std::string::npos) << run.err;
}

std::string startup_name(const ::testing::TestParamInfo<StartupCase>& info) {
  return info.param.name;
}

// A kubeconfig with one cluster, user and context; `cluster`/`user` are the inner YAML maps.
std::string kubeconfig(const std::string& cluster, const std::string& user,
                       const std::string& current = "c") {
  return fmt::format(
      "apiVersion: v1\nkind: Config\ncurrent-context: {}\n"
      "clusters:\n- name: k\n  cluster: {}\n"
      "users:\n- name: u\n  user: {}\n"
      "contexts:\n- name: c\n  context: {{cluster: k, user: u}}\n",
      current, cluster, user);
}
const std::string kGoodCluster = "{server: 'https://127.0.0.1:6443'}";
const std::string kGoodUser = "{token: abc}";

INSTANTIATE_TEST_SUITE_P(
    KubeEveryBadSetting, KubeStartupTest,
    ::testing::Values(
        StartupCase{"KubeconfigNotYaml", "{[", "kubeconfig"},
        StartupCase{"KubeconfigAList", "- a\n- b\n", "kubeconfig"},
        StartupCase{"NoCurrentContext", kubeconfig(kGoodCluster, kGoodUser, "''"),
                    "current-context"},
        StartupCase{"UnknownContext", kubeconfig(kGoodCluster, kGoodUser, "nope"), "nope"},
        StartupCase{
            "ContextNamesUnknownCluster",
            "current-context: c\ncontexts:\n- name: c\n  context: {cluster: gone, user: u}\n"
            "users:\n- name: u\n  user: {token: a}\n",
            "gone"},
        StartupCase{"ContextNamesUnknownUser",
                    "current-context: c\ncontexts:\n- name: c\n  context: {cluster: k, user: who}\n"
                    "clusters:\n- name: k\n  cluster: {server: 'https://a:1'}\n",
                    "who"},
        StartupCase{"PlainHttpServer", kubeconfig("{server: 'http://127.0.0.1:8080'}", kGoodUser),
                    "http"},
        StartupCase{"NoServer", kubeconfig("{}", kGoodUser), "server"},
        StartupCase{
            "InsecureSkipTlsVerify",
            kubeconfig("{server: 'https://a:1', insecure-skip-tls-verify: true}", kGoodUser),
            "insecure-skip-tls-verify"},
        StartupCase{"ExecUser", kubeconfig(kGoodCluster, "{exec: {command: aws}}"), "exec"},
        StartupCase{"AuthProviderUser", kubeconfig(kGoodCluster, "{auth-provider: {name: gcp}}"),
                    "auth-provider"},
        StartupCase{
            "CaDataNotBase64",
            kubeconfig("{server: 'https://a:1', certificate-authority-data: '%%%'}", kGoodUser),
            "certificate-authority-data"},
        StartupCase{
            "CaFileMissing",
            kubeconfig("{server: 'https://a:1', certificate-authority: /nonexistent/ca.crt}",
                       kGoodUser),
            "/nonexistent/ca.crt"},
        StartupCase{"ClientCertWithoutKey",
                    kubeconfig(kGoodCluster, "{client-certificate: /etc/hostname}"), "client-key"},
        StartupCase{"TokenAndTokenFile",
                    kubeconfig(kGoodCluster, "{token: a, tokenFile: /etc/hostname}"), "token"},
        StartupCase{"TokenFileMissing", kubeconfig(kGoodCluster, "{tokenFile: /nonexistent/token}"),
                    "/nonexistent/token"},
        StartupCase{"ServerNotAString", kubeconfig("{server: [1]}", kGoodUser), "server"},
        StartupCase{"NoNodeId", kubeconfig(kGoodCluster, kGoodUser), "--nodeid", {}, false},
        StartupCase{"InClusterWithoutToken",
                    "",
                    "token",
                    {{"KUBERNETES_SERVICE_HOST", "127.0.0.1"},
                     {"KUBERNETES_SERVICE_PORT", "6443"},
                     {"SSCSI_SERVICEACCOUNT_DIR", "/nonexistent/sa"}}},
        StartupCase{"InClusterPortNotANumber",
                    "",
                    "KUBERNETES_SERVICE_PORT",
                    {{"KUBERNETES_SERVICE_HOST", "127.0.0.1"},
                     {"KUBERNETES_SERVICE_PORT", "https"},
                     {"SSCSI_SERVICEACCOUNT_DIR", "/tmp"}}}),
    startup_name);

}  // namespace
}  // namespace sscsi::testing_support
