#include "mount/mount_record.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "mount/error.h"

namespace sscsi::mount {

namespace {

using nlohmann::json;
using std::chrono::system_clock;

// Bumped when a field changes meaning; a record of another format is reported, not guessed at.
constexpr int kFormat = 1;

std::string format_time(system_clock::time_point time) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(time);
  const auto day = floor<days>(ms);
  const year_month_day date{day};
  const hh_mm_ss clock{ms - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count(),
                     clock.subseconds().count());
}

// Parses exactly the shape format_time writes: YYYY-MM-DDTHH:MM:SS.mmmZ.
std::optional<system_clock::time_point> parse_time(std::string_view text) {
  using namespace std::chrono;
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != kShape.size()) return std::nullopt;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const bool ok = kShape[i] == 'd' ? (text[i] >= '0' && text[i] <= '9') : text[i] == kShape[i];
    if (!ok) return std::nullopt;
  }
  const auto number = [&](std::size_t at, std::size_t digits) {
    int value = 0;
    for (std::size_t i = at; i < at + digits; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  const year_month_day date{year{number(0, 4)}, month{static_cast<unsigned>(number(5, 2))},
                            day{static_cast<unsigned>(number(8, 2))}};
  const int hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return sys_days{date} + hours{hour} + minutes{minute} + seconds{second} +
         milliseconds{number(20, 3)};
}

const json& field(const json& object, const char* name, json::value_t type, const char* type_name) {
  const auto it = object.find(name);
  if (it == object.end()) throw Error(fmt::format("field \"{}\" is missing", name));
  if (it->type() != type) throw Error(fmt::format("field \"{}\" is not {}", name, type_name));
  return *it;
}

std::string string_field(const json& object, const char* name) {
  return field(object, name, json::value_t::string, "a string").get<std::string>();
}

system_clock::time_point time_field(const json& object, const char* name) {
  const std::string text = string_field(object, name);
  const auto time = parse_time(text);
  if (!time) {
    throw Error(fmt::format("field \"{}\" is not a time like 2024-05-01T12:00:00.000Z", name));
  }
  return *time;
}

}  // namespace

std::string record_to_json(const MountRecord& record) {
  json objects = json::array();
  for (const ObjectVersion& object : record.objects) {
    objects.push_back({{"id", object.id}, {"version", object.version}});
  }
  const json out = {
      {"format", kFormat},
      {"target_path", record.target_path},
      {"volume_id", record.volume_id},
      {"pod",
       {{"namespace", record.pod_namespace}, {"name", record.pod_name}, {"uid", record.pod_uid}}},
      {"service_account", record.service_account},
      {"secret_provider_class", record.secret_provider_class},
      {"provider", record.provider},
      {"objects", std::move(objects)},
      {"first_mount", format_time(record.first_mount)},
      {"last_refresh", format_time(record.last_refresh)},
  };
  try {
    return out.dump(2) + "\n";
  } catch (const json::exception&) {
    // Replacing the bad bytes would store a different target path than the record's key.
    throw Error(
        fmt::format("cannot encode the mount record for target {}: a field is not valid "
                    "UTF-8",
                    out["target_path"].dump(-1, ' ', true, json::error_handler_t::replace)));
  }
}

MountRecord record_from_json(std::string_view text) {
  const json in = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (in.is_discarded()) throw Error("not valid JSON");
  if (!in.is_object()) throw Error("not a JSON object");
  const json& format = field(in, "format", json::value_t::number_unsigned, "a format number");
  if (format.get<std::uint64_t>() != kFormat) {
    throw Error(fmt::format("format {} is not the supported format {}", format.dump(), kFormat));
  }

  MountRecord record;
  record.target_path = string_field(in, "target_path");
  if (!record.target_path.starts_with('/')) throw Error("field \"target_path\" is not absolute");
  record.volume_id = string_field(in, "volume_id");
  const json& pod = field(in, "pod", json::value_t::object, "an object");
  record.pod_namespace = string_field(pod, "namespace");
  record.pod_name = string_field(pod, "name");
  record.pod_uid = string_field(pod, "uid");
  record.service_account = string_field(in, "service_account");
  record.secret_provider_class = string_field(in, "secret_provider_class");
  record.provider = string_field(in, "provider");
  for (const json& object : field(in, "objects", json::value_t::array, "an array")) {
    if (!object.is_object()) throw Error("an entry of field \"objects\" is not an object");
    record.objects.push_back({string_field(object, "id"), string_field(object, "version")});
  }
  record.first_mount = time_field(in, "first_mount");
  record.last_refresh = time_field(in, "last_refresh");
  return record;
}

}  // namespace sscsi::mount
