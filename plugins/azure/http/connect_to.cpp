#include "http/connect_to.h"

#include <vector>

#include <fmt/format.h>

namespace sscsi::azure {
namespace {

bool valid_port(std::string_view port) {
  if (port.empty()) return true;
  if (port.size() > 5) return false;
  unsigned value = 0;
  for (const char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value >= 1 && value <= 65535;
}

bool valid_host(std::string_view host) {
  for (const char c : host) {
    if (c <= ' ' || c == '/' || c == '@' || c == '?' || c == '#' || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::string connect_to_problem(std::string_view entry) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  bool in_brackets = false;
  for (std::size_t i = 0; i < entry.size(); ++i) {
    if (entry[i] == '[') in_brackets = true;
    if (entry[i] == ']') in_brackets = false;
    if (entry[i] == ':' && !in_brackets) {
      fields.push_back(entry.substr(start, i - start));
      start = i + 1;
    }
  }
  fields.push_back(entry.substr(start));
  if (fields.size() != 4) {
    return fmt::format("connectTo entry \"{}\" is not HOST:PORT:TO_HOST:TO_PORT ({} fields)", entry,
                       fields.size());
  }
  if (!valid_host(fields[0]) || !valid_host(fields[2])) {
    return fmt::format("connectTo entry \"{}\" has a host with a space, '/', '@', '?' or '#'",
                       entry);
  }
  if (!valid_port(fields[1]) || !valid_port(fields[3])) {
    return fmt::format("connectTo entry \"{}\" has a port that is not a number from 1 to 65535",
                       entry);
  }
  if (fields[2].empty() && fields[3].empty()) {
    return fmt::format("connectTo entry \"{}\" names neither TO_HOST nor TO_PORT", entry);
  }
  return {};
}

}  // namespace sscsi::azure
