#include "fake_sink.h"

namespace sscsi::mock_test {

FakeSink::FakeSink(std::uint32_t struct_size) {
  sink_.struct_size = struct_size;
  sink_.sink_ctx = this;
  sink_.add_file = &FakeSink::add_file;
  sink_.add_object_version = &FakeSink::add_object_version;
  sink_.set_error = &FakeSink::set_error;
  sink_.set_share_scope = &FakeSink::set_share_scope;
}

sscsi_status FakeSink::add_file(void* ctx, const char* path, std::uint32_t mode,
                                const std::uint8_t* bytes, std::size_t len) {
  auto* self = static_cast<FakeSink*>(ctx);
  ++self->answer_.add_file_calls;
  if (self->refusal_ != SSCSI_OK) return self->refusal_;
  if (bytes == nullptr && len > 0) return SSCSI_INVALID_PARAMETERS;
  const std::string content =
      len == 0 ? std::string() : std::string(reinterpret_cast<const char*>(bytes), len);
  const bool inserted = self->answer_.files.emplace(path, MountAnswer::File{mode, content}).second;
  self->answer_.duplicate = self->answer_.duplicate || !inserted;
  return inserted ? SSCSI_OK : SSCSI_INVALID_PARAMETERS;
}

sscsi_status FakeSink::add_object_version(void* ctx, const char* id, const char* version) {
  auto* self = static_cast<FakeSink*>(ctx);
  const bool inserted = self->answer_.versions.emplace(id, version).second;
  self->answer_.duplicate = self->answer_.duplicate || !inserted;
  return inserted ? SSCSI_OK : SSCSI_INVALID_PARAMETERS;
}

void FakeSink::set_error(void* ctx, sscsi_status code, const char* message,
                         std::uint32_t retry_after_ms) {
  auto* self = static_cast<FakeSink*>(ctx);
  ++self->answer_.set_error_calls;
  if (!self->answer_.error) self->answer_.error = MountAnswer::Error{code, message, retry_after_ms};
}

void FakeSink::set_share_scope(void* ctx, sscsi_share_scope scope) {
  static_cast<FakeSink*>(ctx)->answer_.share_scope = scope;
}

}  // namespace sscsi::mock_test
