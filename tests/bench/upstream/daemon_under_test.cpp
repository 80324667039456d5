#include "daemon_under_test.h"

#include <sys/wait.h>

#include <csignal>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "csi_client.h"

namespace sscsi::bench {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(30);

bool wait_for_file(const std::filesystem::path& path, ChildProcess& owner_alive,
                   std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return true;
    if (!owner_alive.running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

DaemonUnderTest::DaemonUnderTest(DaemonSpec spec) : spec_(std::move(spec)) {
  for (const ProcessSpec& process : spec_.processes) {
    if (!process.wait_for_socket.empty() && !processes_.empty() &&
        !wait_for_file(process.wait_for_socket, *processes_.back(), kStartTimeout)) {
      throw std::runtime_error(fmt::format("{}: {} did not appear ({}). Logs:\n{}", spec_.label,
                                           process.wait_for_socket.string(),
                                           processes_.back()->describe_end(), logs_tail()));
    }
    processes_.push_back(std::make_unique<ChildProcess>(process.argv, process.log_file));
  }
  const std::string problem = wait_until_ready(spec_.csi_socket, kStartTimeout, [&] {
    for (auto& process : processes_) {
      if (!process->running()) return false;
    }
    return true;
  });
  if (!problem.empty()) {
    throw std::runtime_error(
        fmt::format("{} did not become ready ({}). Logs:\n{}", spec_.label, problem, logs_tail()));
  }
}

ProcStatus DaemonUnderTest::memory() const {
  ProcStatus sum;
  for (const auto& process : processes_) {
    const ProcStatus one = read_proc_status(process->pid());
    sum.rss_kib += one.rss_kib;
    sum.rss_anon_kib += one.rss_anon_kib;
    sum.rss_file_kib += one.rss_file_kib;
    sum.hwm_kib += one.hwm_kib;
    sum.threads += one.threads;
  }
  return sum;
}

double DaemonUnderTest::cpu_seconds() const {
  double sum = 0;
  for (const auto& process : processes_) sum += read_cpu_seconds(process->pid());
  return sum;
}

std::string DaemonUnderTest::stop() {
  std::string problems;
  for (auto it = processes_.rbegin(); it != processes_.rend(); ++it) {
    ChildProcess& process = **it;
    if (!process.running()) {
      problems += fmt::format("{} had already ended ({}); ", spec_.label, process.describe_end());
      continue;
    }
    process.send_signal(SIGTERM);
    const std::optional<int> status = process.wait_for_exit(kStopTimeout);
    if (!status) {
      problems += fmt::format("{} pid {} still ran {} s after SIGTERM (killed); ", spec_.label,
                              process.pid(), kStopTimeout.count());
      continue;
    }
    const bool clean = (WIFEXITED(*status) && WEXITSTATUS(*status) == 0) ||
                       (WIFSIGNALED(*status) && WTERMSIG(*status) == SIGTERM);
    if (!clean) {
      problems += fmt::format("{} pid {} ended with {} after SIGTERM; ", spec_.label, process.pid(),
                              process.describe_end());
    }
  }
  if (!problems.empty()) problems += "logs:\n" + logs_tail();
  return problems;
}

std::string DaemonUnderTest::logs_tail() const {
  std::string text;
  for (const ProcessSpec& process : spec_.processes) {
    text += fmt::format("--- {}\n{}\n", process.log_file.string(), log_tail(process.log_file));
  }
  return text;
}

}  // namespace sscsi::bench
