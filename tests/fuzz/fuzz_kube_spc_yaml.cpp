// SecretProviderClass YAML files of standalone mode (--spc-dir): several documents per file,
// other kinds ignored.
//
// Input: the file's text. Expected: std::runtime_error naming the source (parse_spc_yaml wraps
// yaml-cpp's own exceptions, so one escaping unwrapped is a failure). Invariants: every class
// has a name, a namespace ("default" when absent) and the source.

#include <yaml-cpp/exceptions.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz_support.h"
#include "kube/spc_file_source.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sscsi;
  const std::string source = "fuzz.yaml";
  try {
    for (const kube::SecretProviderClass& spc :
         kube::parse_spc_yaml(std::string(fuzz::as_text(data, size)), source)) {
      if (spc.name.empty() || spc.namespace_name.empty() || spc.source != source) {
        fuzz::fuzz_fail("fuzz_kube_spc_yaml: a class lacks its name, namespace or source", "");
      }
    }
  } catch (const YAML::Exception& e) {
    fuzz::fuzz_fail("fuzz_kube_spc_yaml: a yaml-cpp exception escaped unwrapped", e.what());
  } catch (const std::runtime_error& e) {
    if (std::string_view(e.what()).rfind(source, 0) != 0) {
      fuzz::fuzz_fail("fuzz_kube_spc_yaml: an error does not name the file", e.what());
    }
  }
  return 0;
}
