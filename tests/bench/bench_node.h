#pragma once
// A node for one benchmark round, under one directory: the plugin directory (the mock provider,
// copied so that it passes the loader's ownership checks), a SecretProviderClass file, the state
// directory on its own tmpfs (as /run is on a node), the kubelet's pod directories and the
// host's log. The destructor unmounts whatever is still mounted below the root before it
// removes the root, so a failed round cannot leave mounts or secrets behind.

#include <filesystem>
#include <string>

#include "pod_volume.h"

namespace sscsi::bench {

struct ClassShape {
  int objects = 5;
  int object_bytes = 1024;
};

class BenchNode {
 public:
  // Creates `root` (it must not exist yet) and everything in it. Throws std::runtime_error.
  BenchNode(std::filesystem::path root, const std::filesystem::path& plugin_file,
            const ClassShape& shape);
  ~BenchNode();
  BenchNode(const BenchNode&) = delete;
  BenchNode& operator=(const BenchNode&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path socket() const { return root_ / "csi.sock"; }
  std::filesystem::path plugin_dir() const { return root_ / "plugins"; }
  std::filesystem::path spc_dir() const { return root_ / "spc"; }
  std::filesystem::path state_dir() const { return root_ / "run" / "sscsi"; }
  std::filesystem::path host_log() const { return root_ / "host.log"; }
  const ClassRef& secret_class() const { return class_; }
  const ClassShape& shape() const { return shape_; }

  // A fresh pod volume: creates <kubelet root>/pods/<uid>/volumes/kubernetes.io~csi/<name>,
  // the directories the kubelet makes before it calls NodePublishVolume. `phase` keeps the
  // volumes of different phases apart.
  PodVolume make_pod_volume(char phase, int index) const;

  // Removes the pod's directory once its volume is unpublished. Throws std::runtime_error when
  // the target is still there (still mounted, or unpublish did not remove it): removing the
  // tree then would delete files from a live volume.
  void remove_pod(const PodVolume& volume) const;

  // Problems the published volume has: each of the class's files must be a regular file of
  // the configured size, and with `check_contents` hold the configured bytes. Empty when fine.
  std::string check_published(const PodVolume& volume, bool check_contents) const;

 private:
  void unmount_everything_below_root() const;

  std::filesystem::path root_;
  ClassShape shape_;
  ClassRef class_{"bench", "bench-secrets"};
  bool state_tmpfs_mounted_ = false;
};

// The content of object `index` (1-based): printable, distinct per object, deterministic.
std::string object_content(int index, int bytes);

}  // namespace sscsi::bench
