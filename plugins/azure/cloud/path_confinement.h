#pragma once
// Lexical path rules for the directories an operator lets the plugin read (allowedCloudEnvDirs).
// They work on the text alone, so a path can be judged before anything touches the file system:
// a refusal then says nothing about what exists on the node.

#include <string>
#include <string_view>
#include <vector>

namespace sscsi::azure {

// Whether `path` starts with '/', holds no NUL byte, and has no empty ("//"), "." or ".."
// element; a trailing '/' counts as an empty element, except in "/" itself.
bool is_clean_absolute_path(std::string_view path);

// Whether the clean absolute `path` lies strictly inside the clean absolute directory `dir`,
// comparing whole elements: /etc/kubernetes/a.json is inside /etc/kubernetes,
// /etc/kubernetesX/a.json and /etc/kubernetes itself are not.
bool lies_inside(std::string_view path, std::string_view dir);

// `path` equals one of `dirs` or lies inside one of them.
bool at_or_inside_any(std::string_view path, const std::vector<std::string>& dirs);

// "a, b, c" for messages.
std::string join_dirs(const std::vector<std::string>& dirs);

}  // namespace sscsi::azure
