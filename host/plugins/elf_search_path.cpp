#include "plugins/elf_search_path.h"

#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>

namespace sscsi::plugins {
namespace {

// Bounds that no real shared object comes near, so a hostile header cannot make us read much.
constexpr std::size_t kMaxProgramHeaders = 1024;
constexpr std::size_t kMaxDynamicEntries = 4096;
constexpr std::size_t kMaxPathBytes = 64 * 1024;

[[noreturn]] void unreadable(const std::string& what) {
  throw std::runtime_error("is an ELF file whose " + what + " cannot be read");
}

// Reads exactly `size` bytes at `offset`, inside a file of `file_size` bytes.
void read_at(int fd, std::uint64_t file_size, std::uint64_t offset, void* out, std::size_t size,
             const char* what) {
  if (offset > file_size || size > file_size - offset) unreadable(what);
  auto* bytes = static_cast<unsigned char*>(out);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, bytes + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) unreadable(what);
    done += static_cast<std::size_t>(n);
  }
}

bool native_elf64(const Elf64_Ehdr& header) {
  constexpr unsigned char kNativeData =
      std::endian::native == std::endian::little ? ELFDATA2LSB : ELFDATA2MSB;
  return std::memcmp(header.e_ident, ELFMAG, SELFMAG) == 0 &&
         header.e_ident[EI_CLASS] == ELFCLASS64 && header.e_ident[EI_DATA] == kNativeData;
}

// The file offset of virtual address `address`, from the loadable segments.
std::optional<std::uint64_t> file_offset(const std::vector<Elf64_Phdr>& segments,
                                         std::uint64_t address) {
  for (const Elf64_Phdr& segment : segments) {
    if (segment.p_type == PT_LOAD && address >= segment.p_vaddr &&
        address - segment.p_vaddr < segment.p_filesz) {
      return segment.p_offset + (address - segment.p_vaddr);
    }
  }
  return std::nullopt;
}

void append_split(const std::string& list, std::vector<std::string>& out) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t colon = list.find(':', start);
    out.push_back(list.substr(start, colon - start));
    if (colon == std::string::npos) return;
    start = colon + 1;
  }
}

}  // namespace

std::vector<std::string> elf_library_search_path(int fd) {
  struct stat status {};
  if (::fstat(fd, &status) != 0) unreadable("size");
  const auto file_size = static_cast<std::uint64_t>(status.st_size);
  Elf64_Ehdr header{};
  if (file_size < sizeof header) return {};
  read_at(fd, file_size, 0, &header, sizeof header, "header");
  if (!native_elf64(header)) return {};

  if (header.e_phnum == 0) return {};
  if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum > kMaxProgramHeaders) {
    unreadable("program headers");
  }
  std::vector<Elf64_Phdr> segments(header.e_phnum);
  read_at(fd, file_size, header.e_phoff, segments.data(), segments.size() * sizeof(Elf64_Phdr),
          "program headers");

  std::vector<Elf64_Dyn> dynamic;
  for (const Elf64_Phdr& segment : segments) {
    if (segment.p_type != PT_DYNAMIC) continue;
    const std::uint64_t count = segment.p_filesz / sizeof(Elf64_Dyn);
    if (count > kMaxDynamicEntries) unreadable("dynamic section");
    dynamic.resize(count);
    read_at(fd, file_size, segment.p_offset, dynamic.data(), count * sizeof(Elf64_Dyn),
            "dynamic section");
    break;
  }

  std::optional<std::uint64_t> string_table;
  std::uint64_t string_table_size = 0;
  std::vector<std::uint64_t> path_offsets;  // DT_RPATH first: the linker searches it first
  std::optional<std::uint64_t> runpath_offset;
  for (const Elf64_Dyn& entry : dynamic) {
    if (entry.d_tag == DT_NULL) break;
    if (entry.d_tag == DT_STRTAB) string_table = entry.d_un.d_ptr;
    if (entry.d_tag == DT_STRSZ) string_table_size = entry.d_un.d_val;
    if (entry.d_tag == DT_RPATH) path_offsets.push_back(entry.d_un.d_val);
    if (entry.d_tag == DT_RUNPATH) runpath_offset = entry.d_un.d_val;
  }
  if (runpath_offset) path_offsets.push_back(*runpath_offset);
  if (path_offsets.empty()) return {};
  if (!string_table) unreadable("string table");
  const std::optional<std::uint64_t> table_offset = file_offset(segments, *string_table);
  if (!table_offset) unreadable("string table");

  std::vector<std::string> entries;
  for (const std::uint64_t offset : path_offsets) {
    if (offset >= string_table_size) unreadable("library search path");
    const std::size_t room = static_cast<std::size_t>(
        std::min<std::uint64_t>(string_table_size - offset, kMaxPathBytes));
    std::string text(room, '\0');
    read_at(fd, file_size, *table_offset + offset, text.data(), room, "library search path");
    const std::size_t end = text.find('\0');
    if (end == std::string::npos) unreadable("library search path");
    text.resize(end);
    append_split(text, entries);
  }
  return entries;
}

}  // namespace sscsi::plugins
