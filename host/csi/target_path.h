#pragma once
// Rules for the directory NodePublishVolume mounts on. The Publisher mounts tmpfs there and
// unpublish removes it, so a path that is relative, contains '..', or lies outside the kubelet's
// pod volumes must never reach it.

#include <optional>
#include <string>
#include <string_view>

namespace sscsi::csi {

// Why `path` is not an absolute, clean path other than "/", or nullopt. Clean: no empty, '.' or
// '..' element, no trailing '/', no NUL byte, shorter than PATH_MAX. The answer completes the
// sentence "Target path X …".
std::optional<std::string> absolute_clean_problem(std::string_view path);

// The kubelet's directory for an inline CSI volume is
//   <kubelet root>/pods/<pod uid>/volumes/kubernetes.io~csi/<volume name>/mount
// Returns the <pod uid> element when `path` (already absolute and clean) ends with that shape,
// or nullopt.
std::optional<std::string> kubelet_pod_uid(std::string_view path);

// The shape kubelet_pod_uid accepts, for messages.
inline constexpr std::string_view kKubeletTargetShape =
    ".../pods/<pod uid>/volumes/kubernetes.io~csi/<volume name>/mount";

}  // namespace sscsi::csi
