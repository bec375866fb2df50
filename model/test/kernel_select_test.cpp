// Kernel library selection in the parser (docs/kernel-model-v6.md): `#include "kernel/NAME.pcm"`
// reads the selected version's folder, a versioned include is taken as written, and
// `expect kernel "V"` blocks are kept only for the selected library.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "model/parser.hpp"

using namespace pcmc::model;

namespace {

// A library root with two versions, each declaring its own switch in kernel/<v>/lib.pcm. One
// folder per process (ctest runs this binary's test cases as parallel processes: a shared
// folder would be removed under a sibling's feet), removed when the process exits.
struct Root {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("pcmc-kernel-select-test." + std::to_string(::getpid()));
  Root() {
    std::filesystem::remove_all(path);
    for (const char* v : {"v5.15", "v6.12"}) {
      std::filesystem::create_directories(path / "kernel" / v);
      std::ofstream(path / "kernel" / v / "lib.pcm")
          << "switch S_" << (v[1] == '5' ? "OLD" : "NEW") << ";\n";
    }
  }
  ~Root() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::filesystem::path make_root() {
  static const Root root;
  return root.path;
}

ast::Model parse(const std::string& text, const std::string& kernel) {
  SourceManager sm;
  ParseOptions o;
  o.include_path.push_back(make_root().string());
  o.kernel = kernel;
  return parse_text(sm, "scenario.pcm", text, o);
}

}  // namespace

TEST_CASE("kernel/NAME.pcm reads the selected library's folder", "[kernel]") {
  const std::string src = "#include \"kernel/lib.pcm\"\n";
  REQUIRE(parse(src, "v5.15").switches.size() == 1);
  CHECK(parse(src, "v5.15").switches[0].name == "S_OLD");
  CHECK(parse(src, "v6.12").switches[0].name == "S_NEW");
}

TEST_CASE("an include that names a version is taken as written", "[kernel]") {
  CHECK(parse("#include \"kernel/v5.15/lib.pcm\"\n", "v6.12").switches[0].name == "S_OLD");
}

TEST_CASE("a missing library file names the versioned path it looked for", "[kernel]") {
  SourceManager sm;
  ParseOptions o;
  o.include_path.push_back(make_root().string());
  o.kernel = "v6.12";
  try {
    parse_text(sm, "scenario.pcm", "#include \"kernel/nope.pcm\"\n", o);
    FAIL("no error");
  } catch (const CompileError& e) {
    CHECK(std::string(e.what()).find("(as 'kernel/v6.12/nope.pcm')") != std::string::npos);
  }
}

TEST_CASE("expect kernel \"V\" blocks are kept only for the selected library", "[kernel]") {
  const std::string src =
      "expect B { exists never; }\n"
      "expect kernel \"v5.15\" B, F1 debug { exists never; }\n"
      "expect kernel \"v6.12\" R_X nodebug { exists sometimes; }\n";
  ast::Model old = parse(src, "v5.15");
  REQUIRE(old.expects.size() == 2);
  CHECK(old.expects[1].kernel == "v5.15");
  CHECK(old.expects[1].variants.size() == 2);
  ast::Model now = parse(src, "v6.12");
  REQUIRE(now.expects.size() == 2);
  CHECK(now.expects[0].kernel.empty());
  CHECK(now.expects[1].variants[0] == std::vector<std::string>{"R_X"});
  CHECK(parse(src, "v7.0").expects.size() == 1);
}
