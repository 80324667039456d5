#pragma once
// Warnings worth saying once per process, not once per mount (e.g. "pod identity is
// deprecated"): the first notice for a key goes to the sink, later ones are dropped.
// Thread-safe.

#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace sscsi::azure {

class NoticeOnce {
 public:
  using Sink = std::function<void(std::string_view message)>;
  explicit NoticeOnce(Sink sink) : sink_(std::move(sink)) {}

  // True when this call passed the message on.
  bool notify(std::string_view key, std::string_view message);

 private:
  Sink sink_;
  std::mutex mutex_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace sscsi::azure
