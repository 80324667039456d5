#include "proc_status.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace sscsi::bench {

ProcStatus read_proc_status(pid_t pid) {
  const std::string path = fmt::format("/proc/{}/status", pid);
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}: is the process gone?", path));
  ProcStatus out;
  int found = 0;
  std::string line;
  while (std::getline(in, line)) {
    // Lines look like "VmRSS:\t   12345 kB" and "Threads:\t7".
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, colon);
    std::uint64_t* field = key == "VmRSS"     ? &out.rss_kib
                           : key == "RssAnon" ? &out.rss_anon_kib
                           : key == "RssFile" ? &out.rss_file_kib
                           : key == "VmHWM"   ? &out.hwm_kib
                           : key == "Threads" ? &out.threads
                                              : nullptr;
    if (field == nullptr) continue;
    std::istringstream value(line.substr(colon + 1));
    if (!(value >> *field)) {
      throw std::runtime_error(fmt::format("{}: cannot read the number in \"{}\"", path, line));
    }
    ++found;
  }
  if (found != 5) {
    throw std::runtime_error(
        fmt::format("{} lacks one of VmRSS, RssAnon, RssFile, VmHWM and Threads", path));
  }
  return out;
}

double read_cpu_seconds(pid_t pid) {
  const std::string path = fmt::format("/proc/{}/stat", pid);
  std::ifstream in(path);
  std::string text;
  if (!in || !std::getline(in, text)) {
    throw std::runtime_error(fmt::format("cannot read {}: is the process gone?", path));
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted
  // from the last ')'. utime and stime are fields 14 and 15, i.e. the 12th and 13th after it.
  const std::size_t close = text.rfind(')');
  std::istringstream fields(close == std::string::npos ? std::string() : text.substr(close + 1));
  std::string skipped;
  for (int i = 0; i < 11 && fields >> skipped; ++i) {
  }
  unsigned long long user = 0, system = 0;
  if (!(fields >> user >> system)) {
    throw std::runtime_error(fmt::format("{}: cannot read utime and stime", path));
  }
  return static_cast<double>(user + system) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace sscsi::bench
