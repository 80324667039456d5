#include "http/connect_to.h"

#include <gtest/gtest.h>

namespace sscsi::azure {
namespace {

TEST(ConnectTo, AcceptsCurlForms) {
  for (const char* good :
       {"myvault.vault.azure.net:443:127.0.0.1:8443", "::127.0.0.1:8443",
        ":443:localhost:", "login.microsoftonline.com::[::1]:9443", "[::1]:443:[fe80::1]:443"}) {
    EXPECT_EQ(connect_to_problem(good), "") << good;
  }
}

TEST(ConnectTo, RejectsMalformedEntries) {
  EXPECT_NE(connect_to_problem("host:443:target").find("3 fields"), std::string::npos);
  EXPECT_NE(connect_to_problem("a:1:b:2:c").find("5 fields"), std::string::npos);
  EXPECT_NE(connect_to_problem("h:http:t:443").find("port"), std::string::npos);
  EXPECT_NE(connect_to_problem("h:443:t:70000").find("port"), std::string::npos);
  EXPECT_NE(connect_to_problem("h:0:t:443").find("port"), std::string::npos);
  EXPECT_NE(connect_to_problem("h:443::").find("neither"), std::string::npos);
  EXPECT_NE(connect_to_problem("h:443:a b:1").find("space"), std::string::npos);
  EXPECT_NE(connect_to_problem("h:443:user@t:1").find("'@'"), std::string::npos);
  EXPECT_NE(connect_to_problem("").find("fields"), std::string::npos);
}

TEST(ConnectTo, MessagesNameTheEntry) {
  EXPECT_NE(connect_to_problem("bad-entry").find("\"bad-entry\""), std::string::npos);
}

}  // namespace
}  // namespace sscsi::azure
