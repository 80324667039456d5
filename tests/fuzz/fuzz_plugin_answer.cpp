// What a provider plugin puts into its mount sink, checked as it arrives
// (host/plugins/answer_collector.h: paths, modes, object versions, set_error, share scope), and
// then as the mount engine checks a payload before writing it (host/mount/payload_check.h).
//
// Input: NUL-separated sink calls, each one letter then its arguments:
//   F<octal mode>:<path>   add_file with one byte of content     f  add_file(NULL path)
//   V<id>=<version>        add_object_version                    v<id>  version NULL
//   w                      add_object_version(NULL id)
//   E<status>:<message>    set_error (retry after 1 s)           e<status>  message NULL
//   S<scope digit>         set_share_scope                       C  close (deadline passed)
//   H                      mark_host_failure
// Expected: sink calls never throw; check_payload throws mount::Error. Invariants: an ok answer
// has object versions and sorted, unique paths and modes the host rules accept; an error's
// message is one line (control bytes escaped) of bounded length.

#include <sscsi/provider.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_support.h"
#include "mount/error.h"
#include "mount/path_rules.h"
#include "mount/payload_check.h"
#include "plugins/answer_collector.h"
#include "plugins/plugin_text.h"

namespace {

using namespace sscsi;

// "provider fuzz: " + the cleaned plugin text and its truncation marker, or a host message
// quoting at most a few shortened values.
constexpr std::size_t kMaxMessageBytes = plugins::kMaxPluginTextBytes + 256;

std::uint32_t number(std::string_view digits, int base) {
  std::uint64_t value = 0;
  for (const char c : digits) {
    const int digit = c - '0';
    if (digit < 0 || digit >= base) break;
    value = std::min<std::uint64_t>(
        value * static_cast<unsigned>(base) + static_cast<unsigned>(digit), UINT32_MAX);
  }
  return static_cast<std::uint32_t>(value);
}

void apply(plugins::AnswerCollector& sink, std::string_view call) {
  if (call.empty()) return;
  const char op = call[0];
  const std::string_view args = call.substr(1);
  const std::size_t colon = args.find(':');
  const std::string head(args.substr(0, colon));
  const std::string tail(colon == std::string_view::npos ? "" : args.substr(colon + 1));
  const std::uint8_t content = 'x';
  switch (op) {
    case 'F':
      (void)sink.add_file(tail.c_str(), number(head, 8), &content, 1);
      break;
    case 'f':
      (void)sink.add_file(nullptr, 0644, nullptr, 0);
      break;
    case 'V': {
      const std::size_t equals = args.find('=');
      const std::string id(args.substr(0, equals));
      const std::string version(equals == std::string_view::npos ? "" : args.substr(equals + 1));
      (void)sink.add_object_version(id.c_str(), version.c_str());
      break;
    }
    case 'v':
      (void)sink.add_object_version(std::string(args).c_str(), nullptr);
      break;
    case 'w':
      (void)sink.add_object_version(nullptr, "1");
      break;
    case 'E':
      sink.set_error(static_cast<sscsi_status>(number(head, 10)), tail.c_str(), 1000);
      break;
    case 'e':
      sink.set_error(static_cast<sscsi_status>(number(args, 10)), nullptr, 0);
      break;
    case 'S':
      sink.set_share_scope(static_cast<sscsi_share_scope>(number(args, 10)));
      break;
    case 'C':
      sink.close();
      break;
    case 'H':
      sink.mark_host_failure();
      break;
    default:
      break;
  }
}

void check_ok(const plugins::MountAnswer& answer) {
  if (answer.versions.empty()) {
    fuzz::fuzz_fail("fuzz_plugin_answer: an ok answer has no object versions", "");
  }
  for (std::size_t i = 0; i < answer.files.size(); ++i) {
    const mount::PayloadFile& file = answer.files[i];
    if (mount::path_problem(file.path) || mount::mode_problem(file.mode)) {
      fuzz::fuzz_fail("fuzz_plugin_answer: an ok answer holds a path or mode the rules refuse",
                      file.path);
    }
    if (i > 0 && !(answer.files[i - 1].path < file.path)) {
      fuzz::fuzz_fail("fuzz_plugin_answer: files are not sorted and unique", file.path);
    }
  }
  try {
    mount::check_payload(answer.files, mount::WriteLimits{});
  } catch (const mount::Error&) {
  }
}

void check_error(const plugins::MountAnswer& answer) {
  const std::string& message = answer.error.message;
  const bool controls = std::any_of(message.begin(), message.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (controls || message.empty() || message.size() > kMaxMessageBytes) {
    fuzz::fuzz_fail("fuzz_plugin_answer: an error message is empty, too long or not one line",
                    plugins::printable(message, 600));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  plugins::AnswerCollector sink("fuzz");
  std::string_view rest = fuzz::as_text(data, size);
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\0'), rest.size());
    apply(sink, rest.substr(0, end));
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  const plugins::MountAnswer answer = sink.result();
  if (answer.ok) {
    check_ok(answer);
  } else {
    check_error(answer);
  }
  return 0;
}
