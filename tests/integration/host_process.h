#pragma once
// Runs a program as a child process with its stdout and stderr captured through pipes, for
// tests that drive the real sscsi-host binary. Waiting always has a timeout: output is polled
// until a condition holds or the time is up, never slept on.

#include <sys/types.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace sscsi::testing_support {

class HostProcess {
 public:
  // Starts `program` with `args` (argv[1..]) in `working_directory` (empty: the current one),
  // with an empty signal mask and default signal dispositions. The child is killed (SIGKILL)
  // when the thread that constructed this object ends, so construct it on a thread that
  // outlives it (normally the test's own).
  HostProcess(const std::filesystem::path& program, const std::vector<std::string>& args,
              const std::filesystem::path& working_directory = {});
  // Kills the child (SIGKILL) if it still runs, and reaps it.
  ~HostProcess();
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  // Reads output until stderr contains `needle` (true) or the timeout passes or the child's
  // output ends (false).
  bool wait_for_stderr(const std::string& needle, std::chrono::milliseconds timeout);

  // Waits for the child to end and collects all its output. True when it ended in time.
  bool wait_for_exit(std::chrono::milliseconds timeout);

  void send_signal(int signal_number);
  pid_t pid() const { return pid_; }

  bool exited() const { return ended_ && WIFEXITED(status_); }
  int exit_code() const { return WEXITSTATUS(status_); }
  // "exit 2", "killed by signal 9" or "still running", for assertion messages.
  std::string describe_end() const;

  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  // Reads what is available from both pipes, waiting at most `timeout` for something to come.
  void pump(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool ended_ = false;
  int status_ = 0;
  std::string out_;
  std::string err_;
};

// Runs `program` to its end (at most `timeout`; killed after that) and returns the process.
struct Finished {
  bool ended = false;
  bool exited = false;
  int exit_code = -1;
  std::string out;
  std::string err;
  std::string end;  // describe_end()
};
Finished run_to_end(const std::filesystem::path& program, const std::vector<std::string>& args,
                    std::chrono::milliseconds timeout);

}  // namespace sscsi::testing_support
