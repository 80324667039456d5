// Remembered publish requests: replaced, forgotten, and wiped once no one holds them.
#include "publish/remembered_requests.h"

#include <gtest/gtest.h>

namespace sscsi::publish {
namespace {

PublishRequest request(const std::string& target, const std::string& token) {
  PublishRequest r;
  r.target_path = target;
  r.volume_context = {{"csi.storage.k8s.io/serviceAccount.tokens", token}};
  r.secrets = {{"clientsecret", "s3cret"}};
  return r;
}

TEST(RememberedRequests, ReplacesAndForgets) {
  RememberedRequests remembered;
  EXPECT_EQ(remembered.find("/a"), nullptr);
  remembered.remember(request("/a", "one"));
  remembered.remember(request("/a", "two"));
  remembered.remember(request("/b", "three"));
  ASSERT_NE(remembered.find("/a"), nullptr);
  EXPECT_EQ(remembered.find("/a")->volume_context.begin()->second, "two");
  EXPECT_EQ(remembered.size(), 2u);
  EXPECT_EQ(remembered.all().size(), 2u);
  remembered.forget("/a");
  remembered.forget("/missing");
  EXPECT_EQ(remembered.find("/a"), nullptr);
  EXPECT_EQ(remembered.size(), 1u);
}

TEST(RememberedRequests, AHeldCopyStaysIntactWhenReplaced) {
  RememberedRequests remembered;
  remembered.remember(request("/a", "one"));
  const RememberedRequests::Shared held = remembered.find("/a");
  remembered.remember(request("/a", "two"));
  remembered.forget("/a");
  EXPECT_EQ(held->volume_context.begin()->second, "one");
  EXPECT_EQ(held->secrets.begin()->second, "s3cret");
}

}  // namespace
}  // namespace sscsi::publish
