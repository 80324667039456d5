#pragma once
// Reading an enum argument that came from a plugin through the C ABI. C lets a plugin pass any
// int where the ABI names an enum (sscsi_status, sscsi_share_scope, sscsi_log_level, …), but in
// C++ reading a parameter of enum type whose value is no enumerator is undefined behaviour
// (UBSan: "load of value 99, which is not a valid value for type 'sscsi_status'"). The host
// therefore reads the argument's bytes as an int and validates that, never the enum itself.

#include <cstring>
#include <type_traits>

namespace sscsi::plugins {

template <typename Enum>
int abi_enum_value(const Enum& argument) noexcept {
  static_assert(std::is_enum_v<Enum> && sizeof(Enum) == sizeof(int),
                "the ABI's enums are passed as C ints");
  int value = 0;
  std::memcpy(&value, &argument, sizeof value);
  return value;
}

}  // namespace sscsi::plugins
