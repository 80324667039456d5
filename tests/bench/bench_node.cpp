#include "bench_node.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace sscsi::bench {
namespace {

namespace fs = std::filesystem;

constexpr const char* kVolumeName = "secrets-store-inline";

[[noreturn]] void fail_errno(const std::string& what) {
  throw std::runtime_error(fmt::format("{}: {}", what, std::strerror(errno)));
}

void make_dir(const fs::path& dir, mode_t mode) {
  if (::mkdir(dir.c_str(), mode) != 0) fail_errno(fmt::format("cannot create {}", dir.string()));
  // mkdir's mode passes through the umask; the plugin loader checks the exact bits.
  if (::chmod(dir.c_str(), mode) != 0) fail_errno(fmt::format("cannot chmod {}", dir.string()));
}

std::string spc_yaml(const ClassRef& ref, const ClassShape& shape) {
  std::string objects;
  for (int i = 1; i <= shape.objects; ++i) {
    objects += fmt::format(
        "        - |\n"
        "          objectName: secret-{}\n"
        "          content: {}\n",
        i, object_content(i, shape.object_bytes));
  }
  return fmt::format(
      "apiVersion: secrets-store.csi.x-k8s.io/v1\n"
      "kind: SecretProviderClass\n"
      "metadata:\n"
      "  name: {}\n"
      "  namespace: {}\n"
      "spec:\n"
      "  provider: mock\n"
      "  parameters:\n"
      "    objects: |\n"
      "      array:\n"
      "{}",
      ref.name, ref.namespace_name, objects);
}

// /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(const std::string& field) {
  const auto octal = [](char c) { return c >= '0' && c <= '7'; };
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && octal(field[i + 1]) && octal(field[i + 2]) &&
        octal(field[i + 3])) {
      out.push_back(static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                                      (field[i + 3] - '0')));
      i += 3;
      continue;
    }
    out.push_back(field[i]);
  }
  return out;
}

std::vector<std::string> mount_points_below(const fs::path& root) {
  std::ifstream in("/proc/self/mountinfo");
  const std::string prefix = root.string() + "/";
  std::vector<std::string> found;
  std::string line;
  while (std::getline(in, line)) {
    // Fields: mount id, parent id, major:minor, root, mount point, ...
    std::size_t start = 0;
    for (int i = 0; i < 4 && start != std::string::npos; ++i) {
      start = line.find(' ', start);
      if (start != std::string::npos) ++start;
    }
    if (start == std::string::npos) continue;
    const std::string point = unescape(line.substr(start, line.find(' ', start) - start));
    if (point.starts_with(prefix)) found.push_back(point);
  }
  return found;
}

}  // namespace

std::string object_content(int index, int bytes) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::uint32_t state = 2166136261u ^ static_cast<std::uint32_t>(index);
  std::string out;
  out.reserve(static_cast<std::size_t>(bytes));
  for (int i = 0; i < bytes; ++i) {
    state = state * 1664525u + 1013904223u;  // a plain LCG: deterministic, not secret
    out.push_back(kAlphabet[(state >> 16) % kAlphabet.size()]);
  }
  return out;
}

BenchNode::BenchNode(fs::path root, const fs::path& plugin_file, const ClassShape& shape)
    : root_(std::move(root)), shape_(shape) {
  if (shape.objects < 1 || shape.object_bytes < 1) {
    throw std::runtime_error("the SecretProviderClass needs at least one object of 1 byte");
  }
  make_dir(root_, 0755);
  try {
    make_dir(plugin_dir(), 0755);
    const fs::path plugin = plugin_dir() / plugin_file.filename();
    fs::copy_file(plugin_file, plugin);
    fs::permissions(plugin, fs::perms(0644));

    make_dir(spc_dir(), 0755);
    std::ofstream(spc_dir() / "bench.yaml") << spc_yaml(class_, shape_);

    // The host's mount records go to --state-dir, on a node /run/sscsi: tmpfs, like here.
    make_dir(root_ / "run", 0755);
    if (::mount("tmpfs", (root_ / "run").c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                "size=16m,mode=0755") != 0) {
      fail_errno(fmt::format("cannot mount tmpfs at {} (the benchmark must run as root)",
                             (root_ / "run").string()));
    }
    state_tmpfs_mounted_ = true;
    make_dir(root_ / "kubelet", 0750);
    make_dir(root_ / "kubelet" / "pods", 0750);
  } catch (...) {
    unmount_everything_below_root();
    std::error_code ignored;
    fs::remove_all(root_, ignored);
    throw;
  }
}

BenchNode::~BenchNode() {
  unmount_everything_below_root();
  if (!mount_points_below(root_).empty()) {
    std::cerr << fmt::format("sscsi-bench: {} still has mounts; left in place\n", root_.string());
    return;
  }
  std::error_code ec;
  fs::remove_all(root_, ec);
  if (ec)
    std::cerr << fmt::format("sscsi-bench: cannot remove {}: {}\n", root_.string(), ec.message());
}

void BenchNode::unmount_everything_below_root() const {
  std::vector<std::string> points = mount_points_below(root_);
  // Deepest first, so that nothing is stacked on a mount when it goes.
  std::sort(points.begin(), points.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& point : points) {
    if (::umount2(point.c_str(), UMOUNT_NOFOLLOW) != 0 &&
        ::umount2(point.c_str(), UMOUNT_NOFOLLOW | MNT_DETACH) != 0) {
      std::cerr << fmt::format("sscsi-bench: cannot unmount {}: {}\n", point, std::strerror(errno));
    }
  }
}

PodVolume BenchNode::make_pod_volume(char phase, int index) const {
  PodVolume volume;
  const auto tag = static_cast<unsigned char>(phase);
  volume.pod_uid = fmt::format("{:08x}-0000-4000-8000-{:012x}", tag, index);
  volume.pod_name = fmt::format("bench-{}-{}", phase, index);
  volume.pod_dir = (root_ / "kubelet" / "pods" / volume.pod_uid).string();
  const fs::path volume_dir =
      fs::path(volume.pod_dir) / "volumes" / "kubernetes.io~csi" / kVolumeName;
  fs::create_directories(volume_dir);
  volume.target = (volume_dir / "mount").string();
  // The kubelet's ids are "csi-" and 64 hex digits; same length here, unique per volume.
  volume.volume_id = fmt::format("csi-{:056x}{:08x}", index, tag);
  return volume;
}

void BenchNode::remove_pod(const PodVolume& volume) const {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(volume.target, ec))) {
    throw std::runtime_error(fmt::format(
        "{} still exists after unpublish; its pod directory is left in place", volume.target));
  }
  fs::remove_all(volume.pod_dir);
}

std::string BenchNode::check_published(const PodVolume& volume, bool check_contents) const {
  for (int i = 1; i <= shape_.objects; ++i) {
    const fs::path file = fs::path(volume.target) / fmt::format("secret-{}", i);
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0) {
      return fmt::format("{}: {}", file.string(), std::strerror(errno));
    }
    if (!S_ISREG(info.st_mode) || info.st_size != shape_.object_bytes) {
      return fmt::format("{}: not a regular file of {} bytes", file.string(), shape_.object_bytes);
    }
    if (!check_contents) continue;
    std::ifstream in(file, std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    if (content != object_content(i, shape_.object_bytes)) {
      return fmt::format("{}: content differs from the SecretProviderClass", file.string());
    }
  }
  return {};
}

}  // namespace sscsi::bench
