#include "plugins/table_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "plugins/plugin_text.h"

namespace sscsi::plugins {
namespace {

// How far a name or version is read: well past any valid value, so an unterminated string
// is caught without scanning the plugin's memory indefinitely.
constexpr std::size_t kMaxScannedBytes = 1024;

constexpr std::size_t kVersionFieldsEnd =
    offsetof(sscsi_provider, abi_minor) + sizeof(sscsi_provider::abi_minor);

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

std::optional<std::string> provider_name_problem(std::string_view name) {
  if (name.empty()) return std::string("provider name is empty");
  if (name.size() > kMaxProviderNameBytes) {
    return fmt::format("provider name '{}' is {} bytes long, more than the limit of {}",
                       printable(name, 64), name.size(), kMaxProviderNameBytes);
  }
  if (!std::all_of(name.begin(), name.end(), is_name_char)) {
    return fmt::format("provider name '{}' does not match ^[a-zA-Z0-9_-]{{1,30}}$",
                       printable(name, 64));
  }
  return std::nullopt;
}

Outcome<sscsi_provider> check_provider_table(const sscsi_provider* table) {
  using Result = Outcome<sscsi_provider>;
  const std::string host_abi = fmt::format("{}.{}", SSCSI_ABI_MAJOR, SSCSI_ABI_MINOR);
  if (table == nullptr) return Result::refused(fmt::format("plugin refused host ABI {}", host_abi));

  const std::uint32_t declared_size = table->struct_size;
  if (declared_size < kVersionFieldsEnd) {
    return Result::refused(
        fmt::format("table struct_size {} is too small to hold the ABI version ({} bytes)",
                    declared_size, kVersionFieldsEnd));
  }
  if (table->abi_major != SSCSI_ABI_MAJOR) {
    return Result::refused(fmt::format("plugin is built for ABI {}.{}; this host speaks ABI {}",
                                       table->abi_major, table->abi_minor, host_abi));
  }
  if (table->abi_minor > SSCSI_ABI_MINOR) {
    return Result::refused(fmt::format(
        "plugin is built for ABI {}.{}, newer than this host's ABI {}; upgrade the host",
        table->abi_major, table->abi_minor, host_abi));
  }
  if (declared_size < kProviderAbi10Size) {
    return Result::refused(
        fmt::format("table struct_size {} does not cover the ABI 1.0 members ({} bytes needed)",
                    declared_size, kProviderAbi10Size));
  }

  sscsi_provider copy{};
  std::memcpy(&copy, table, std::min<std::size_t>(declared_size, sizeof copy));
  copy.struct_size = static_cast<std::uint32_t>(std::min<std::size_t>(declared_size, sizeof copy));

  const char* missing = copy.name == nullptr      ? "name"
                        : copy.version == nullptr ? "version"
                        : copy.create == nullptr  ? "create"
                        : copy.mount == nullptr   ? "mount"
                        : copy.destroy == nullptr ? "destroy"
                                                  : nullptr;
  if (missing != nullptr) {
    return Result::refused(fmt::format("required table member {} is NULL", missing));
  }
  const std::string_view name(copy.name, strnlen(copy.name, kMaxScannedBytes));
  if (const auto problem = provider_name_problem(name)) return Result::refused(*problem);
  if (strnlen(copy.version, kMaxScannedBytes) == 0) {
    return Result::refused(fmt::format("provider {} has an empty version", name));
  }
  if (strnlen(copy.version, kMaxScannedBytes) == kMaxScannedBytes) {
    return Result::refused(
        fmt::format("provider {} has a version longer than {} bytes", name, kMaxScannedBytes - 1));
  }
  return Result::success(copy);
}

}  // namespace sscsi::plugins
