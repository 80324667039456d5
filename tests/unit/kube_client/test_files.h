#pragma once
// A temporary directory for one test, removed with everything in it when the test ends, and
// small helpers to write files into it.

#include <filesystem>
#include <string>

namespace sscsi::kube::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to `relative` (parent directories created) and returns the full path.
  std::filesystem::path write(const std::string& relative, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// base64 of `bytes` (for kubeconfig *-data fields).
std::string encode_base64(const std::string& bytes);

// PEM-looking text; the loader only checks the armour, curl would check the rest.
std::string fake_pem(const std::string& label, const std::string& body);

}  // namespace sscsi::kube::testing
