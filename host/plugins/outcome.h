#pragma once
// A value, or the one-line reason why there is none. The loader's steps return this so that a
// refusal carries its reason without exceptions being used for ordinary control flow.

#include <optional>
#include <string>
#include <utility>

namespace sscsi::plugins {

template <typename T>
class Outcome {
 public:
  static Outcome success(T value) { return Outcome(std::move(value), {}); }
  static Outcome refused(std::string reason) { return Outcome(std::nullopt, std::move(reason)); }

  bool ok() const noexcept { return value_.has_value(); }
  T& value() { return *value_; }
  T take() { return std::move(*value_); }
  const std::string& reason() const noexcept { return reason_; }

 private:
  Outcome(std::optional<T> value, std::string reason)
      : value_(std::move(value)), reason_(std::move(reason)) {}
  std::optional<T> value_;
  std::string reason_;
};

}  // namespace sscsi::plugins
