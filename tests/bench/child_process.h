#pragma once
// A child process (sscsi-host, perf) with stdout and stderr appended to a log file. The
// destructor kills and reaps a child that is still running, so no run leaves one behind.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sscsi::bench {

class ChildProcess {
 public:
  // Starts argv[0] (looked up in PATH when it has no '/'). Throws std::runtime_error.
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log_file);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();  // reaps the child when it has ended
  void send_signal(int signal_number) const;

  // Waits up to `timeout` for the child to end; its wait status, or nullopt if it still runs.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);

  // "exit 0", "killed by signal 9" or "running".
  std::string describe_end() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Runs argv to its end (killed after `timeout`) with its output going to `scratch_file`, and
// returns that output; the file is removed. Throws std::runtime_error when it does not exit 0.
std::string run_for_output(const std::vector<std::string>& argv,
                           const std::filesystem::path& scratch_file,
                           std::chrono::milliseconds timeout);

// The last `max_bytes` of a log file, for error messages.
std::string log_tail(const std::filesystem::path& log_file, std::size_t max_bytes = 2000);

}  // namespace sscsi::bench
