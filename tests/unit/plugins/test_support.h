#pragma once
// Helpers for the plugin loader and Provider tests: a log capture attached to spdlog, plugin
// directories built in fresh temp dirs from the broken-plugin family (tests/plugins), and a
// fixture that loads them into a registry.

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/registry.h"
#include "plugins/loader.h"
#include "plugins/provider.h"
#include "plugins/registry.h"

namespace sscsi::plugins::testing {

// Where CMake put the broken-plugin family (lib<variant>.so).
std::filesystem::path built_plugin(std::string_view variant);

// Replaces spdlog's default logger with one that records every line as "<logger>|<level>|<text>"
// at trace level; restores the previous default logger when destroyed.
class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<std::string> lines() const;
  std::size_t count(std::string_view line) const;             // exact matches
  std::size_t count_containing(std::string_view part) const;  // lines containing `part`
  // Polls until a line equal to `line` appears, or `timeout` passes.
  bool wait_for(std::string_view line, std::chrono::milliseconds timeout) const;
  void set_level(spdlog::level::level_enum level);

 private:
  class Sink;
  std::shared_ptr<Sink> sink_;
  std::shared_ptr<spdlog::logger> logger_;
  std::shared_ptr<spdlog::logger> previous_;
};

// A fresh directory (mode 0755, owned by the test's user), removed when destroyed unless kept.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Copies lib<variant>.so in as `file_name` (default lib<variant>.so), mode 0755.
  std::filesystem::path add_plugin(std::string_view variant, std::string_view file_name = {});
  std::filesystem::path write_file(std::string_view file_name, std::string_view contents,
                                   unsigned mode = 0644);
  // Leaves the directory in place: a plugin still loaded at the end of a test must keep its
  // file, or the kernel could hand its inode to a later test's copy.
  void keep() { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

// A mount call with a deadline `timeout` from now.
MountCall make_call(std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Lines of /proc/self/maps that mention `path` (a loaded library under it).
std::size_t mapped_under(const std::filesystem::path& path);
// Open descriptors of this process.
std::size_t open_fd_count();

class LoaderTest : public ::testing::Test {
 protected:
  LoaderTest();
  ~LoaderTest() override;

  LoadReport load(LoaderOptions options);
  LoadReport load() { return load(LoaderOptions{}); }
  Provider& provider(std::string_view name);
  // Destroys the registry (and so every provider), as the host does at shutdown.
  void shut_down() { registry_.reset(); }

  // Asserts that `report` holds exactly one refusal, for `file`, with `reason`, and that exactly
  // one warning line said so.
  void expect_only_refusal(const LoadReport& report, const std::filesystem::path& file,
                           const std::string& reason);

  LogCapture logs_;  // first: outlives the plugins, which log until destroyed
  TempDir dir_;
  metrics::Registry metrics_;
  std::chrono::milliseconds shutdown_grace_{2000};
  std::optional<Registry> registry_;
};

}  // namespace sscsi::plugins::testing
