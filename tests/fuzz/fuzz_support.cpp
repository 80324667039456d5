#include "fuzz_support.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace sscsi::fuzz {
namespace {

std::size_t count_occurrences(std::string_view haystack, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Same length as `secret`, made of letters and digits only (valid inside any JSON string, YAML
// scalar or protobuf string), and different from the secret itself.
std::string canary_for(std::string_view secret, std::string_view input) {
  for (std::string_view pattern : {"zQ7xCnRy", "kW3jWiPe", "vB5mFuZz"}) {
    std::string canary(secret.size(), ' ');
    for (std::size_t i = 0; i < canary.size(); ++i) canary[i] = pattern[i % pattern.size()];
    if (canary != secret && input.find(canary) == std::string_view::npos) return canary;
  }
  return {};
}

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

std::vector<std::string_view> split_fields(std::string_view input, std::size_t count) {
  std::vector<std::string_view> fields;
  fields.reserve(count);
  while (fields.size() + 1 < count) {
    const std::size_t nul = input.find('\0');
    if (nul == std::string_view::npos) break;
    fields.push_back(input.substr(0, nul));
    input.remove_prefix(nul + 1);
  }
  fields.push_back(input);
  fields.resize(count);
  return fields;
}

void fuzz_fail(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n%.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

void check_secrets_not_echoed(std::string_view target, std::string_view input,
                              const std::string& message, const SecretsOf& secrets_of,
                              const MessageOf& message_of) {
  for (const std::string& secret : secrets_of(input)) {
    if (secret.size() < kMinCheckedSecretBytes) continue;
    if (message.find(secret) == std::string::npos) continue;
    if (count_occurrences(input, secret) != 1) continue;
    const std::string canary = canary_for(secret, input);
    if (canary.empty() || message.find(canary) != std::string::npos) continue;
    std::string changed(input);
    changed.replace(changed.find(secret), secret.size(), canary);
    if (!contains(secrets_of(changed), canary)) continue;  // the occurrence was not the secret
    const std::optional<std::string> again = message_of(changed);
    if (again && again->find(canary) != std::string::npos) {
      fuzz_fail(std::string(target) + ": an error message echoes a secret value",
                "message: " + *again + "\nsecret (replaced by a canary): " + canary);
    }
  }
}

void check_no_material_in_message(std::string_view target, std::string_view input,
                                  const std::string& message, const SecretsOf& regions_of,
                                  const MessageOf& message_of) {
  constexpr std::size_t kRun = 24;
  // Every run of kRun + kStep bytes shared with a region contains a probed run.
  constexpr std::size_t kStep = 8;
  if (message.size() < kRun) return;
  const std::vector<std::string> regions = regions_of(input);
  for (std::size_t at = 0; at + kRun <= message.size(); at += kStep) {
    const std::string_view probe = std::string_view(message).substr(at, kRun);
    const bool in_region = std::any_of(regions.begin(), regions.end(), [&](const std::string& r) {
      return r.find(probe) != std::string::npos;
    });
    if (!in_region || count_occurrences(input, probe) != 1) continue;
    // Confirm: the same bytes of the input replaced by a canary must make the message name the
    // canary. A run that came from a message template never does.
    const std::string canary = canary_for(probe, input);
    if (canary.empty()) continue;
    std::string changed(input);
    changed.replace(changed.find(probe), probe.size(), canary);
    const std::optional<std::string> again = message_of(changed);
    if (again && again->find(canary) != std::string::npos) {
      fuzz_fail(std::string(target) + ": an error message contains secret material",
                "message: " + message + "\nrun: " + std::string(probe));
    }
  }
}

std::vector<std::string> pem_bodies(std::string_view text) {
  std::vector<std::string> bodies;
  constexpr std::string_view kBegin = "-----BEGIN ";
  constexpr std::string_view kEnd = "-----END ";
  std::size_t at = 0;
  while ((at = text.find(kBegin, at)) != std::string_view::npos) {
    const std::size_t body = text.find('\n', at);
    if (body == std::string_view::npos) break;
    const std::size_t end = text.find(kEnd, body);
    if (end == std::string_view::npos) {
      bodies.emplace_back(text.substr(body + 1));
      break;
    }
    bodies.emplace_back(text.substr(body + 1, end - body - 1));
    at = end + kEnd.size();
  }
  return bodies;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += rest == 2 ? kAlphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

MemoryFile::MemoryFile(const char* name) : fd_(memfd_create(name, MFD_CLOEXEC)) {
  if (fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "memfd_create for the fuzz input");
  }
  path_ = "/proc/self/fd/" + std::to_string(fd_);
}

MemoryFile::~MemoryFile() { close(fd_); }

void MemoryFile::write(std::string_view contents) {
  if (ftruncate(fd_, 0) != 0) fuzz_fail("harness: ftruncate of the memfd failed", strerror(errno));
  std::size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n =
        pwrite(fd_, contents.data() + done, contents.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fuzz_fail("harness: writing the memfd failed", strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

ScratchDir::ScratchDir() {
  std::string base = "/tmp";
  if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0') base = tmp;
  if (std::filesystem::is_directory("/dev/shm")) base = "/dev/shm";
  std::string pattern = base + "/sscsi-fuzz-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ScratchDir::write(const std::string& name, std::string_view contents) const {
  const std::string path = path_ + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (!out) fuzz_fail("harness: cannot write the scratch file", path);
  return path;
}

}  // namespace sscsi::fuzz
