// The objects the host writes: SecretProviderClassPodStatus names and bodies, Events, and the
// small encoders they rely on.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "kube/objects/api_paths.h"
#include "kube/objects/base64.h"
#include "kube/objects/dns_name.h"
#include "kube/objects/event.h"
#include "kube/objects/pod_status.h"

namespace sscsi::kube {
namespace {

using nlohmann::json;

TEST(KubeSyncPodStatusName, ShortNameIsThePlainConcatenation) {
  EXPECT_EQ(pod_status_name("web-1", "team", "app"), "web-1-team-app");
  const std::string pod(253 - 2 - 4 - 3, 'p');  // exactly 253 in all
  EXPECT_EQ(pod_status_name(pod, "team", "app"), pod + "-team-app");
}

TEST(KubeSyncPodStatusName, LongNameIsShortenedDeterministicallyAndValid) {
  const std::string pod = std::string(200, 'a') + ".b" + std::string(50, 'c');
  const std::string full = pod + "-team-app";
  const std::string name = pod_status_name(pod, "team", "app");
  EXPECT_EQ(name, pod_status_name(pod, "team", "app"));
  EXPECT_LE(name.size(), 253u);
  EXPECT_TRUE(is_dns_subdomain(name)) << name;
  EXPECT_EQ(name, full.substr(0, 242) + "-" + sha256_hex(full).substr(0, 10));
  // Same first 242 characters, different tail: different names.
  EXPECT_NE(name, pod_status_name(pod, "team", "other"));
}

TEST(KubeSyncPodStatusName, PrefixEndingInSeparatorsIsTrimmedBeforeTheHash) {
  // Character 242 and the ones before it are '.' and '-': a '.-' join would be invalid.
  const std::string pod = std::string(239, 'a') + "-.-" + std::string(40, 'b');
  const std::string name = pod_status_name(pod, "ns", "spc");
  EXPECT_TRUE(is_dns_subdomain(name)) << name;
  EXPECT_EQ(name.substr(0, 240), std::string(239, 'a') + "-");
  EXPECT_EQ(name.size(), 239u + 1 + 10);
}

TEST(KubeSyncDnsName, ChecksSubdomainRules) {
  EXPECT_TRUE(is_dns_subdomain("a"));
  EXPECT_TRUE(is_dns_subdomain("web-1.team"));
  EXPECT_FALSE(is_dns_subdomain(""));
  EXPECT_FALSE(is_dns_subdomain("Web"));
  EXPECT_FALSE(is_dns_subdomain("-a"));
  EXPECT_FALSE(is_dns_subdomain("a-"));
  EXPECT_FALSE(is_dns_subdomain("a..b"));
  EXPECT_FALSE(is_dns_subdomain("a.-b"));
  EXPECT_FALSE(is_dns_subdomain("a_b"));
  EXPECT_FALSE(is_dns_subdomain(std::string(254, 'a')));
}

PodStatusInfo status_info() {
  PodStatusInfo info;
  info.pod_name = "web-1";
  info.namespace_name = "team";
  info.pod_uid = "u-1";
  info.node_name = "node-a";
  info.spc_name = "app";
  info.target_path = "/var/lib/kubelet/pods/u-1/volumes/kubernetes.io~csi/store/mount";
  info.mounted = true;
  info.objects = {{"secret/b", "2"}, {"secret/a", "9"}, {"key/c", "1"}};
  return info;
}

TEST(KubeSyncPodStatusObject, HasTheUpstreamShapeWithObjectsSortedById) {
  EXPECT_EQ(pod_status_object(status_info()), json::parse(R"({
    "apiVersion": "secrets-store.csi.x-k8s.io/v1",
    "kind": "SecretProviderClassPodStatus",
    "metadata": {
      "name": "web-1-team-app", "namespace": "team",
      "labels": {"internal.secrets-store.csi.k8s.io/node-name": "node-a"},
      "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "web-1", "uid": "u-1"}]
    },
    "status": {
      "podName": "web-1", "secretProviderClassName": "app", "mounted": true,
      "targetPath": "/var/lib/kubelet/pods/u-1/volumes/kubernetes.io~csi/store/mount",
      "objects": [{"id": "key/c", "version": "1"}, {"id": "secret/a", "version": "9"},
                  {"id": "secret/b", "version": "2"}]
    }
  })"));
}

TEST(KubeSyncEvent, BuildsALegacyCoreV1EventForThePod) {
  EventInfo info;
  info.pod = {"web-1", "team", "u-1", "web"};
  info.type = EventType::Warning;
  info.reason = kReasonFailedToCreateSecret;
  info.message = "Secret team/app: file matching objectName x not found in the pod";
  info.reporting_instance = "node-a";
  info.time = std::chrono::system_clock::from_time_t(1714566896);
  info.name_suffix = 0x17a3;
  EXPECT_EQ(event_object(info), json::parse(R"({
    "apiVersion": "v1", "kind": "Event",
    "metadata": {"name": "web-1.17a3", "namespace": "team"},
    "involvedObject": {"apiVersion": "v1", "kind": "Pod", "namespace": "team", "name": "web-1",
                       "uid": "u-1"},
    "reason": "FailedToCreateSecret",
    "message": "Secret team/app: file matching objectName x not found in the pod",
    "type": "Warning",
    "source": {"component": "csi-secrets-store", "host": "node-a"},
    "reportingComponent": "csi-secrets-store", "reportingInstance": "node-a",
    "firstTimestamp": "2024-05-01T12:34:56Z", "lastTimestamp": "2024-05-01T12:34:56Z",
    "count": 1
  })"));
  info.type = EventType::Normal;
  EXPECT_EQ(event_object(info)["type"], "Normal");
}

TEST(KubeSyncEvent, NameOfALongPodNameStaysAValidSubdomain) {
  EventInfo info;
  info.pod = {std::string(250, 'w'), "team", "u", "web"};
  info.name_suffix = 0xffffffffffffffff;
  const std::string name = event_object(info)["metadata"]["name"];
  EXPECT_LE(name.size(), 253u);
  EXPECT_TRUE(is_dns_subdomain(name)) << name;
}

TEST(KubeSyncEvent, Rfc3339IsUtcWithWholeSeconds) {
  EXPECT_EQ(rfc3339(std::chrono::system_clock::from_time_t(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(
      rfc3339(std::chrono::system_clock::from_time_t(1714566896) + std::chrono::milliseconds(999)),
      "2024-05-01T12:34:56Z");
}

TEST(KubeSyncBase64, RoundTripsBinaryAndRejectsNonCanonicalText) {
  const std::string bytes("\0\xff\x10secret\n", 10);
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const std::string part = bytes.substr(0, n);
    EXPECT_EQ(base64_decode(base64_encode(part)), part) << n;
  }
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  EXPECT_EQ(base64_decode("YWI="), "ab");
  EXPECT_EQ(base64_decode("YWI"), std::nullopt);
  EXPECT_EQ(base64_decode("Y=I="), std::nullopt);
  EXPECT_EQ(base64_decode("YW I"), std::nullopt);
  EXPECT_EQ(base64_decode("YW*="), std::nullopt);
}

TEST(KubeSyncApiPaths, EscapesEverySegment) {
  EXPECT_EQ(secret_path("team", "app-tls"), "/api/v1/namespaces/team/secrets/app-tls");
  EXPECT_EQ(secret_path("team", "a/../b?x"), "/api/v1/namespaces/team/secrets/a%2F..%2Fb%3Fx");
  EXPECT_EQ(pod_status_path("team", "web-1-team-app"),
            "/apis/secrets-store.csi.x-k8s.io/v1/namespaces/team/secretproviderclasspodstatuses/"
            "web-1-team-app");
  EXPECT_EQ(events_path("team"), "/api/v1/namespaces/team/events");
  EXPECT_EQ(pod_path("team", "web-1"), "/api/v1/namespaces/team/pods/web-1");
}

}  // namespace
}  // namespace sscsi::kube
