#include "test_support.h"

#include <dirent.h>
#include <fmt/format.h>
#include <spdlog/sinks/base_sink.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace sscsi::plugins::testing {

namespace fs = std::filesystem;

fs::path built_plugin(std::string_view variant) {
  return fs::path(SSCSI_TEST_PLUGIN_DIR) / fmt::format("lib{}.so", variant);
}

class LogCapture::Sink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    std::string line = fmt::to_string(formatted);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    lines_.push_back(std::move(line));
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

LogCapture::LogCapture()
    : sink_(std::make_shared<Sink>()),
      logger_(std::make_shared<spdlog::logger>("sscsi", sink_)),
      previous_(spdlog::default_logger()) {
  logger_->set_pattern("%n|%l|%v");
  logger_->set_level(spdlog::level::trace);
  spdlog::set_default_logger(logger_);
}

LogCapture::~LogCapture() { spdlog::set_default_logger(previous_); }

std::vector<std::string> LogCapture::lines() const { return sink_->lines(); }

std::size_t LogCapture::count(std::string_view line) const {
  const auto all = lines();
  return static_cast<std::size_t>(std::count(all.begin(), all.end(), line));
}

std::size_t LogCapture::count_containing(std::string_view part) const {
  const auto all = lines();
  return static_cast<std::size_t>(std::count_if(
      all.begin(), all.end(), [&](const std::string& l) { return l.find(part) != l.npos; }));
}

bool LogCapture::wait_for(std::string_view line, std::chrono::milliseconds timeout) const {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (count(line) == 0) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void LogCapture::set_level(spdlog::level::level_enum level) { logger_->set_level(level); }

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "sscsi-plugins-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
  fs::permissions(path_, fs::perms(0755));
}

TempDir::~TempDir() {
  if (keep_) return;
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

fs::path TempDir::add_plugin(std::string_view variant, std::string_view file_name) {
  const fs::path target =
      path_ / (file_name.empty() ? fmt::format("lib{}.so", variant) : std::string(file_name));
  fs::copy_file(built_plugin(variant), target, fs::copy_options::overwrite_existing);
  fs::permissions(target, fs::perms(0755));
  return target;
}

fs::path TempDir::write_file(std::string_view file_name, std::string_view contents, unsigned mode) {
  const fs::path target = path_ / file_name;
  std::ofstream(target, std::ios::binary | std::ios::trunc) << contents;
  fs::permissions(target, fs::perms(mode));
  return target;
}

MountCall make_call(std::chrono::milliseconds timeout) {
  MountCall call;
  call.attributes_json = R"({"objects":"a"})";
  call.secrets_json = "{}";
  call.target_path = "/var/lib/kubelet/pods/uid/volumes/x/mount";
  call.deadline = std::chrono::system_clock::now() + timeout;
  return call;
}

std::size_t mapped_under(const fs::path& path) {
  std::ifstream maps("/proc/self/maps");
  std::size_t count = 0;
  for (std::string line; std::getline(maps, line);) {
    if (line.find(path.string()) != std::string::npos) ++count;
  }
  return count;
}

std::size_t open_fd_count() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/self/fd")) ++count;
  return count;
}

LoaderTest::LoaderTest() { registry_.emplace(); }

LoaderTest::~LoaderTest() { registry_.reset(); }

LoadReport LoaderTest::load(LoaderOptions options) {
  if (options.plugin_dir.empty()) options.plugin_dir = dir_.path();
  options.shutdown_grace = shutdown_grace_;
  return load_plugins(options, metrics_, *registry_);
}

Provider& LoaderTest::provider(std::string_view name) {
  Provider* found = registry_->find(name);
  if (found == nullptr) throw std::runtime_error(fmt::format("provider {} not loaded", name));
  return *found;
}

void LoaderTest::expect_only_refusal(const LoadReport& report, const fs::path& file,
                                     const std::string& reason) {
  ASSERT_EQ(report.refused.size(), 1u);
  EXPECT_EQ(report.refused[0].file, file);
  EXPECT_EQ(report.refused[0].reason, reason);
  EXPECT_TRUE(report.loaded.empty());
  EXPECT_EQ(logs_.count(fmt::format("sscsi|warning|refused plugin {}: {}", file.string(), reason)),
            1u);
  EXPECT_EQ(logs_.count_containing("|warning|"), 1u);
}

}  // namespace sscsi::plugins::testing
