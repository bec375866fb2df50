// The syntax tree of a pcmc model file (after #include expansion), as produced by the parser
// (model/parser.hpp) and consumed by the compiler (model/compile.hpp).
//
// The tree is deliberately generic (one Expr and one Stmt node type with a kind tag) so that the
// parser stays small; the compiler gives the nodes their meaning. Builtins such as VM_BUG_ON_PAGE,
// WARN_ON, choose() and nondet() are parsed as ordinary calls; `await` and `atomic` are keywords.
//
// Ownership: a Model owns its whole tree through unique_ptrs. Every node carries the SrcLoc of
// its first token, used for diagnostics and for the file:line of trace steps.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/source.hpp"

namespace pcmc::model::ast {

struct Expr;
struct Stmt;
struct TypeExpr;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using TypePtr = std::unique_ptr<TypeExpr>;

// ---------------------------------------------------------------------------------------------
// Types as written. `int[lo..hi]`, `bool`, `thread_t`, `void`, `struct S`, `enum E`,
// a typedef name, and `T *` (a pool reference when T is a struct with a pool, otherwise a
// reference to a caller's variable: an out-parameter).
enum class TypeKind { Void, Bool, IntRange, ThreadT, Named, Struct, Enum, Pointer };

struct TypeExpr {
  TypeKind kind = TypeKind::Void;
  SrcLoc loc;
  std::string name;   // Named (typedef), Struct, Enum
  ExprPtr lo, hi;     // IntRange: constant expressions
  TypePtr pointee;    // Pointer
};

// ---------------------------------------------------------------------------------------------
enum class ExprKind {
  IntLit,    // ival
  BoolLit,   // ival = 0/1 (`true`, `false`)
  Null,      // NULL
  Current,   // current (the executing thread)
  NoThread,  // NO_THREAD
  Self,      // self (only inside a field's guarded_by(...))
  StrLit,    // text (only as an argument of HARM_ON and similar builtins)
  Name,      // name: variable, parameter, constant, enumerator, switch
  Member,    // kids[0].name
  Arrow,     // kids[0]->name
  Index,     // kids[0][kids[1]]
  Unary,     // op kids[0]; op is one of "!", "-", "~", "+"
  Binary,    // kids[0] op kids[1]; op is one of * / % + - << >> < <= > >= == != & ^ | && ||
  Ternary,   // kids[0] ? kids[1] : kids[2]
  Call,      // name(kids...)
  AddrOf,    // &kids[0]
  Deref,     // *kids[0]
};

struct Expr {
  ExprKind kind = ExprKind::IntLit;
  SrcLoc loc;
  std::int64_t ival = 0;
  std::string name;  // Name, Member/Arrow field, Call callee
  std::string op;    // Unary, Binary
  std::string text;  // StrLit contents (unescaped)
  std::vector<ExprPtr> kids;
  // Nodes on the longest path down to a leaf (1: a leaf). The parser refuses an expression
  // higher than kMaxExprHeight (model/parser_impl.hpp), so the compiler's recursive walks
  // (lowering, native code generation, the destructor) stay within the stack.
  std::uint32_t height = 1;
};

// ---------------------------------------------------------------------------------------------
// A declarator: `name[d0][d1]` with constant dimension expressions, and an optional initializer.
struct VarDecl {
  SrcLoc loc;
  TypePtr type;
  std::string name;
  std::vector<ExprPtr> dims;
  ExprPtr init;       // may be null
  bool is_pool = false;  // `pool struct page mem_map[8];` (globals only)
  // `pool struct page mem_map[6] named { s0, s1, C0, C1, C2, C3 };` — element names (pools only)
  std::vector<std::pair<std::string, SrcLoc>> elem_names;
  // `pool struct page mem_map[8] blocks(HPAGE_PMD_NR);` — the pool is made of blocks of that
  // many consecutive elements (compound pages), which symmetry permutes whole (pools only; null:
  // blocks of one element). docs/frame-blocks.md.
  ExprPtr block;
};

enum class StmtKind {
  Block,     // { body... }
  Decl,      // local variable: decl
  Expr,      // expr;  (a call, usually)
  Assign,    // lhs op rhs;  op is "=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="
             // `x++` / `++x` parse as op "+=" with rhs IntLit 1; `x--` as "-=".
  If,        // if (cond) then [else els]
  While,     // while (cond) body
  DoWhile,   // do body while (cond);
  For,       // for (init; cond; step) body — init/step may be null, cond may be null (= true)
  Break,
  Continue,
  Return,    // return [value];
  Goto,      // goto label;
  Labeled,   // label: body   (a goto target; also names an assertion that follows)
  Atomic,    // atomic [unordered|acquire|release] body   (the whole block is one step); op: the
             // ordering word, "" for a fully ordered block (docs/memory-models.md)
  Await,     // await(cond);  (blocks until cond holds)
  Select,    // select { when (g0) s0  when (g1) s1 ... }: one atomic step that runs one enabled
             // alternative (any of them, each a successor); blocked while no guard holds.
             // body: one If per alternative (expr: the guard, then_branch: the alternative)
  Empty,     // ;
};

struct Stmt {
  StmtKind kind = StmtKind::Empty;
  SrcLoc loc;
  std::vector<StmtPtr> body;   // Block: statements; Labeled/Atomic/While/DoWhile/For: body[0]
  std::unique_ptr<VarDecl> decl;  // Decl
  ExprPtr lhs;                 // Assign target
  std::string op;              // Assign operator
  ExprPtr expr;                // Expr, Assign rhs, If/While/DoWhile/For/Await condition, Return value
  StmtPtr then_branch, else_branch;  // If
  StmtPtr init, step;          // For (each an Assign, Expr or Decl statement, or null)
  std::string label;           // Goto target, Labeled name
};

// ---------------------------------------------------------------------------------------------
// Top-level declarations.

struct FieldDecl {
  SrcLoc loc;
  TypePtr type;
  std::string name;
  std::vector<ExprPtr> dims;
  ExprPtr guard;  // guarded_by(expr), may be null; `self` is the pool element holding the field
};

struct StructDecl {
  SrcLoc loc;
  std::string name;
  std::vector<FieldDecl> fields;
};

struct EnumDecl {
  SrcLoc loc;
  std::string name;
  std::vector<std::pair<std::string, SrcLoc>> items;
};

struct TypedefDecl {
  SrcLoc loc;
  std::string name;
  TypePtr type;
};

struct ConstDecl {  // const NAME = expr;   or   #define NAME expr  (a constant expression)
  SrcLoc loc;
  std::string name;
  ExprPtr value;
  bool is_default = false;  // #default NAME expr: used only when no const/#define NAME exists
};

struct SwitchDecl {  // switch F1 "d417b49fff3e: delete the pre-lock VM_BUG_ON";
  SrcLoc loc;
  std::string name;
  std::string doc;
};

struct Param {
  SrcLoc loc;
  TypePtr type;
  std::string name;
  std::vector<ExprPtr> dims;  // an array parameter is passed by reference, as in C
};

struct FuncDecl {
  SrcLoc loc;
  TypePtr ret;
  std::string name;
  std::vector<Param> params;
  StmtPtr body;  // a Block
};

struct ThreadDecl {  // thread P0 { ... }
  SrcLoc loc;
  std::string name;
  StmtPtr body;
};

struct InitDecl {  // init { ... }   (runs once, atomically, before the search)
  SrcLoc loc;
  StmtPtr body;
};

// invariant NAME: expr;  (every reachable state)   final NAME: expr;  (quiescent end states)
struct CondDecl {
  SrcLoc loc;
  std::string name;
  ExprPtr cond;
};

enum class Quantifier { Never, Sometimes, Always };

// exists (expr);  or  exists NAME: expr;   counted over quiescent end states; judged by an
// expectation item (`exists sometimes;`, `exists NAME never;`)
struct ExistsDecl {
  SrcLoc loc;
  std::string name;  // empty: the unnamed clause (at most one)
  ExprPtr cond;
};

enum class Verdict { Holds, Violated };
enum class ModeSel { Both, Debug, NoDebug };

struct ExpectItem {
  enum Kind {
    Property,     // NAME holds|violated;      (assertion label, invariant, final, or builtin
                  //                            property such as deadlock / nontermination)
    Class,        // class CLASS holds|violated;  (every property of a class: debug, warn, bug,
                  //                               harm, discipline, invariant, final, ...)
    States,       // states N;       (pinned count of distinct states, no reduction)
    Transitions,  // transitions N;
    Exists,       // exists [NAME] never|sometimes|always [N];   (N: number of end states
                  // satisfying; name: the clause, "" the unnamed one)
  } kind = Property;
  SrcLoc loc;
  std::string name;
  Verdict verdict = Verdict::Holds;
  Quantifier quant = Quantifier::Never;
  std::int64_t count = -1;  // States/Transitions; Exists: -1 when no count was given
  // States/Transitions: the reductions the count is pinned under (`states 949 with symmetry;`),
  // in properties::Outcome::reduced's form: "dead variables, por, symmetry" for a plain pin
  // (the default run),
  // "dead variables, symmetry" for `with symmetry`; "" (`with none`) = unreduced (--no-reduce).
  std::string reduced;
};

// expect B, F1+F3 debug { ... }   — the variants (each a '+'-joined switch set; "B" is the empty
// set) and the --debug-vm mode(s) this block applies to.
struct ExpectDecl {
  SrcLoc loc;
  std::string kernel;  // `expect kernel "v6.12" ...`: that library only; "" = every library
  std::vector<std::string> memory_models;  // `expect memory_model "tso" "pso" ...`: judged only
                                           // under those; none = under sc only
  // `expect set HPAGE_PMD_NR=8 NR_SLOTS=16 ...`: judged only by a run whose --set values are
  // exactly these (by name; a later --set of a name wins); none = only a run without --set.
  std::vector<std::pair<std::string, std::int64_t>> sets;
  std::vector<std::vector<std::string>> variants;
  std::vector<SrcLoc> variant_locs;
  ModeSel mode = ModeSel::Both;
  std::vector<ExpectItem> items;
};

struct ScenarioDecl {  // scenario NAME "one-line description";
  SrcLoc loc;
  std::string name;
  std::string doc;
};

// The whole model in source order (includes already spliced in, in order of first inclusion).
struct Model {
  std::vector<ScenarioDecl> scenarios;  // at most one; the parser does not check
  std::vector<ConstDecl> consts;
  std::vector<SwitchDecl> switches;
  std::vector<EnumDecl> enums;
  std::vector<TypedefDecl> typedefs;
  std::vector<StructDecl> structs;
  std::vector<VarDecl> globals;
  std::vector<FuncDecl> funcs;
  std::vector<ThreadDecl> threads;
  std::vector<InitDecl> inits;
  std::vector<CondDecl> invariants;
  std::vector<CondDecl> finals;
  std::vector<ExistsDecl> exists;
  std::vector<ExpectDecl> expects;
  // Declaration order across kinds matters for name resolution of constants and types only;
  // the compiler resolves names globally (a name may be used before its declaration) except
  // that constant expressions may not be cyclic.
};

}  // namespace pcmc::model::ast
