#include "machine_facts.h"

#include <sched.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

namespace sscsi::bench {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("model name")) continue;
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos && colon + 2 <= line.size()) return line.substr(colon + 2);
  }
  return "unknown";
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  return std::string(text, std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc));
}

}  // namespace

LoadAverage read_load_average() {
  std::ifstream in("/proc/loadavg");
  LoadAverage load;
  if (!(in >> load.one >> load.five >> load.fifteen)) {
    throw std::runtime_error("cannot read the load average from /proc/loadavg");
  }
  return load;
}

MachineFacts read_machine_facts() {
  MachineFacts facts;
  facts.date_utc = utc_now();
  facts.cpu_model = cpu_model();
  cpu_set_t set;
  CPU_ZERO(&set);
  facts.cpus =
      sched_getaffinity(0, sizeof set, &set) == 0 ? static_cast<unsigned>(CPU_COUNT(&set)) : 0;
  utsname names{};
  facts.kernel = uname(&names) == 0
                     ? fmt::format("{} {} {}", names.sysname, names.release, names.machine)
                     : "unknown";
  struct sysinfo info {};
  if (sysinfo(&info) == 0) {
    facts.memory_mib = static_cast<std::uint64_t>(info.totalram) * info.mem_unit / (1024 * 1024);
  }
  facts.load = read_load_average();
  return facts;
}

}  // namespace sscsi::bench
