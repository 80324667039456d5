#pragma once
// Kubernetes object names built by concatenation (SecretProviderClassPodStatus, Event) can exceed
// the 253-character limit of a DNS subdomain name. Upstream does not guard this; we shorten.

#include <cstddef>
#include <string>
#include <string_view>

namespace sscsi::kube {

inline constexpr std::size_t kMaxDnsSubdomainLength = 253;

// `name` itself when it has at most 253 characters. Otherwise a deterministic short form:
//   the first 242 characters of `name`, with trailing '-' and '.' removed,
//   + "-" + the first 10 hex digits (lowercase) of SHA-256(name).
// The result has at most 253 characters. Its characters come from `name`, so when `name` is
// made of lowercase letters, digits, '-' and '.' and starts with a letter or digit (true for
// names joined from Kubernetes names), the result is a valid DNS subdomain: the hash makes two
// long names that share the prefix differ.
std::string fit_dns_subdomain(const std::string& name);

// RFC 1123 subdomain as Kubernetes checks it: at most 253 characters, dot-separated labels of
// [a-z0-9-] that start and end with [a-z0-9].
bool is_dns_subdomain(std::string_view name);

// Lowercase hex of SHA-256(data).
std::string sha256_hex(std::string_view data);

}  // namespace sscsi::kube
