// Malformed models: every one must give a CompileError at the right line:col with a useful
// message — never a crash, a hang or a partial result.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "model/compile.hpp"

using namespace pcmc::model;

namespace {

struct Case {
  const char* what;
  std::string source;
  std::uint32_t line, col;
  const char* message;
  std::vector<std::string> defines = {};
};

// Parses and compiles; returns the formatted error ("" when it compiled).
std::string error_of(const std::string& src, const std::vector<std::string>& defines,
                     SrcLoc* loc = nullptr) {
  SourceManager sm;
  try {
    ast::Model m = parse_text(sm, "bad.pcm", src, {});
    CompileOptions co;
    co.defines = defines;
    co.debug_vm = true;
    compile(m, sm, co);
  } catch (const CompileError& e) {
    if (loc) *loc = e.loc();
    return sm.format(e);
  }
  return "";
}

const std::vector<Case> kCases = {
    // --- syntax
    {"missing semicolon", "int[0..3] x;\nthread P0 { x = 1 }\n", 2, 19, "expected ';'"},
    {"unbalanced brace", "thread P0 { \n", 2, 1, "expected '}'"},
    {"bad character", "int[0..3] x;\nthread P0 { x = @; }\n", 2, 17, "unexpected character '@'"},
    {"unterminated string", "switch F1 \"oops;\n", 1, 11, "unterminated string"},
    {"unterminated comment", "/* never closed\nint[0..1] x;\n", 1, 1, "unterminated comment"},
    {"ifdef is not a thing", "#ifdef F1\n#endif\n", 1, 1, "unknown preprocessor directive"},
    {"include not found", "#include \"nope.pcm\"\n", 1, 1, "cannot find include file 'nope.pcm'"},
    {"default without a value", "#default N\n", 1, 10, "#default needs a value"},
    {"duplicate default", "#default N 1\n#default N 2\n", 2, 10, "duplicate declaration of 'N'"},
    {"duplicate define despite a default", "#default N 1\n#define N 2\nconst N = 3;\n", 3, 7, "duplicate declaration of 'N'"},
    {"three-dot range", "int[0...3] x;\n", 1, 6, "range is written lo..hi"},
    {"missing paren", "int[0..3] x;\nthread P0 { if (x == 1 { x = 0; } }\n", 2, 24, "expected ')'"},
    {"unknown expect mode", "thread P0 { }\nexpect B sometimes { }\n", 2, 10, "a mode"},
    {"expect item without verdict", "thread P0 { }\nexpect B { A1; }\n", 2, 14, "'holds' or 'violated'"},
    {"else without if", "thread P0 { else { } }\n", 1, 13, "'else' without a matching 'if'"},
    {"garbage at top level", "42;\n", 1, 1, "expected a declaration"},
    {"NUL byte", std::string("int[0..1] x;\n\0", 14), 2, 1, "unexpected character byte 0x00"},
    {"int without range", "int x;\n", 1, 5, "bounded integers are written int[lo..hi]"},
    {"switch without a name", "switch ;\n", 1, 8, "expected a switch name"},
    // --- names and types
    {"unknown variable", "int[0..3] x;\nthread P0 { y = 1; }\n", 2, 13, "unknown variable 'y'"},
    {"unknown function", "thread P0 { frob(); }\n", 1, 13, "unknown function 'frob'"},
    {"unknown field", "struct page { bool locked; };\npool struct page mm[1] named { pg };\nthread P0 { pg->dirty = 1; }\n", 3, 13, "has no field 'dirty'"},
    {"unknown type", "typedef struct folio *fp;\n", 1, 9, "unknown struct 'folio'"},
    {"wrong argument count", "void f(bool a) { }\nthread P0 { f(); }\n", 2, 13, "takes 1 argument(s), 0 given"},
    {"int to a reference", "struct page { bool locked; };\npool struct page mm[2];\nstruct page *p;\nthread P0 { p = 1; }\n", 4, 17, "cannot assign int"},
    {"reference into another pool", "struct a { bool x; };\nstruct b { bool y; };\npool struct a as[1] named { A };\npool struct b bs[1];\nstruct b *q;\nthread P0 { q = A; }\n", 6, 17, "cannot assign struct a *"},
    {"arrow on an int", "int[0..3] x;\nthread P0 { x->f = 1; }\n", 2, 13, "'->' needs a pointer"},
    {"break outside a loop", "thread P0 { break; }\n", 1, 13, "break outside a loop"},
    {"goto an undefined label", "thread P0 { goto out; }\n", 1, 13, "undefined label 'out'"},
    {"duplicate label", "bool b;\nthread P0 { out: b = true; out: b = false; }\n", 2, 28, "duplicate label 'out'"},
    {"duplicate global", "bool x;\nint[0..1] x;\n", 2, 11, "duplicate declaration of 'x'"},
    {"duplicate function", "void f() { }\nvoid f() { }\n", 2, 6, "duplicate declaration of 'f'"},
    {"direct recursion", "void f() { f(); }\nthread P0 { f(); }\n", 1, 12, "recursion is not supported: f -> f"},
    {"indirect recursion", "void g();\n", 1, 9, "expected '{' to start the function body"},
    {"indirect recursion cycle", "void f() { g(); }\nvoid g() { f(); }\nthread P0 { f(); }\n", 2, 12, "f -> g -> f"},
    {"empty range", "int[5..2] x;\n", 1, 1, "empty range int[5..2]"},
    {"non-constant array size", "int[0..3] n;\nbool a[n];\n", 2, 8, "must be a constant expression"},
    {"initialiser out of range", "int[0..3] x = 7;\n", 1, 15, "value 7 is out of range int[0..3]"},
    {"assignment out of range", "int[0..3] x;\nthread P0 { x = 9; }\n", 2, 17, "value 9 is out of range"},
    {"undefined switch", "switch F1;\nthread P0 { }\n", 1, 1, "unknown switch 'F9'", {"F9"}},
    {"void function as a value", "bool b;\nvoid f() { }\nthread P0 { b = f(); }\n", 3, 17, "returns no value"},
    {"value returned from void", "void f() { return 1; }\nthread P0 { f(); }\n", 1, 12, "is void and cannot return a value"},
    {"await in init", "bool b;\ninit { await(b); }\n", 2, 8, "await cannot be used in init"},
    {"self outside a guard", "bool b;\nthread P0 { b = self; }\n", 2, 17, "'self' is only allowed inside guarded_by"},
    {"duplicate property label", "bool b;\nthread P0 { A1: BUG_ON(b); }\nthread P1 { A1: BUG_ON(!b); }\n", 3, 17, "duplicate property name 'A1'"},
    {"pool overflow: more names than elements", "struct page { bool locked; };\npool struct page mm[2] named { a, b, c };\n", 2, 38, "more element names than pool elements"},
    {"local in an invariant", "thread P0 { bool mine; mine = true; }\ninvariant i: mine;\n", 2, 14, "unknown variable 'mine'"},
    {"goto into an atomic block", "bool b;\nthread P0 { goto in; atomic { in: b = true; } }\n", 2, 13, "jumps into an atomic block"},
    {"HARM_ON without a name", "bool b;\nthread P0 { HARM_ON(b); }\n", 2, 13, "HARM_ON takes 2 argument(s)"},
    {"unknown escape", "switch F1 \"a\\qb\";\n", 1, 14, "unknown escape"},
    {"struct containing itself", "struct s { struct s inner; };\nstruct s g;\n", 1, 12, "contains itself"},
    {"comparing unrelated types", "enum e { A, B };\nbool b;\nthread P0 { b = A == 1; }\n", 3, 17, "cannot compare"},
    {"guard on a non-pooled struct", "struct s { bool l; int[0..3] i guarded_by(self->l); };\nstruct s g;\n", 1, 43, "only supported on fields of pooled structs"},
    {"unknown switch in expect", "thread P0 { }\nexpect F3 { class harm holds; }\n", 2, 8, "unknown switch 'F3' in expect block"},
    {"choose with a variable bound", "int[0..3] n;\nint[0..3] x;\nthread P0 { x = choose(0, n); }\n", 3, 27, "must be a constant expression"},
    {"blocks(0)", "struct page { bool b; };\npool struct page mm[6] blocks(0);\n", 2, 31, "blocks(0): the block size must be at least 1"},
    {"negative blocks(N)", "struct page { bool b; };\npool struct page mm[6] blocks(-2);\n", 2, 31, "blocks(-2): the block size must be at least 1"},
    {"blocks(N) past the pool", "struct page { bool b; };\npool struct page mm[6] blocks(12);\n", 2, 31, "blocks(12): the block size must not exceed the pool size 6"},
    {"blocks(N) past 32 bits", "struct page { bool b; };\npool struct page mm[6] blocks(4294967302);\n", 2, 31, "blocks(4294967302): the block size must not exceed the pool size 6"},
    {"blocks(N) that does not divide the pool", "struct page { bool b; };\npool struct page mm[6] blocks(4);\n", 2, 31, "blocks(4): the pool size 6 must be a multiple of the block size"},
    {"blocks(N) past 64 bits", "struct page { bool b; };\npool struct page mm[6] blocks(99999999999999999999);\n", 2, 31, "integer literal too large"},
    {"division by a constant zero", "int[0..3] x;\nthread P0 { x = 4 / 0; }\n", 2, 17, "division by zero"},
    // --- checked 64-bit arithmetic in constants (issue 14, A1, A2, A11): model/arith.h
    {"INT64_MIN / -1 in a constant", "const K = (-9223372036854775807 - 1) / -1;\nthread P0 { }\n", 1, 12, "integer overflow in a constant expression: -9223372036854775808 / -1 does not fit in 64 bits"},
    {"INT64_MIN % -1 in a constant", "const K = (-9223372036854775807 - 1) % -1;\nthread P0 { }\n", 1, 12, "integer overflow in a constant expression: -9223372036854775808 % -1"},
    {"a product past 64 bits", "const K = 4611686018427387904 * 4;\nthread P0 { }\n", 1, 11, "integer overflow in a constant expression: 4611686018427387904 * 4"},
    {"a sum past 64 bits", "const K = 9223372036854775807 + 1;\nthread P0 { }\n", 1, 11, "integer overflow in a constant expression"},
    {"negating INT64_MIN", "const K = -(-9223372036854775807 - 1);\nthread P0 { }\n", 1, 11, "-(-9223372036854775808) does not fit in 64 bits"},
    {"a folded overflow in thread code", "int[0..3] x;\nthread P0 { x = 3 * 4611686018427387904 == 0; }\n", 2, 17, "integer overflow in a constant expression"},
    {"shift by 64 in a constant", "const K = 1 << 64;\nthread P0 { }\n", 1, 11, "shift count 64 in a constant expression is not in 0..63"},
    {"shift by a negative count", "const K = 8 >> -1;\nthread P0 { }\n", 1, 11, "shift count -1 in a constant expression is not in 0..63"},
    {"1 << 63 in a constant", "const K = 1 << 63;\nthread P0 { }\n", 1, 11, "integer overflow in a constant expression: 1 << 63"},
    {"a negative value shifted left", "const K = -1 << 1;\nthread P0 { }\n", 1, 11, "left shift of a negative value in a constant expression"},
    // --- a model with nothing to explore (issue 14, A4): the whole file is the location
    {"a model without a thread", "int[0..3] x;\n", 0, 0, "the model declares no thread"},
    {"an empty model", "", 0, 0, "the model declares no thread"},
};

}  // namespace

TEST_CASE("malformed models give file:line:col errors", "[errors]") {
  int n = 0;
  for (const Case& c : kCases) {
    INFO(c.what);
    SrcLoc loc;
    std::string err = error_of(c.source, c.defines, &loc);
    REQUIRE_FALSE(err.empty());
    CHECK(err.find(c.message) != std::string::npos);
    CHECK(loc.line == c.line);
    CHECK(loc.col == c.col);
    CHECK(err.find("bad.pcm:") == 0);
    ++n;
  }
  CHECK(n >= 30);
}

TEST_CASE("the formatted error shows the source line and a caret", "[errors]") {
  std::string err = error_of("int[0..3] x;\nthread P0 { y = 1; }\n", {});
  CHECK(err == "bad.pcm:2:13: error: unknown variable 'y'\n  thread P0 { y = 1; }\n              ^\n");
}

TEST_CASE("constants follow C where C defines them", "[errors]") {
  // -1 >> 63 is -1 (arithmetic), 1 << 62 is 2^62, INT64_MIN / 1 and % -2 exist: no error.
  CHECK(error_of("const A = -1 >> 63;\nconst B = 1 << 62;\nconst C = (-9223372036854775807 - 1) / 1;\n"
                 "const D = (-9223372036854775807 - 1) % -2;\nint[-1..0] x = A;\nint[0..0] y = D;\n"
                 "thread P0 { }\n",
                 {}) == "");
}

TEST_CASE("a long flat chain of operators is an error, not a stack overflow", "[errors]") {
  // Issue 14, A3: `x + x + ... + x` is a tree as high as it is long; 8000 operators crashed the
  // compiler's recursive lowering. Nesting above kMaxExprHeight (256) is refused where it starts.
  for (const char* op : {" + ", " && ", " < "}) {
    std::string chain = "x";
    for (int i = 0; i < 8000; ++i) chain += op + std::string("x");
    INFO(op);
    SrcLoc loc;
    const std::string err = error_of("int[0..3] x;\nthread P0 { x = " + chain + "; }\n", {}, &loc);
    CHECK(err.find("expression nested too deep (more than 256 levels") != std::string::npos);
    CHECK(loc.line == 2);
    CHECK(loc.col == 17);
  }
  std::string index = "a";
  for (int i = 0; i < 8000; ++i) index += "[0]";
  CHECK(error_of("int[0..3] a[1];\nthread P0 { a[0] = " + index + "; }\n", {})
            .find("expression nested too deep") != std::string::npos);
  // Just within the limit: compiled and lowered without trouble.
  std::string ok = "x";
  for (int i = 0; i < 250; ++i) ok += " + x";
  CHECK(error_of("int[0..3] x;\nbool b;\nthread P0 { b = " + ok + " >= 0; }\n", {}) == "");
}

TEST_CASE("a file that includes itself is a cycle, not a hang", "[errors]") {
  auto dir = std::filesystem::temp_directory_path() / "pcmc-include-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a.pcm") << "#include \"b.pcm\"\n";
  std::ofstream(dir / "b.pcm") << "#include \"a.pcm\"\n";
  SourceManager sm;
  try {
    parse_file(sm, (dir / "a.pcm").string(), {});
    FAIL("no error");
  } catch (const CompileError& e) {
    CHECK(std::string(e.what()) == "include cycle: a.pcm -> b.pcm -> a.pcm");
  }
}

TEST_CASE("random byte soup never crashes the front end", "[errors]") {
  std::uint64_t x = 88172645463325252ull;
  const std::string alphabet = "int[0..3]{}();=+-*/!&|<>?:,.#\"thread P0 x y atomic await if while goto\n\0";
  for (int round = 0; round < 2000; ++round) {
    std::string src;
    int len = static_cast<int>(x % 80);
    for (int i = 0; i < len; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      src += alphabet[x % alphabet.size()];
    }
    INFO(src);
    (void)error_of(src, {});  // an error or a model, never a crash
  }
  SUCCEED();
}
