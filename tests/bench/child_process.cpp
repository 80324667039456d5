#include "child_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

namespace sscsi::bench {

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::filesystem::path& log_file) {
  if (argv.empty()) throw std::invalid_argument("ChildProcess: no program given");
  const int log = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log < 0) {
    throw std::runtime_error(
        fmt::format("cannot open log file {}: {}", log_file.string(), std::strerror(errno)));
  }
  // Everything the child needs is built before fork: only async-signal-safe calls after it.
  std::vector<std::string> storage = argv;
  std::vector<char*> args;
  for (std::string& arg : storage) args.push_back(arg.data());
  args.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ < 0) {
    const int err = errno;
    ::close(log);
    throw std::runtime_error(fmt::format("fork failed: {}", std::strerror(err)));
  }
  if (pid_ == 0) {
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execvp(args[0], args.data());
    constexpr char kMessage[] = "sscsi-bench: exec failed\n";
    [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    ::_exit(127);
  }
  ::close(log);
}

ChildProcess::~ChildProcess() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

bool ChildProcess::running() {
  if (status_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = status;
    return false;
  }
  return true;
}

void ChildProcess::send_signal(int signal_number) const {
  if (!status_) ::kill(pid_, signal_number);
}

std::optional<int> ChildProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

std::string ChildProcess::describe_end() const {
  if (!status_) return "running";
  if (WIFEXITED(*status_)) return fmt::format("exit {}", WEXITSTATUS(*status_));
  if (WIFSIGNALED(*status_)) return fmt::format("killed by signal {}", WTERMSIG(*status_));
  return fmt::format("wait status {}", *status_);
}

std::string run_for_output(const std::vector<std::string>& argv,
                           const std::filesystem::path& scratch_file,
                           std::chrono::milliseconds timeout) {
  std::string end;
  {
    ChildProcess child(argv, scratch_file);
    child.wait_for_exit(timeout);
    end = child.describe_end();
  }
  std::string output = log_tail(scratch_file, 100000);
  std::error_code ignored;
  std::filesystem::remove(scratch_file, ignored);
  if (end != "exit 0") {
    throw std::runtime_error(fmt::format("{} ended with {}: {}", argv.front(), end, output));
  }
  return output;
}

std::string log_tail(const std::filesystem::path& log_file, std::size_t max_bytes) {
  std::ifstream in(log_file, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() <= max_bytes ? text : "..." + text.substr(text.size() - max_bytes);
}

}  // namespace sscsi::bench
