#include "kube/objects/event.h"

#include <fmt/format.h>

#include <ctime>

#include "kube/objects/dns_name.h"

namespace sscsi::kube {

std::string rfc3339(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::seconds>(time));
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

nlohmann::json event_object(const EventInfo& info) {
  const std::string stamp = rfc3339(info.time);
  return {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata",
       {{"name", fit_dns_subdomain(fmt::format("{}.{:x}", info.pod.name, info.name_suffix))},
        {"namespace", info.pod.namespace_name}}},
      {"involvedObject",
       {{"apiVersion", "v1"},
        {"kind", "Pod"},
        {"namespace", info.pod.namespace_name},
        {"name", info.pod.name},
        {"uid", info.pod.uid}}},
      {"reason", info.reason},
      {"message", info.message},
      {"type", info.type == EventType::Warning ? "Warning" : "Normal"},
      {"source", {{"component", kEventComponent}, {"host", info.reporting_instance}}},
      {"reportingComponent", kEventComponent},
      {"reportingInstance", info.reporting_instance},
      {"firstTimestamp", stamp},
      {"lastTimestamp", stamp},
      {"count", info.count},
  };
}

}  // namespace sscsi::kube
