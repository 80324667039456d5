#include "fake_host.h"

#include <cmath>

namespace sscsi::mock_test {

FakeHost::FakeHost() {
  api_.struct_size = sizeof(sscsi_host_api);
  api_.abi_major = SSCSI_ABI_MAJOR;
  api_.abi_minor = SSCSI_ABI_MINOR;
  api_.host_ctx = this;
  api_.log = &FakeHost::log;
  api_.log_enabled = &FakeHost::log_enabled;
  api_.metric_define = &FakeHost::metric_define;
  api_.metric_record = &FakeHost::metric_record;
  api_.call_cancelled = &FakeHost::call_cancelled;
}

sscsi_host_api FakeHost::api_with_size(std::uint32_t struct_size) const {
  sscsi_host_api copy = api_;
  copy.struct_size = struct_size;
  return copy;
}

std::vector<FakeHost::Definition> FakeHost::definitions() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return definitions_;
}

std::vector<FakeHost::Sample> FakeHost::samples() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return samples_;
}

std::vector<FakeHost::LogLine> FakeHost::logs() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return logs_;
}

void FakeHost::log(void* ctx, sscsi_log_level level, const char* message) {
  auto* self = static_cast<FakeHost*>(ctx);
  if (message == nullptr) return;
  const std::lock_guard<std::mutex> lock(self->mutex_);
  self->logs_.push_back({level, message});
}

bool FakeHost::log_enabled(void* ctx, sscsi_log_level level) {
  return level <= static_cast<FakeHost*>(ctx)->log_level_.load();
}

sscsi_status FakeHost::metric_define(void* ctx, sscsi_metric_kind kind, const char* name,
                                     const char* help, const char* const* label_names,
                                     std::size_t n_labels, const double* /*buckets*/,
                                     std::size_t n_buckets, std::uint32_t* metric_id) {
  auto* self = static_cast<FakeHost*>(ctx);
  if (self->define_answer_ != SSCSI_OK) return self->define_answer_;
  Definition definition{kind, name, help, {}, n_buckets};
  for (std::size_t i = 0; i < n_labels; ++i) definition.labels.emplace_back(label_names[i]);
  const std::lock_guard<std::mutex> lock(self->mutex_);
  self->definitions_.push_back(std::move(definition));
  *metric_id = static_cast<std::uint32_t>(self->definitions_.size());  // ids start at 1
  return SSCSI_OK;
}

sscsi_status FakeHost::metric_record(void* ctx, std::uint32_t metric_id,
                                     const char* const* label_values, std::size_t n_label_values,
                                     double value) {
  auto* self = static_cast<FakeHost*>(ctx);
  const std::lock_guard<std::mutex> lock(self->mutex_);
  if (metric_id == 0 || metric_id > self->definitions_.size() ||
      self->definitions_[metric_id - 1].labels.size() != n_label_values || !std::isfinite(value) ||
      value < 0) {
    ++self->refused_samples_;
    return SSCSI_INVALID_PARAMETERS;
  }
  Sample sample{metric_id, {}, value};
  for (std::size_t i = 0; i < n_label_values; ++i) sample.labels.emplace_back(label_values[i]);
  self->samples_.push_back(std::move(sample));
  return SSCSI_OK;
}

bool FakeHost::call_cancelled(void* ctx, std::uint64_t /*call_id*/) {
  auto* self = static_cast<FakeHost*>(ctx);
  const int polls_before = self->polls_.fetch_add(1);
  const int limit = self->cancel_after_polls_.load();
  return limit >= 0 && polls_before >= limit;
}

}  // namespace sscsi::mock_test
