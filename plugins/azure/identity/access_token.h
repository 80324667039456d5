#pragma once
// A bearer token and when it stops working. The token is a SecretString and is never logged.

#include <chrono>

#include "common/secret_string.h"

namespace sscsi::azure {

struct AccessToken {
  SecretString token;
  std::chrono::system_clock::time_point expires_on;
};

}  // namespace sscsi::azure
