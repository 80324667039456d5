#pragma once
// What the machine was and how busy it was, printed with every result: on a shared, noisy
// machine a figure means little without the load average it was measured under.

#include <cstdint>
#include <string>

namespace sscsi::bench {

struct LoadAverage {
  double one = 0, five = 0, fifteen = 0;
};

struct MachineFacts {
  std::string date_utc;   // 2026-01-31T12:00:00Z
  std::string cpu_model;  // /proc/cpuinfo "model name", or "unknown"
  unsigned cpus = 0;      // CPUs this process may run on
  std::string kernel;     // uname: release and machine
  std::uint64_t memory_mib = 0;
  LoadAverage load;
};

// Throws std::runtime_error when /proc/loadavg cannot be read.
LoadAverage read_load_average();

MachineFacts read_machine_facts();

}  // namespace sscsi::bench
