#include "spc_files.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <stdexcept>
#include <system_error>

namespace sscsi::testing_support {

std::string mock_objects_yaml(const std::vector<MockObject>& objects) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "array" << YAML::Value << YAML::BeginSeq;
  for (const MockObject& object : objects) {
    YAML::Emitter fields;
    fields << YAML::BeginMap;
    for (const auto& [key, value] : object) {
      fields << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << value;
    }
    fields << YAML::EndMap;
    out << YAML::Literal << std::string(fields.c_str());
  }
  out << YAML::EndSeq << YAML::EndMap;
  if (!out.good()) throw std::runtime_error("mock objects YAML: " + out.GetLastError());
  return out.c_str();
}

std::string spc_yaml(const SpcSpec& spec) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << "secrets-store.csi.x-k8s.io/v1";
  out << YAML::Key << "kind" << YAML::Value << "SecretProviderClass";
  out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << spec.name;
  out << YAML::Key << "namespace" << YAML::Value << spec.namespace_name;
  out << YAML::EndMap;
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  if (spec.provider) out << YAML::Key << "provider" << YAML::Value << *spec.provider;
  if (!spec.parameters.empty()) {
    out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
    for (const auto& [key, value] : spec.parameters) {
      out << YAML::Key << key << YAML::Value;
      if (value.find('\n') != std::string::npos) {
        out << YAML::Literal << value;
      } else {
        out << YAML::DoubleQuoted << value;
      }
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  if (!out.good()) throw std::runtime_error("SecretProviderClass YAML: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

void write_file_atomically(const std::filesystem::path& file, const std::string& text) {
  const std::filesystem::path temp = file.string() + ".writing";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + temp.string());
  }
  std::filesystem::rename(temp, file);
}

}  // namespace sscsi::testing_support
