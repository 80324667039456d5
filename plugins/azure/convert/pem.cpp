#include "convert/pem.h"

#include <utility>

#include "convert/base64.h"

namespace sscsi::azure {
namespace {

constexpr std::string_view kPemStart = "\n-----BEGIN ";
constexpr std::string_view kPemEnd = "\n-----END ";
constexpr std::string_view kPemEndOfLine = "-----";
constexpr std::size_t kLineWidth = 64;

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view trim_right(std::string_view s, std::string_view chars) {
  const auto end = s.find_last_not_of(chars);
  return end == std::string_view::npos ? std::string_view{} : s.substr(0, end + 1);
}

std::string_view trim_space(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r\v\f";
  const auto begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return trim_right(s.substr(begin), kSpace);
}

// Go's getLine: the line without its terminator and trailing blanks, and what follows it.
std::pair<std::string_view, std::string_view> get_line(std::string_view data) {
  const auto nl = data.find('\n');
  std::string_view line = nl == std::string_view::npos ? data : data.substr(0, nl);
  std::string_view rest = nl == std::string_view::npos ? std::string_view{} : data.substr(nl + 1);
  return {trim_right(line, " \t\r"), rest};
}

// One step of Go's pem.Decode: the first well-formed block of `data`; `rest` is what follows.
bool decode_one(std::string_view data, PemBlock& block, std::string_view& rest) {
  rest = data;
  for (;;) {
    if (starts_with(rest, kPemStart.substr(1))) {
      rest.remove_prefix(kPemStart.size() - 1);
    } else if (const auto at = rest.find(kPemStart); at != std::string_view::npos) {
      rest.remove_prefix(at + kPemStart.size());
    } else {
      return false;
    }

    auto [type_line, after_type] = get_line(rest);
    rest = after_type;
    if (!ends_with(type_line, kPemEndOfLine)) continue;
    type_line.remove_suffix(kPemEndOfLine.size());

    block.type.assign(type_line);
    block.headers.clear();
    for (;;) {
      if (rest.empty()) return false;
      const auto [line, next] = get_line(rest);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) break;
      block.headers[std::string(trim_space(line.substr(0, colon)))] =
          std::string(trim_space(line.substr(colon + 1)));
      rest = next;
    }

    std::size_t end_index = 0;
    std::size_t end_trailer_index = 0;
    if (block.headers.empty() && starts_with(rest, kPemEnd.substr(1))) {
      end_trailer_index = kPemEnd.size() - 1;
    } else {
      end_index = rest.find(kPemEnd);
      if (end_index == std::string_view::npos) continue;
      end_trailer_index = end_index + kPemEnd.size();
    }

    std::string_view end_trailer = rest.substr(end_trailer_index);
    const std::size_t end_trailer_len = type_line.size() + kPemEndOfLine.size();
    if (end_trailer.size() < end_trailer_len) continue;
    const std::string_view rest_of_end_line = end_trailer.substr(end_trailer_len);
    end_trailer = end_trailer.substr(0, end_trailer_len);
    if (!starts_with(end_trailer, type_line) || !ends_with(end_trailer, kPemEndOfLine)) continue;
    if (!get_line(rest_of_end_line).first.empty()) continue;

    SecretString body = make_secret({});
    for (const char c : rest.substr(0, end_index)) {
      if (c != ' ' && c != '\t') body.push_back(c);
    }
    std::string error;
    auto bytes = decode_base64(view(body), Base64Alphabet::StdPadded, &error);
    if (!bytes) continue;
    block.bytes = std::move(*bytes);

    // pemEnd without its newline: an empty block's END line follows the headers directly.
    rest = get_line(rest.substr(end_index + kPemEnd.size() - 1)).second;
    return true;
  }
}

void append_header(SecretString& out, const std::string& key, const std::string& value) {
  out.append(key).append(": ").append(value).push_back('\n');
}

}  // namespace

void append_pem(SecretString& out, std::string_view type, std::string_view der) {
  PemBlock block;
  block.type.assign(type);
  block.bytes = make_secret(der);
  append_pem(out, block);
}

void append_pem(SecretString& out, const PemBlock& block) {
  out.append("-----BEGIN ").append(block.type).append("-----\n");
  if (!block.headers.empty()) {
    constexpr const char* kProcType = "Proc-Type";
    if (const auto it = block.headers.find(kProcType); it != block.headers.end()) {
      append_header(out, it->first, it->second);
    }
    for (const auto& [key, value] : block.headers) {
      if (key != kProcType) append_header(out, key, value);
    }
    out.push_back('\n');
  }
  const SecretString body = encode_base64(view(block.bytes));
  for (std::size_t i = 0; i < body.size(); i += kLineWidth) {
    out.append(body, i, kLineWidth).push_back('\n');
  }
  out.append("-----END ").append(block.type).append("-----\n");
}

std::vector<PemBlock> decode_pem_blocks(std::string_view text) {
  std::vector<PemBlock> blocks;
  PemBlock block;
  std::string_view rest;
  while (decode_one(text, block, rest)) {
    blocks.push_back(std::move(block));
    block = PemBlock{};
    text = rest;
  }
  return blocks;
}

}  // namespace sscsi::azure
