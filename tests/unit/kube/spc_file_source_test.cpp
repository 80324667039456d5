#include "kube/spc_file_source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "finish_within.h"

namespace sscsi::kube {
namespace {

namespace fs = std::filesystem;

class SpcFileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "sscsi-spc-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::trunc) << text;
    // Make each rewrite visible even within one mtime tick.
    fs::last_write_time(dir_ / name,
                        fs::file_time_type::clock::now() + std::chrono::seconds(++tick_));
  }

  SecretProviderClass get_ok(const std::string& ns, const std::string& name) {
    SpcLookup result = SpcFileSource(dir_).get(ns, name);
    if (auto* error = std::get_if<SpcLookupError>(&result)) {
      ADD_FAILURE() << error->message;
      return {};
    }
    return std::get<SecretProviderClass>(result);
  }

  SpcLookupError get_error(SpcFileSource& source, const std::string& ns, const std::string& name) {
    SpcLookup result = source.get(ns, name);
    if (!std::holds_alternative<SpcLookupError>(result)) {
      ADD_FAILURE() << "expected an error for " << ns << "/" << name;
      return {};
    }
    return std::get<SpcLookupError>(result);
  }

  fs::path dir_;
  int tick_ = 0;
};

constexpr const char* kFull = R"(# comment
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: app-secrets
  namespace: team-a
spec:
  provider: mock
  parameters:
    objects: |
      array:
        - |
          objectName: db-password
          content: hunter2
    keyvaultName: kv1
  secretObjects:
    - secretName: app-tls
      type: kubernetes.io/tls
      labels: {environment: test}
      annotations: {owner: platform}
      data:
        - objectName: cert
          key: tls.crt
        - objectName: cert
          key: tls.key
)";

TEST_F(SpcFileSourceTest, ParsesEveryField) {
  write("app.yaml", kFull);
  const SecretProviderClass spc = get_ok("team-a", "app-secrets");
  EXPECT_EQ(spc.name, "app-secrets");
  EXPECT_EQ(spc.namespace_name, "team-a");
  EXPECT_EQ(spc.provider, "mock");
  EXPECT_EQ(spc.parameters.at("keyvaultName"), "kv1");
  EXPECT_EQ(spc.parameters.at("objects"),
            "array:\n  - |\n    objectName: db-password\n    content: hunter2\n");
  ASSERT_EQ(spc.secret_objects.size(), 1u);
  const SecretObject& object = spc.secret_objects[0];
  EXPECT_EQ(object.secret_name, "app-tls");
  EXPECT_EQ(object.type, "kubernetes.io/tls");
  EXPECT_EQ(object.labels.at("environment"), "test");
  EXPECT_EQ(object.annotations.at("owner"), "platform");
  ASSERT_EQ(object.data.size(), 2u);
  EXPECT_EQ(object.data[1].object_name, "cert");
  EXPECT_EQ(object.data[1].key, "tls.key");
  EXPECT_EQ(spc.source, (dir_ / "app.yaml").string());
}

TEST_F(SpcFileSourceTest, FindsByNamespaceAndNameAcrossDocumentsAndFiles) {
  write("many.yml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ignored}\n---\n"
        "apiVersion: secrets-store.csi.x-k8s.io/v1alpha1\nkind: SecretProviderClass\n"
        "metadata: {name: a}\nspec: {provider: p1, parameters: {k: v}}\n---\n"
        "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n"
        "metadata: {name: a, namespace: other}\nspec: {provider: p2}\n");
  write("notes.txt", "not yaml: [");
  EXPECT_EQ(get_ok("default", "a").provider, "p1");
  EXPECT_EQ(get_ok("other", "a").provider, "p2");
}

TEST_F(SpcFileSourceTest, NumbersAndBooleansInParametersStayStrings) {
  write("p.yaml",
        "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n"
        "metadata: {name: p}\nspec:\n  provider: mock\n  parameters:\n    usePodIdentity: false\n"
        "    port: 0443\n");
  const SecretProviderClass spc = get_ok("default", "p");
  EXPECT_EQ(spc.parameters.at("usePodIdentity"), "false");
  EXPECT_EQ(spc.parameters.at("port"), "0443");
}

TEST_F(SpcFileSourceTest, EditsArePickedUpWithoutRestart) {
  SpcFileSource source(dir_);
  write("x.yaml",
        "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n"
        "metadata: {name: x}\nspec: {provider: before}\n");
  EXPECT_EQ(std::get<SecretProviderClass>(source.get("default", "x")).provider, "before");
  write("x.yaml",
        "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n"
        "metadata: {name: x}\nspec: {provider: after}\n");
  EXPECT_EQ(std::get<SecretProviderClass>(source.get("default", "x")).provider, "after");
  fs::remove(dir_ / "x.yaml");
  EXPECT_EQ(get_error(source, "default", "x").kind, SpcLookupError::Kind::NotFound);
}

TEST_F(SpcFileSourceTest, NotFoundNamesTheDirectoryAndBrokenFiles) {
  SpcFileSource source(dir_);
  write("broken.yaml", "apiVersion: [unclosed\n");
  const SpcLookupError error = get_error(source, "ns", "missing");
  EXPECT_EQ(error.kind, SpcLookupError::Kind::NotFound);
  EXPECT_EQ(error.message.rfind("SecretProviderClass ns/missing not found in " + dir_.string() +
                                    " (files that could not be read; " +
                                    (dir_ / "broken.yaml").string() + ": not valid YAML: ",
                                0),
            0u)
      << error.message;
}

TEST_F(SpcFileSourceTest, DuplicateDefinitionIsAnError) {
  const std::string doc =
      "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n"
      "metadata: {name: d}\nspec: {provider: mock}\n";
  write("1.yaml", doc);
  write("2.yaml", doc);
  SpcFileSource source(dir_);
  const SpcLookupError error = get_error(source, "default", "d");
  EXPECT_EQ(error.kind, SpcLookupError::Kind::Invalid);
  EXPECT_EQ(error.message, "SecretProviderClass default/d is defined twice, in " +
                               (dir_ / "1.yaml").string() + " and " + (dir_ / "2.yaml").string());
}

TEST_F(SpcFileSourceTest, MissingDirectoryIsUnavailable) {
  SpcFileSource source(dir_ / "nope");
  const SpcLookupError error = get_error(source, "default", "x");
  EXPECT_EQ(error.kind, SpcLookupError::Kind::Unavailable);
  EXPECT_EQ(error.message.rfind("--spc-dir " + (dir_ / "nope").string() + " cannot be listed: ", 0),
            0u)
      << error.message;
}

// Class files decide which secrets a pod gets: only root (or the host's user) may change them.
TEST_F(SpcFileSourceTest, AClassFileOthersMayWriteIsNotReadAndSaysWhy) {
  write("open.yaml", kFull);
  ASSERT_EQ(chmod((dir_ / "open.yaml").c_str(), 0666), 0);
  SpcFileSource source(dir_);
  const SpcLookupError error = get_error(source, "team-a", "app-secrets");
  EXPECT_EQ(error.kind, SpcLookupError::Kind::NotFound);
  EXPECT_NE(error.message.find((dir_ / "open.yaml").string() +
                               " is world-writable (mode 0666); remove that permission"),
            std::string::npos)
      << error.message;
  ASSERT_EQ(chmod((dir_ / "open.yaml").c_str(), 0644), 0);
  fs::last_write_time(dir_ / "open.yaml", fs::file_time_type::clock::now() + std::chrono::hours(1));
  EXPECT_TRUE(std::holds_alternative<SecretProviderClass>(source.get("team-a", "app-secrets")));
}

TEST_F(SpcFileSourceTest, ADirectoryOthersMayWriteIsUnavailable) {
  write("app.yaml", kFull);
  ASSERT_EQ(chmod(dir_.c_str(), 0777), 0);
  SpcFileSource source(dir_);
  const SpcLookupError error = get_error(source, "team-a", "app-secrets");
  EXPECT_EQ(error.kind, SpcLookupError::Kind::Unavailable);
  EXPECT_EQ(error.message,
            "--spc-dir " + dir_.string() +
                " is world-writable (mode 0777); remove that permission (chmod o-w)");
}

TEST_F(SpcFileSourceTest, ADirectoryInsideOneOthersMayWriteIsUnavailable) {
  const std::filesystem::path inner = dir_ / "classes";
  std::filesystem::create_directory(inner);
  ASSERT_EQ(chmod(inner.c_str(), 0755), 0);
  ASSERT_EQ(chmod(dir_.c_str(), 0775), 0);
  SpcFileSource source(inner);
  const SpcLookupError error = get_error(source, "team-a", "app-secrets");
  EXPECT_EQ(error.kind, SpcLookupError::Kind::Unavailable);
  EXPECT_EQ(error.message, "--spc-dir " + inner.string() + " is inside " + dir_.string() +
                               ", which is group-writable (mode 0775); remove that permission "
                               "(chmod g-w)");
}

TEST_F(SpcFileSourceTest, AFifoInTheDirectoryIsSkippedWithoutBlocking) {
  write("app.yaml", kFull);
  ASSERT_EQ(mkfifo((dir_ / "pipe.yaml").c_str(), 0644), 0);
  SpcFileSource source(dir_);
  EXPECT_TRUE(std::holds_alternative<SecretProviderClass>(source.get("team-a", "app-secrets")));
}

struct BadDocument {
  const char* yaml;
  const char* problem;
};

class SpcParseErrors : public ::testing::TestWithParam<BadDocument> {};

TEST_P(SpcParseErrors, NamesTheDocumentAndTheField) {
  const std::string head = "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n";
  try {
    parse_spc_yaml(
        GetParam().yaml[0] == '!' ? std::string(GetParam().yaml + 1) : head + GetParam().yaml,
        "f.yaml");
    FAIL() << "parsed";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), GetParam().problem);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SpcParseErrors,
    ::testing::Values(
        BadDocument{"!- a\n- b\n", "f.yaml (document 1): is not a YAML map"},
        BadDocument{"!apiVersion: v1\nkind: SecretProviderClass\nmetadata: {name: a}\nspec: {}\n",
                    "f.yaml (document 1): apiVersion 'v1' is not secrets-store.csi.x-k8s.io/v1 or "
                    "secrets-store.csi.x-k8s.io/v1alpha1"},
        BadDocument{"spec: {provider: m}\n",
                    "f.yaml (document 1): metadata must be a map with a name"},
        BadDocument{"metadata: {namespace: x}\nspec: {provider: m}\n",
                    "f.yaml (document 1): metadata.name is missing"},
        BadDocument{"metadata: {name: [a]}\nspec: {provider: m}\n",
                    "f.yaml (document 1): metadata.name must be a string"},
        BadDocument{"metadata: {name: a}\n", "f.yaml (document 1): spec must be a map"},
        BadDocument{"metadata: {name: a}\nspec: {provider: {x: 1}}\n",
                    "f.yaml (document 1): spec.provider must be a string"},
        BadDocument{"metadata: {name: a}\nspec: {parameters: [a, b]}\n",
                    "f.yaml (document 1): spec.parameters must be a map of strings"},
        BadDocument{"metadata: {name: a}\nspec: {parameters: {objects: [a]}}\n",
                    "f.yaml (document 1): spec.parameters.objects must be a string"},
        BadDocument{"metadata: {name: a}\nspec: {secretObjects: {a: b}}\n",
                    "f.yaml (document 1): spec.secretObjects must be a list"},
        BadDocument{"metadata: {name: a}\nspec: {secretObjects: [x]}\n",
                    "f.yaml (document 1) spec.secretObjects[0]: must be a map"},
        BadDocument{"metadata: {name: a}\nspec: {secretObjects: [{data: {a: b}}]}\n",
                    "f.yaml (document 1) spec.secretObjects[0]: data must be a list"},
        BadDocument{"metadata: {name: a}\nspec: {secretObjects: [{data: [x]}]}\n",
                    "f.yaml (document 1) spec.secretObjects[0].data[0]: must be a map with "
                    "objectName and key"},
        BadDocument{"metadata: {name: a}\nspec: {secretObjects: [{labels: [x]}]}\n",
                    "f.yaml (document 1) spec.secretObjects[0]: labels must be a map of strings"}));

// yaml-cpp 0.7's LoadAll never returns on a ',' where a document's node should start: the parser
// makes an empty document without consuming the ',' and starts over, growing memory for ever.
struct LoopingYaml {
  const char* name;
  const char* yaml;
  const char* position;  // where the error points
};

void PrintTo(const LoopingYaml& looping, std::ostream* out) { *out << looping.name; }

class SpcUnparsableYaml : public ::testing::TestWithParam<LoopingYaml> {};

TEST_P(SpcUnparsableYaml, IsAnErrorNotAnEndlessLoop) {
  const std::string yaml = GetParam().yaml;
  const std::string error = test_support::finish_within(std::chrono::seconds(5), [yaml] {
    try {
      parse_spc_yaml(yaml, "f.yaml");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("(parsed)");
  });
  EXPECT_EQ(error, std::string("f.yaml: not valid YAML: yaml-cpp: error at ") +
                       GetParam().position +
                       ": unexpected ',' where a YAML node or document should start");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SpcUnparsableYaml,
    ::testing::Values(LoopingYaml{"AfterDocumentStart", "---\n,\n", "line 2, column 1"},
                      LoopingYaml{"Alone", ",", "line 1, column 1"},
                      LoopingYaml{"AfterAList", "- a\n,\n", "line 2, column 1"},
                      LoopingYaml{"InALaterDocument", "kind: Other\n---\nkind: Other\n--- ,\n",
                                  "line 4, column 5"}),
    [](const ::testing::TestParamInfo<LoopingYaml>& param) {
      return std::string(param.param.name);
    });

TEST(SpcYamlDocuments, SeveralDocumentsStillParse) {
  const std::string doc =
      "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n"
      "metadata: {name: NAME}\nspec: {provider: mock}\n";
  std::string text = "---\n" + doc + "...\n---\nkind: ConfigMap\n---\n\n--- # third\n" + doc;
  text.replace(text.find("NAME"), 4, "a");
  text.replace(text.find("NAME"), 4, "b");
  const auto classes = test_support::finish_within(
      std::chrono::seconds(5), [text] { return parse_spc_yaml(text, "f.yaml"); });
  ASSERT_EQ(classes.size(), 2u);
  EXPECT_EQ(classes[0].name, "a");
  EXPECT_EQ(classes[1].name, "b");
}

}  // namespace
}  // namespace sscsi::kube
