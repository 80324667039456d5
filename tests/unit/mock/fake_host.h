#pragma once
// A stand-in for sscsi-host's service table: records metric definitions, samples and log lines,
// and lets a test decide when call_cancelled turns true.

#include <sscsi/provider.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace sscsi::mock_test {

class FakeHost {
 public:
  struct Definition {
    sscsi_metric_kind kind;
    std::string name;
    std::string help;
    std::vector<std::string> labels;
    std::size_t n_buckets;
  };
  struct Sample {
    std::uint32_t metric_id;
    std::vector<std::string> labels;
    double value;
  };
  struct LogLine {
    sscsi_log_level level;
    std::string message;
  };

  FakeHost();
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  const sscsi_host_api* api() const { return &api_; }
  // A copy of the table with another struct_size, for the ABI size checks.
  sscsi_host_api api_with_size(std::uint32_t struct_size) const;

  // metric_define answers `status` (and defines nothing) from now on.
  void refuse_metric_definitions(sscsi_status status) { define_answer_ = status; }
  // call_cancelled answers true once it has been asked `polls` times (0: at once).
  void cancel_after_polls(int polls) { cancel_after_polls_ = polls; }
  // log_enabled answers true up to this level.
  void set_log_level(sscsi_log_level level) { log_level_ = level; }

  std::vector<Definition> definitions() const;
  std::vector<Sample> samples() const;
  std::vector<LogLine> logs() const;
  int cancel_polls() const { return polls_.load(); }
  // Samples the host would have refused (unknown id, wrong label count, bad value).
  int refused_samples() const { return refused_samples_.load(); }

 private:
  static void log(void* ctx, sscsi_log_level level, const char* message);
  static bool log_enabled(void* ctx, sscsi_log_level level);
  static sscsi_status metric_define(void* ctx, sscsi_metric_kind kind, const char* name,
                                    const char* help, const char* const* label_names,
                                    std::size_t n_labels, const double* buckets,
                                    std::size_t n_buckets, std::uint32_t* metric_id);
  static sscsi_status metric_record(void* ctx, std::uint32_t metric_id,
                                    const char* const* label_values, std::size_t n_label_values,
                                    double value);
  static bool call_cancelled(void* ctx, std::uint64_t call_id);

  sscsi_host_api api_{};
  mutable std::mutex mutex_;
  std::vector<Definition> definitions_;
  std::vector<Sample> samples_;
  std::vector<LogLine> logs_;
  std::atomic<sscsi_status> define_answer_{SSCSI_OK};
  std::atomic<int> cancel_after_polls_{-1};
  std::atomic<sscsi_log_level> log_level_{SSCSI_LOG_TRACE};
  std::atomic<int> polls_{0};
  std::atomic<int> refused_samples_{0};
};

}  // namespace sscsi::mock_test
