#include "kube/client/credential_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "mount/unique_fd.h"

namespace sscsi::kube {
namespace {

using mount::UniqueFd;

std::string os_error(const std::filesystem::path& path, const char* doing, int error) {
  return fmt::format("{}: cannot {}: {}", path.string(), doing, std::strerror(error));
}

}  // namespace

std::variant<SecretString, std::string> read_credential_file(const std::filesystem::path& path) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer (for ever, at
  // start-up); the regular-file check below then refuses it. Reads of regular files ignore it.
  const UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) return os_error(path, "read", errno);
  struct stat info {};
  if (fstat(fd.get(), &info) != 0) return os_error(path, "read", errno);
  if (S_ISDIR(info.st_mode))
    return fmt::format("{}: cannot read: it is a directory", path.string());
  if (!S_ISREG(info.st_mode)) {
    return fmt::format("{}: cannot read: not a regular file", path.string());
  }
  if (static_cast<std::uintmax_t>(info.st_size) > kMaxCredentialFileBytes) {
    return fmt::format("{}: cannot read: {} bytes is more than the {} allowed", path.string(),
                       info.st_size, kMaxCredentialFileBytes);
  }
  // Sized once up front (one spare byte to see growth), so no reallocation leaves a copy of
  // the bytes behind in freed memory.
  std::string bytes(static_cast<std::size_t>(info.st_size) + 1, '\0');
  std::size_t used = 0;
  while (used < bytes.size()) {
    const ssize_t n = read(fd.get(), bytes.data() + used, bytes.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      explicit_bzero(bytes.data(), bytes.size());
      return os_error(path, "read", error);
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used == bytes.size()) {
    explicit_bzero(bytes.data(), bytes.size());
    return fmt::format("{}: cannot read: the file changed size while it was read", path.string());
  }
  bytes.resize(used);
  return SecretString(std::move(bytes));
}

SecretString trim_token(std::string_view text) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return SecretString(std::string(text));
}

}  // namespace sscsi::kube
