// The one-line errors ApiResponse::error carries, and which curl failures count as transient.

#include <gtest/gtest.h>

#include <string>

#include "kube/client/api_error_text.h"
#include "kube/client/transport_failure.h"

namespace sscsi::kube {
namespace {

const std::string kForbidden = R"({"kind":"Status","apiVersion":"v1","metadata":{},
  "status":"Failure","message":"pods \"web-1\" is forbidden: User \"system:serviceaccount:kube-system:csi\" cannot get resource \"pods\" in API group \"\" in the namespace \"default\"",
  "reason":"Forbidden","details":{"name":"web-1","kind":"pods"},"code":403})";

TEST(KubeClientErrorText, StatusWithKubernetesMessage) {
  EXPECT_EQ(status_error("Pod default/web-1", "GET", 403, kForbidden, 1),
            "Pod default/web-1: GET answered 403 Forbidden: pods \"web-1\" is forbidden: User "
            "\"system:serviceaccount:kube-system:csi\" cannot get resource \"pods\" in API group "
            "\"\" in the namespace \"default\"");
}

TEST(KubeClientErrorText, StatusAfterRetries) {
  EXPECT_EQ(status_error("Secret ns/s", "PUT", 503,
                         R"({"kind":"Status","message":"the server is currently unable"})", 5),
            "Secret ns/s: PUT answered 503 Service Unavailable after 5 attempts: the server is "
            "currently unable");
}

TEST(KubeClientErrorText, BodyThatIsNotAStatusIsLeftOut) {
  // A proxy's HTML page, or an object (which could be a Secret): never copied into the error.
  EXPECT_EQ(status_error("Pod a/b", "GET", 502, "<html>bad gateway</html>", 1),
            "Pod a/b: GET answered 502 Bad Gateway");
  EXPECT_EQ(status_error("Secret a/b", "GET", 418,
                         R"({"kind":"Secret","data":{"k":"c2VjcmV0"},"message":"x"})", 1),
            "Secret a/b: GET answered 418");
}

TEST(KubeClientErrorText, MessageIsOneBoundedLine) {
  const std::string long_message(5000, 'x');
  const std::string body =
      R"({"kind":"Status","message":"line one\nline two\r\n)" + long_message + R"("})";
  const std::string error = status_error("Pod a/b", "GET", 500, body, 1);
  EXPECT_EQ(error.find('\n'), std::string::npos);
  EXPECT_EQ(error.find('\r'), std::string::npos);
  EXPECT_NE(error.find("line one line two"), std::string::npos);
  EXPECT_LT(error.size(), 1100u);
}

TEST(KubeClientErrorText, TransportFailure) {
  EXPECT_EQ(transport_error("Pod default/web-1", "GET", "https://127.0.0.1:6443",
                            "Couldn't connect to server: Failed to connect to 127.0.0.1 port "
                            "6443: Connection refused",
                            5),
            "Pod default/web-1: GET to https://127.0.0.1:6443 failed after 5 attempts: Couldn't "
            "connect to server: Failed to connect to 127.0.0.1 port 6443: Connection refused");
  EXPECT_EQ(transport_error("Pod a/b", "GET", "https://h", "SSL peer certificate", 1),
            "Pod a/b: GET to https://h failed: SSL peer certificate");
}

TEST(KubeClientErrorText, KubernetesStatusMessage) {
  EXPECT_EQ(kubernetes_status_message(R"({"kind":"Status","message":"gone"})"), "gone");
  EXPECT_EQ(kubernetes_status_message(R"({"kind":"Status"})"), "");
  EXPECT_EQ(kubernetes_status_message(R"({"kind":"Status","message":42})"), "");
  EXPECT_EQ(kubernetes_status_message("not json"), "");
  EXPECT_EQ(kubernetes_status_message(""), "");
  EXPECT_EQ(kubernetes_status_message("[1,2]"), "");
}

TEST(KubeClientTransportFailure, TransientFailures) {
  for (const CURLcode code : {CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR,
                              CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
                              CURLE_SSL_CONNECT_ERROR, CURLE_COULDNT_RESOLVE_HOST}) {
    EXPECT_TRUE(is_transient_transport_failure(code)) << curl_easy_strerror(code);
  }
}

TEST(KubeClientTransportFailure, FinalFailures) {
  for (const CURLcode code :
       {CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
        CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_WRITE_ERROR, CURLE_OK}) {
    EXPECT_FALSE(is_transient_transport_failure(code)) << curl_easy_strerror(code);
  }
}

}  // namespace
}  // namespace sscsi::kube
