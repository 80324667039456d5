#pragma once
// The secrets an integration test handed to the host or found in a pod's volume, remembered so
// that the harness can check, when the host goes away, that none of them reached its log, its
// stdout or its state directory (DESIGN.md: secrets never logged, never on disk outside the
// pod's tmpfs). Every CsiHost does this for every test, at -v 5 unless a test asks otherwise.

#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "csi/proto/csi.pb.h"

namespace sscsi::testing_support {

class LogCanaries {
 public:
  // Remembers `value` when it is distinctive enough that finding it elsewhere means a leak
  // (short values such as "x" or "admin" occur in ordinary log text).
  void add(const std::string& value);
  // The request's secrets (nodePublishSecretRef contents) and its service-account tokens.
  void add_request(const ::csi::v1::NodePublishVolumeRequest& request);
  // The contents of every regular file below the target of a publish that succeeded (symbolic
  // links are not followed); the target is remembered for add_published_files().
  void add_volume(const std::filesystem::path& target);
  // add_volume() again for every target seen: what rotations wrote since.
  void add_published_files();

  // One line per remembered value found in `text` (named by `where`), without the value.
  std::vector<std::string> leaks_in(const std::string& text, const std::string& where) const;

 private:
  mutable std::mutex mutex_;
  std::set<std::string> values_;
  std::set<std::filesystem::path> targets_;
};

}  // namespace sscsi::testing_support
