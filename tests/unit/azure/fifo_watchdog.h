#pragma once
// For tests that pass a FIFO where the plugin expects a file: a reader that opens a FIFO
// without O_NONBLOCK waits in open() until a writer comes, which would hang the test forever.
// returns_by_itself runs the call on a thread; if it is still running after `limit`, the FIFO
// is opened for writing and closed (which releases such a reader with end of file), and the
// answer is false. Header only, so that any Azure test binary can use it.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

namespace sscsi::azure_test {

class FifoWatchdog {
 public:
  // Makes a FIFO at `path` (mode 0600); throws when it cannot.
  explicit FifoWatchdog(std::string path) : path_(std::move(path)) {
    if (::mkfifo(path_.c_str(), 0600) != 0) throw std::runtime_error("mkfifo " + path_);
  }
  ~FifoWatchdog() { ::unlink(path_.c_str()); }
  FifoWatchdog(const FifoWatchdog&) = delete;
  FifoWatchdog& operator=(const FifoWatchdog&) = delete;

  const std::string& path() const { return path_; }

  // True when `call` returned within `limit` without help. An exception from `call` is
  // rethrown here, after the thread has ended.
  bool returns_by_itself(std::chrono::milliseconds limit, const std::function<void()>& call) const {
    std::atomic<bool> done{false};
    std::exception_ptr error;
    std::thread worker([&] {
      try {
        call();
      } catch (...) {
        error = std::current_exception();
      }
      done = true;
    });
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const bool by_itself = done;
    while (!done) {
      // O_NONBLOCK: succeeds only while a reader has the FIFO open (or waits in open()).
      const int fd = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0) ::close(fd);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    worker.join();
    if (error) std::rethrow_exception(error);
    return by_itself;
  }

 private:
  std::string path_;
};

}  // namespace sscsi::azure_test
