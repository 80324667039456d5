#include "kube/client/token_source.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "kube/client/credential_file.h"

namespace sscsi::kube {

bool TokenSource::FileIdentity::operator==(const FileIdentity& other) const {
  return device == other.device && inode == other.inode && size == other.size &&
         modified.tv_sec == other.modified.tv_sec && modified.tv_nsec == other.modified.tv_nsec;
}

TokenSource::TokenSource(SecretString fixed) : fixed_(std::move(fixed)) {}

TokenSource::TokenSource(std::filesystem::path file, Clock clock)
    : file_(std::move(file)), clock_(std::move(clock)) {}

TokenSource::Result TokenSource::current() {
  if (file_.empty()) return Result{fixed_, {}};

  std::lock_guard lock(mutex_);
  struct stat info {};
  if (stat(file_.c_str(), &info) != 0) {
    return Result{
        {}, fmt::format("token file {}: cannot read: {}", file_.string(), std::strerror(errno))};
  }
  const FileIdentity identity{info.st_dev, info.st_ino, info.st_size, info.st_mtim};
  const auto now = clock_();
  if (loaded_ && identity == identity_ && now - read_at_ < kRereadInterval) {
    return Result{cached_, {}};
  }

  auto content = read_credential_file(file_);
  if (auto* error = std::get_if<std::string>(&content)) {
    return Result{{}, fmt::format("token file {}", *error)};
  }
  SecretString token = trim_token(std::get<SecretString>(content).view());
  if (token.empty()) return Result{{}, fmt::format("token file {} is empty", file_.string())};
  cached_ = std::move(token);
  identity_ = identity;
  read_at_ = now;
  loaded_ = true;
  return Result{cached_, {}};
}

}  // namespace sscsi::kube
