#include "mount/state_store.h"

#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <random>
#include <system_error>

#include "mount/error.h"
#include "mount/platform.h"

namespace sscsi::mount {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kDirMode = 0700;
constexpr std::uint32_t kRecordMode = 0600;
constexpr std::string_view kRecordSuffix = ".json";
constexpr std::size_t kHashHexChars = 64;
// A record is a few hundred bytes; anything this large is not one of ours.
constexpr std::uintmax_t kMaxRecordBytes = 1024 * 1024;

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw Error("cannot compute SHA-256 (OpenSSL failed)");
  }
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

bool is_record_file_name(std::string_view name) {
  if (name.size() != kHashHexChars + kRecordSuffix.size() || !name.ends_with(kRecordSuffix)) {
    return false;
  }
  return std::all_of(name.begin(), name.begin() + kHashHexChars,
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// ".<record name>.<number>.tmp", the name save() gives its temporary file.
bool is_temporary_file_name(std::string_view name) {
  constexpr std::string_view kTempSuffix = ".tmp";
  if (!name.starts_with('.') || !name.ends_with(kTempSuffix)) return false;
  name.remove_prefix(1);
  name.remove_suffix(kTempSuffix.size());
  const std::size_t dot = kHashHexChars + kRecordSuffix.size();
  if (name.size() <= dot + 1 || name[dot] != '.' || !is_record_file_name(name.substr(0, dot))) {
    return false;
  }
  const std::string_view number = name.substr(dot + 1);
  return std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::uint32_t random_number() {
  thread_local std::mt19937 engine{std::random_device{}()};
  return std::uniform_int_distribution<std::uint32_t>{}(engine);
}

// Reads and checks one record file; throws mount::Error with the problem.
MountRecord read_record(const StateStore& store, const fs::path& path) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxRecordBytes) {
    throw Error(fmt::format("{} bytes, more than the {} a record may have", size, kMaxRecordBytes));
  }
  const StoredFile file = platform::read_file(path);
  MountRecord record = record_from_json(
      std::string_view(reinterpret_cast<const char*>(file.data.data()), file.data.size()));
  const fs::path expected = store.record_path(record.target_path);
  if (expected.filename() != path.filename()) {
    throw Error(fmt::format("it holds target {}, whose record would be {}", record.target_path,
                            expected.filename().string()));
  }
  return record;
}

// Whoever may write the state directory can plant a record, and a record tells a later
// unpublish of its target to clear and unmount it: an existing directory must be as private as
// one this store creates.
void check_existing_dir(const fs::path& dir) {
  struct stat status {};
  if (::lstat(dir.c_str(), &status) != 0) {
    throw Error(fmt::format("cannot examine the state directory {}: {}", dir.string(),
                            std::generic_category().message(errno)),
                errno);
  }
  if (S_ISLNK(status.st_mode)) {
    throw Error(
        fmt::format("the state directory {} is a symlink; give the real directory", dir.string()));
  }
  if (status.st_uid != ::geteuid()) {
    throw Error(
        fmt::format("the state directory {} is owned by uid {}, not by sscsi-host's user "
                    "(uid {}); chown it or choose another --state-dir",
                    dir.string(), status.st_uid, ::geteuid()));
  }
  if ((status.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    throw Error(
        fmt::format("the state directory {} may be written by others (mode {:04o}); "
                    "chmod go-w it (sscsi creates it as 0700)",
                    dir.string(), status.st_mode & 07777));
  }
}

}  // namespace

StateStore::StateStore(fs::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  if (fs::is_directory(fs::symlink_status(dir_, ec))) {
    check_existing_dir(dir_);
    return;
  }
  if (fs::is_symlink(fs::symlink_status(dir_, ec))) check_existing_dir(dir_);  // refused
  if (dir_.has_parent_path()) fs::create_directories(dir_.parent_path(), ec);
  if (ec) {
    throw Error(
        fmt::format("cannot create the state directory {}: {}", dir_.string(), ec.message()));
  }
  try {
    platform::make_dir(dir_, kDirMode);
  } catch (const Error& error) {
    if (error.sys_errno() != EEXIST || !fs::is_directory(dir_, ec)) throw;
  }
}

fs::path StateStore::record_path(const std::string& target_path) const {
  return dir_ / (sha256_hex(target_path) + std::string(kRecordSuffix));
}

void StateStore::save(const MountRecord& record) const {
  if (!record.target_path.starts_with('/')) {
    throw Error(fmt::format("cannot save a mount record for target {}: the path is not absolute",
                            record.target_path));
  }
  const std::string json = record_to_json(record);
  const fs::path path = record_path(record.target_path);
  // Hidden name, unique per attempt: load_all skips it, and two writers never share one.
  const fs::path temp = dir_ / fmt::format(".{}.{}.tmp", path.filename().string(), random_number());
  platform::write_new_file(
      temp, std::span(reinterpret_cast<const std::uint8_t*>(json.data()), json.size()),
      kRecordMode);
  std::error_code ec;
  fs::rename(temp, path, ec);  // atomic: readers see the old record or the new one
  if (ec) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw Error(fmt::format("cannot save the mount record {} for target {}: {}", path.string(),
                            record.target_path, ec.message()));
  }
}

bool StateStore::remove(const std::string& target_path) const {
  const fs::path path = record_path(target_path);
  std::error_code ec;
  const bool removed = fs::remove(path, ec);
  if (ec) {
    throw Error(fmt::format("cannot remove the mount record {} for target {}: {}", path.string(),
                            target_path, ec.message()));
  }
  return removed;
}

std::optional<MountRecord> StateStore::load(const std::string& target_path) const {
  const fs::path path = record_path(target_path);
  std::error_code ec;
  if (fs::symlink_status(path, ec).type() == fs::file_type::not_found) return std::nullopt;
  try {
    return read_record(*this, path);
  } catch (const Error& error) {
    throw Error(fmt::format("mount record {} for target {} is unusable: {}", path.string(),
                            target_path, error.what()),
                error.sys_errno());
  }
}

LoadedRecords StateStore::load_all() const {
  LoadedRecords out;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!is_record_file_name(name)) continue;  // temporary files and anything else
    try {
      out.records.push_back(read_record(*this, it->path()));
    } catch (const Error& error) {
      out.problems.push_back(
          fmt::format("mount record {} skipped: {}", it->path().string(), error.what()));
    }
  }
  if (ec) {
    out.problems.push_back(
        fmt::format("cannot list the state directory {}: {}", dir_.string(), ec.message()));
  }
  std::sort(out.records.begin(), out.records.end(), [](const MountRecord& a, const MountRecord& b) {
    return a.target_path < b.target_path;
  });
  return out;
}

StateStore::RemovedTemporaries StateStore::remove_abandoned_temporaries() const {
  RemovedTemporaries out;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    if (!is_temporary_file_name(it->path().filename().string())) continue;
    std::error_code remove_error;
    if (fs::remove(it->path(), remove_error)) {
      ++out.removed;
    } else if (remove_error) {
      out.problems.push_back(fmt::format("cannot remove the abandoned temporary file {}: {}",
                                         it->path().string(), remove_error.message()));
    }
  }
  if (ec) {
    out.problems.push_back(
        fmt::format("cannot list the state directory {}: {}", dir_.string(), ec.message()));
  }
  return out;
}

PrunedRecords drop_unmounted(const StateStore& store, std::vector<MountRecord> records,
                             const std::function<bool(const fs::path&)>& is_mounted) {
  PrunedRecords out;
  for (MountRecord& record : records) {
    bool mounted = true;
    try {
      mounted = is_mounted ? is_mounted(record.target_path)
                           : platform::is_mount_point(record.target_path);
    } catch (const Error& error) {
      out.problems.push_back(
          fmt::format("kept the record for {}: {}", record.target_path, error.what()));
    }
    if (mounted) {
      out.kept.push_back(std::move(record));
      continue;
    }
    try {
      store.remove(record.target_path);
      out.dropped.push_back(std::move(record));
    } catch (const Error& error) {
      out.problems.push_back(error.what());  // not mounted, so not kept either
    }
  }
  return out;
}

}  // namespace sscsi::mount
