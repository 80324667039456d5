#include "mount/layout.h"

#include <fmt/format.h>
#include <system_error>

#include "mount/error.h"

namespace sscsi::mount::layout {

namespace fs = std::filesystem;

namespace {

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string describe_entry(const fs::path& path, fs::file_type type) {
  switch (type) {
    case fs::file_type::regular:
      return "a regular file";
    case fs::file_type::directory:
      return "a directory";
    case fs::file_type::symlink: {
      std::error_code ec;
      const fs::path points_to = fs::read_symlink(path, ec);
      return ec ? "a symlink" : "a symlink to " + layout::quoted(points_to.string());
    }
    default:
      return "a special file";
  }
}

}  // namespace

std::string version_dir_name(std::chrono::system_clock::time_point time, std::uint32_t random) {
  using namespace std::chrono;
  const auto day = floor<days>(time);  // system_clock counts UTC
  const year_month_day date{day};
  const hh_mm_ss clock{floor<seconds>(time - day)};
  return fmt::format("..{:04}_{:02}_{:02}_{:02}_{:02}_{:02}.{}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count(),
                     random);
}

bool is_version_dir_name(std::string_view name) {
  // ..YYYY_MM_DD_HH_MM_SS.<digits>
  constexpr std::string_view kShape = "..dddd_dd_dd_dd_dd_dd.";
  if (name.size() <= kShape.size()) return false;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const bool ok = kShape[i] == 'd' ? (name[i] >= '0' && name[i] <= '9') : name[i] == kShape[i];
    if (!ok) return false;
  }
  return all_digits(name.substr(kShape.size()));
}

std::string_view first_element(std::string_view path) { return path.substr(0, path.find('/')); }

std::string user_link_target(std::string_view first) {
  return fmt::format("{}/{}", kDataLink, first);
}

std::optional<std::string> current_version_dir(const fs::path& target) {
  const fs::path link = target / kDataLink;
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(link, ec);
  if (status.type() == fs::file_type::not_found) return std::nullopt;
  if (ec) throw Error(fmt::format("cannot inspect {}: {}", link.string(), ec.message()));
  if (status.type() != fs::file_type::symlink) {
    throw Error(
        fmt::format("{} is {}, not a symlink to a version directory; the volume was "
                    "changed by something other than sscsi",
                    link.string(), describe_entry(link, status.type())));
  }
  const std::string points_to = fs::read_symlink(link, ec).string();
  if (ec) throw Error(fmt::format("cannot read symlink {}: {}", link.string(), ec.message()));
  if (!is_version_dir_name(points_to)) {
    throw Error(fmt::format("{} points to {}, which is not a version directory of this volume",
                            link.string(), layout::quoted(points_to)));
  }
  return points_to;
}

std::vector<TopLevelEntry> top_level_entries(const fs::path& target) {
  std::vector<TopLevelEntry> entries;
  std::error_code ec;
  for (fs::directory_iterator it(target, ec), end; !ec && it != end; it.increment(ec)) {
    TopLevelEntry entry;
    entry.name = it->path().filename().string();
    const fs::file_type type = it->symlink_status(ec).type();
    if (ec) break;
    entry.description = describe_entry(it->path(), type);
    if (entry.name.starts_with("..")) {
      entry.kind = EntryKind::Bookkeeping;
    } else if (type == fs::file_type::symlink &&
               fs::read_symlink(it->path(), ec).string() == user_link_target(entry.name)) {
      entry.kind = EntryKind::UserLink;
    }
    if (ec) break;
    entries.push_back(std::move(entry));
  }
  if (ec) throw Error(fmt::format("cannot list {}: {}", target.string(), ec.message()));
  return entries;
}

std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 128;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out += text.size() > kMaxShown ? "\"…" : "\"";
  return out;
}

}  // namespace sscsi::mount::layout
