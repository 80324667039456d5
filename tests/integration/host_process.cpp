#include "host_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

namespace sscsi::testing_support {
namespace {

void make_pipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
}

// Reads what is there without blocking; false at end of file.
bool read_available(int& fd, std::string& into) {
  std::array<char, 4096> buffer;
  while (true) {
    const ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n > 0) {
      into.append(buffer.data(), static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    close(fd);  // end of file or a read error: this stream is over
    fd = -1;
    return false;
  }
}

// "test harness: exec failed (errno N)" on stderr, with only async-signal-safe calls: it runs in
// the child between fork and exec.
void write_exec_failure(int error) {
  char message[64] = "test harness: exec failed (errno ";
  std::size_t length = sizeof "test harness: exec failed (errno " - 1;
  char digits[12];
  std::size_t count = 0;
  unsigned value = error < 0 ? 0u : static_cast<unsigned>(error);
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0 && count < sizeof digits);
  while (count > 0) message[length++] = digits[--count];
  message[length++] = ')';
  message[length++] = '\n';
  [[maybe_unused]] const auto ignored = write(STDERR_FILENO, message, length);
}

}  // namespace

HostProcess::HostProcess(const std::filesystem::path& program, const std::vector<std::string>& args,
                         const std::filesystem::path& working_directory) {
  int out_pipe[2];
  int err_pipe[2];
  make_pipe(out_pipe);
  make_pipe(err_pipe);
  // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
  std::vector<std::string> argv_storage;
  argv_storage.push_back(program.string());
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::string directory = working_directory.string();

  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid_ == 0) {
    // A test binary killed by its timeout must not leave a daemon running (as root, holding
    // mounts): the child dies with the thread that started it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(125);  // the parent died before prctl took effect
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (const int signal_number : {SIGTERM, SIGINT, SIGHUP, SIGPIPE}) {
      signal(signal_number, SIG_DFL);
    }
    if (!directory.empty() && chdir(directory.c_str()) != 0) {
      constexpr char kMessage[] = "test harness: chdir failed\n";
      [[maybe_unused]] const auto ignored = write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
      _exit(126);
    }
    // ETXTBSY (someone still holds the file open for writing) passes: try again for a second.
    for (int attempt = 0; attempt < 100; ++attempt) {
      execv(argv[0], argv.data());
      if (errno != ETXTBSY) break;
      const timespec pause{0, 10'000'000};
      nanosleep(&pause, nullptr);
    }
    write_exec_failure(errno);
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  fcntl(out_fd_, F_SETFL, O_NONBLOCK);
  fcntl(err_fd_, F_SETFL, O_NONBLOCK);
}

HostProcess::~HostProcess() {
  if (!ended_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

void HostProcess::pump(std::chrono::milliseconds timeout) {
  std::array<pollfd, 2> fds{pollfd{out_fd_, POLLIN, 0}, pollfd{err_fd_, POLLIN, 0}};
  if (out_fd_ < 0 && err_fd_ < 0) return;
  const int ready = poll(fds.data(), fds.size(), static_cast<int>(timeout.count()));
  if (ready <= 0) return;
  if (out_fd_ >= 0 && fds[0].revents != 0) read_available(out_fd_, out_);
  if (err_fd_ >= 0 && fds[1].revents != 0) read_available(err_fd_, err_);
}

bool HostProcess::wait_for_stderr(const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (err_.find(needle) == std::string::npos) {
    if (err_fd_ < 0) return false;  // the child closed stderr: it will not come
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds::zero()) return false;
    pump(std::min(left, std::chrono::milliseconds(100)));
  }
  return true;
}

bool HostProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ended_) {
    const pid_t done = waitpid(pid_, &status_, WNOHANG);
    if (done == pid_) {
      ended_ = true;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    // Waits on the pipes, which also keeps the child from blocking on a full pipe.
    pump(std::chrono::milliseconds(20));
  }
  // The child is gone, so its pipe ends are closed: read to end of file (bounded, in case a
  // process it started still holds them).
  const auto drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while ((out_fd_ >= 0 || err_fd_ >= 0) && std::chrono::steady_clock::now() < drain_deadline) {
    pump(std::chrono::milliseconds(100));
  }
  return true;
}

void HostProcess::send_signal(int signal_number) {
  if (!ended_ && kill(pid_, signal_number) != 0) {
    throw std::system_error(errno, std::generic_category(), "kill");
  }
}

std::string HostProcess::describe_end() const {
  if (!ended_) return "still running";
  if (WIFEXITED(status_)) return fmt::format("exit {}", WEXITSTATUS(status_));
  if (WIFSIGNALED(status_)) return fmt::format("killed by signal {}", WTERMSIG(status_));
  return fmt::format("ended with status {:#x}", status_);
}

Finished run_to_end(const std::filesystem::path& program, const std::vector<std::string>& args,
                    std::chrono::milliseconds timeout) {
  HostProcess process(program, args);
  Finished finished;
  finished.ended = process.wait_for_exit(timeout);
  finished.exited = process.exited();
  finished.exit_code = finished.exited ? process.exit_code() : -1;
  finished.out = process.out();
  finished.err = process.err();
  finished.end = process.describe_end();
  return finished;
}

}  // namespace sscsi::testing_support
