#pragma once
// Memory and thread figures of a running process from /proc/<pid>/status.

#include <sys/types.h>

#include <cstdint>

namespace sscsi::bench {

struct ProcStatus {
  std::uint64_t rss_kib = 0;       // VmRSS: resident now
  std::uint64_t rss_anon_kib = 0;  // RssAnon: heap, stacks (the part the process can shrink)
  std::uint64_t rss_file_kib = 0;  // RssFile: mapped code and data of the binary and libraries
  std::uint64_t hwm_kib = 0;       // VmHWM: the most it was ever resident
  std::uint64_t threads = 0;       // Threads
};

// Throws std::runtime_error naming the file when it cannot be read or lacks a field.
ProcStatus read_proc_status(pid_t pid);

// CPU time the process has used so far, user plus system, in seconds (from /proc/<pid>/stat,
// clock-tick resolution: 10 ms at 100 Hz). Throws std::runtime_error.
double read_cpu_seconds(pid_t pid);

}  // namespace sscsi::bench
