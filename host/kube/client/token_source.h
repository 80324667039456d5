#pragma once
// The bearer token for each request. A token file is re-read when it changes (bound
// service-account tokens are rotated by the kubelet, normally by swapping a symlink) and at
// least once a minute, in case a rewrite kept the same size and timestamp.

#include <sys/types.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>

#include "kube/client/secret_string.h"

namespace sscsi::kube {

class TokenSource {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  static constexpr std::chrono::seconds kRereadInterval{60};

  struct Result {
    SecretString token;  // empty: send no Authorization header
    std::string error;   // set when the token file cannot be used; names the file, not the token
  };

  // No token: anonymous requests (client certificates may still authenticate).
  TokenSource() = default;
  explicit TokenSource(SecretString fixed);
  explicit TokenSource(
      std::filesystem::path file, Clock clock = [] { return std::chrono::steady_clock::now(); });

  // Thread-safe. A file that cannot be read now is an error even if an older token is cached:
  // sending a token that may have been revoked would only trade this error for a 401.
  Result current();

 private:
  struct FileIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    std::timespec modified{};

    bool operator==(const FileIdentity& other) const;
  };

  SecretString fixed_;
  std::filesystem::path file_;
  Clock clock_;

  std::mutex mutex_;
  bool loaded_ = false;
  FileIdentity identity_;
  std::chrono::steady_clock::time_point read_at_;
  SecretString cached_;
};

}  // namespace sscsi::kube
