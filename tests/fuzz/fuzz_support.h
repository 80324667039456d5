#pragma once
// What every fuzz target shares: splitting one input into several fields, failing loudly when an
// invariant breaks, checking that error messages do not echo secrets, and handing path-based
// parsers a file without touching the disk.
//
// A parser that throws its documented exception type on bad input is behaving as designed, so
// targets catch exactly those types. Everything else (a crash, an ASan or UBSan report, any
// other exception escaping to libFuzzer, or a violated invariant reported through fuzz_fail)
// aborts the run and leaves a crash-<sha1> input behind.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sscsi::fuzz {

// The input as text (parsers take string_view; bytes are kept as they are, NULs included).
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits `input` at NUL bytes into exactly `count` fields: the last field takes the rest
// (NULs included), missing fields are empty. Text formats (JSON, YAML, headers) never need a
// raw NUL, so NUL is a separator the mutator can move without breaking the fields' syntax.
std::vector<std::string_view> split_fields(std::string_view input, std::size_t count);

// Prints "fuzz invariant broken: <what>\n<detail>" and aborts, so that libFuzzer records the
// input as a crash.
[[noreturn]] void fuzz_fail(std::string_view what, std::string_view detail);

// The parser's error message for `input`, or nullopt when it accepted the input.
using MessageOf = std::function<std::optional<std::string>(std::string_view input)>;
// The values in `input` the parser promised never to put into a message.
using SecretsOf = std::function<std::vector<std::string>(std::string_view input)>;

// Secrets shorter than this are not checked: a value such as "true" or "secret" appears in
// messages for reasons of its own.
inline constexpr std::size_t kMinCheckedSecretBytes = 8;

// Differential check that `message` (what the parser said about `input`) does not echo a
// secret. A secret that the message contains is replaced, at its only occurrence in the input,
// by a canary of the same length; if the parser then names the canary, the secret's own bytes
// made it into the message and the run fails. A secret that occurs more than once in the input,
// or whose replacement does not change the secret (it was written with escapes), is skipped:
// the message may legitimately quote the other occurrence.
void check_secrets_not_echoed(std::string_view target, std::string_view input,
                              const std::string& message, const SecretsOf& secrets_of,
                              const MessageOf& message_of);

// Fails when `message` contains a run of 24 bytes of a secret region of `input` (the value of
// a Key Vault secret, the base64 body of a PEM key, a whole PFX) that the parser put there
// because of that region: conversions promise to name offsets and problems, never the material.
// A candidate run that occurs once in the input is confirmed by a second parse with that run
// replaced by a canary: only if the new message names the canary did the bytes come from the
// input (a run that merely equals part of a message template is not reported).
void check_no_material_in_message(std::string_view target, std::string_view input,
                                  const std::string& message, const SecretsOf& regions_of,
                                  const MessageOf& message_of);

// The base64 bodies of the PEM blocks in `text` (the lines between BEGIN and END markers).
std::vector<std::string> pem_bodies(std::string_view text);

// Standard base64 with padding, for targets that fuzz binary formats which the parser reads as
// base64 text (the mutator works far better on the raw DER).
std::string base64_encode(std::string_view bytes);

// An in-memory regular file (memfd) with a path that open(2) accepts, for parsers that take a
// file name. Created once per process; each write replaces the contents.
class MemoryFile {
 public:
  explicit MemoryFile(const char* name);
  ~MemoryFile();
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  void write(std::string_view contents);
  const std::string& path() const { return path_; }  // "/proc/self/fd/<n>"

 private:
  int fd_;
  std::string path_;
};

// A private directory (under /dev/shm when it exists, else $TMPDIR or /tmp), removed with its
// files when the process ends normally, for parsers that resolve paths relative to the file
// they read (kubeconfig).
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // Writes `contents` to <dir>/<name> (replacing it) and returns the full path.
  std::string write(const std::string& name, std::string_view contents) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace sscsi::fuzz
