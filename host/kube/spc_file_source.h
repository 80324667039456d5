#pragma once
// Standalone mode (--spc-dir): SecretProviderClasses read from YAML files in the cluster's own
// format (apiVersion/kind/metadata/spec; several documents per file allowed). Files are re-read
// when they change, so edits apply to the next publish or refresh without a restart.

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "kube/spc_source.h"

namespace sscsi::kube {

class SpcFileSource final : public SpcSource {
 public:
  explicit SpcFileSource(std::filesystem::path directory);
  SpcLookup get(const std::string& namespace_name, const std::string& name) override;

 private:
  struct ParsedFile {
    std::filesystem::file_time_type mtime;
    std::uintmax_t size = 0;
    std::vector<SecretProviderClass> classes;
    std::string error;  // why the file could not be read; empty when it parsed
  };
  // Brings files_ up to date with the directory: new, changed and removed files.
  void refresh_locked();

  std::filesystem::path directory_;
  std::mutex mutex_;
  std::map<std::filesystem::path, ParsedFile> files_;
};

// Parses every SecretProviderClass document of one YAML text. Throws std::runtime_error naming
// the document and the field on malformed input. Documents of other kinds are ignored.
std::vector<SecretProviderClass> parse_spc_yaml(const std::string& text, const std::string& source);

}  // namespace sscsi::kube
