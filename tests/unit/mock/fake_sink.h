#pragma once
// A stand-in for the host's per-call sink: records what the plugin hands over.

#include <sscsi/provider.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sscsi::mock_test {

struct MountAnswer {
  struct File {
    std::uint32_t mode;
    std::string bytes;
  };
  struct Error {
    sscsi_status code;
    std::string message;
    std::uint32_t retry_after_ms;
  };
  std::map<std::string, File> files;
  std::map<std::string, std::string> versions;  // id -> version
  std::optional<Error> error;
  std::optional<sscsi_share_scope> share_scope;
  int add_file_calls = 0;
  int set_error_calls = 0;
  bool duplicate = false;  // a path or id was added twice
};

class FakeSink {
 public:
  explicit FakeSink(std::uint32_t struct_size = sizeof(sscsi_mount_sink));
  FakeSink(const FakeSink&) = delete;
  FakeSink& operator=(const FakeSink&) = delete;

  const sscsi_mount_sink* sink() const { return &sink_; }
  // add_file answers `status` instead of accepting.
  void refuse_files_with(sscsi_status status) { refusal_ = status; }
  const MountAnswer& answer() const { return answer_; }

 private:
  static sscsi_status add_file(void* ctx, const char* path, std::uint32_t mode,
                               const std::uint8_t* bytes, std::size_t len);
  static sscsi_status add_object_version(void* ctx, const char* id, const char* version);
  static void set_error(void* ctx, sscsi_status code, const char* message,
                        std::uint32_t retry_after_ms);
  static void set_share_scope(void* ctx, sscsi_share_scope scope);

  sscsi_mount_sink sink_{};
  sscsi_status refusal_ = SSCSI_OK;
  MountAnswer answer_;
};

}  // namespace sscsi::mock_test
