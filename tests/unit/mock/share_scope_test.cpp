// The shareScope parameter: the scope each answer declares, so that the host's shared fetches can
// be exercised with every scope (never, namespace-serviceaccount, same-secrets, node).

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>

#include "mock_harness.h"

namespace sscsi::mock_test {
namespace {

std::map<std::string, std::string> with_scope(const std::string& scope) {
  return {{"objects", objects_yaml({"objectName: a\ncontent: x"})}, {"shareScope", scope}};
}

TEST(MockShareScope, EachNameDeclaresItsScopeOnSuccessAndOnInjectedFailure) {
  FakeHost host;
  const MockInstance mock(host);
  const std::pair<const char*, sscsi_share_scope> cases[] = {
      {"never", SSCSI_SHARE_NEVER},
      {"namespace-serviceaccount", SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT},
      {"same-secrets", SSCSI_SHARE_SAME_SECRETS},
      {"node", SSCSI_SHARE_NODE},
  };
  for (const auto& [name, scope] : cases) {
    const MountAnswer answer = mock.mount(with_scope(name));
    EXPECT_FALSE(answer.error) << name;
    EXPECT_EQ(answer.share_scope, scope) << name;

    auto throttled = with_scope(name);
    throttled["failWith"] = "Throttled";
    throttled["retryAfter"] = "2s";
    const MountAnswer failed = mock.mount(throttled);
    ASSERT_TRUE(failed.error) << name;
    EXPECT_EQ(failed.error->code, SSCSI_THROTTLED);
    EXPECT_EQ(failed.share_scope, scope) << name;
  }
}

TEST(MockShareScope, AbsentOrEmptyMeansNamespaceAndServiceAccount) {
  FakeHost host;
  const MockInstance mock(host);
  EXPECT_EQ(mock.mount({{"objects", objects_yaml({"objectName: a\ncontent: x"})}}).share_scope,
            SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT);
  EXPECT_EQ(mock.mount(with_scope("")).share_scope, SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT);
}

TEST(MockShareScope, AnUnknownNameIsRefusedByName) {
  FakeHost host;
  const MockInstance mock(host);
  for (const char* wrong : {"Node", "namespace", "always", " node"}) {
    const MountAnswer answer = mock.mount(with_scope(wrong));
    ASSERT_TRUE(answer.error) << wrong;
    EXPECT_EQ(answer.error->code, SSCSI_INVALID_PARAMETERS);
    EXPECT_NE(answer.error->message.find("shareScope \"" + std::string(wrong) + "\""),
              std::string::npos)
        << answer.error->message;
    EXPECT_NE(answer.error->message.find("never, namespace-serviceaccount, same-secrets, node"),
              std::string::npos)
        << answer.error->message;
    EXPECT_TRUE(answer.files.empty());
    // Refused before the parameters were read: the default scope stands.
    EXPECT_EQ(answer.share_scope, SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT);
  }
}

}  // namespace
}  // namespace sscsi::mock_test
