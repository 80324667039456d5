// Upstream's vault-name rule (reference azure-provider.md §1, §10.1 case 13).
#include <gtest/gtest.h>

#include "request_builder.h"

namespace sscsi::azure {
namespace {

std::string vault_error(const std::string& name) {
  return test::error_of([&] { validate_vault_name(name); });
}

TEST(VaultName, LengthAndCharacters) {
  EXPECT_EQ(vault_error("longkeyvaultnamewhichisnotvalid"),
            "failed to get vault: Invalid vault name: \"longkeyvaultnamewhichisnotvalid\", must "
            "be between 3 and 24 chars");
  EXPECT_EQ(vault_error("kv"),
            "failed to get vault: Invalid vault name: \"kv\", must be between 3 and 24 chars");
  EXPECT_EQ(vault_error("kv_test"),
            "failed to get vault: Invalid vault name: \"kv_test\", must match [-a-zA-Z0-9]{3,24}");
  EXPECT_EQ(vault_error("kv.evil.com"),
            "failed to get vault: Invalid vault name: \"kv.evil.com\", must match "
            "[-a-zA-Z0-9]{3,24}");
  EXPECT_EQ(vault_error("kv\xc3\xa9t"),  // 5 bytes, Go counts bytes too
            "failed to get vault: Invalid vault name: \"kv\xc3\xa9t\", must match "
            "[-a-zA-Z0-9]{3,24}");
}

TEST(VaultName, UpstreamsLooseRuleAccepts) {
  for (const char* name : {"testkv", "kv1", "-kv--", "ABCDEFGHIJKLMNOPQRSTUVWX", "123"}) {
    EXPECT_NO_THROW(validate_vault_name(name)) << name;
  }
}

}  // namespace
}  // namespace sscsi::azure
