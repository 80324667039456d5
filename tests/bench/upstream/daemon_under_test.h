#pragma once
// A driver under test as its processes: sscsi-host alone (providers are in-process plugins), or
// the upstream driver plus its provider process. Memory and CPU figures add up all of them,
// since either way that is what a node runs. The destructor kills whatever still runs.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "child_process.h"
#include "proc_status.h"

namespace sscsi::bench {

struct ProcessSpec {
  std::vector<std::string> argv;
  std::filesystem::path log_file;
  // Started only once this socket exists (the provider's, before the driver that dials it);
  // empty: started right away.
  std::filesystem::path wait_for_socket;
};

struct DaemonSpec {
  std::string label;  // "sscsi" or "upstream"
  std::filesystem::path csi_socket;
  std::vector<ProcessSpec> processes;  // in start order; stopped in reverse
};

class DaemonUnderTest {
 public:
  // Starts the processes and waits until CSI Probe answers. Throws std::runtime_error with the
  // logs' tails when something does not come up.
  explicit DaemonUnderTest(DaemonSpec spec);
  ~DaemonUnderTest() = default;
  DaemonUnderTest(const DaemonUnderTest&) = delete;
  DaemonUnderTest& operator=(const DaemonUnderTest&) = delete;

  const DaemonSpec& spec() const { return spec_; }

  // Summed over the processes.
  ProcStatus memory() const;
  double cpu_seconds() const;

  // SIGTERM to each, driver first. Returns "" when all exited 0 (or on SIGTERM, as Go programs
  // without a handler do), else what went wrong.
  std::string stop();

 private:
  std::string logs_tail() const;

  DaemonSpec spec_;
  std::vector<std::unique_ptr<ChildProcess>> processes_;
};

}  // namespace sscsi::bench
