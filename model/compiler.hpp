// Internal to the compiler (model/compile*.cpp, model/lower_*.cpp): resolved types, the
// declaration tables and the lowering context. Not part of the public model API.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/ast.hpp"
#include "model/compile.hpp"
#include "model/program.hpp"

namespace pcmc::model::detail {

struct Type;
using TypeP = std::shared_ptr<const Type>;

// A resolved type. Alias is a parameter `T *p` where T has no pool: a compile-time reference to
// the caller's variable.
struct Type {
  enum Kind { Void, Bool, Int, Enum, Thread, Ref, Null, Struct, Array, Alias } kind = Void;
  std::int64_t lo = 0, hi = 0;  // Int
  int enum_id = -1;             // Enum
  int pool = -1;                // Ref
  int struct_id = -1;           // Struct; Ref: the pool's struct
  TypeP elem;                   // Array element, Alias pointee
  std::uint32_t count = 0;      // Array
  Type() = default;
  explicit Type(Kind k, std::int64_t l = 0, std::int64_t h = 0) : kind(k), lo(l), hi(h) {}
  bool is_scalar() const { return kind == Bool || kind == Int || kind == Enum || kind == Thread || kind == Ref; }
};

struct FieldRec {
  std::string name;
  TypeP type;
  std::uint32_t offset = 0;
  const ast::Expr* guard = nullptr;
  ExprId guard_expr = -1;
  int field_info = -1;
};

struct StructRec {
  std::string name;
  SrcLoc loc;
  std::vector<FieldRec> fields;
  std::uint32_t size = 0;
  int pool = -1;
  bool laid_out = false, laying_out = false;
  const ast::StructDecl* decl = nullptr;
};

struct PoolRec {
  int struct_id = -1;
  std::string name;
};

// A name in scope: an l-value (address) or a value (expression-function parameters, constants).
struct Binding {
  TypeP type;
  AddrId addr = -1;
  ExprId value = -1;
};

struct Typed {
  ExprId e = -1;
  TypeP type;
};

struct LValue {
  AddrId a = -1;
  TypeP type;
};

// Whole-program tables (built by compile_decl.cpp, used by lowering).
struct Tables {
  const ast::Model* model = nullptr;
  const SourceManager* sm = nullptr;
  CompileOptions opts;
  Program* prog = nullptr;
  std::vector<StructRec> structs;
  std::map<std::string, int> struct_ids;
  std::map<std::string, int> enum_ids;
  std::map<std::string, const ast::TypedefDecl*> typedefs;
  std::map<std::string, TypeP> typedef_types;
  std::vector<PoolRec> pools;
  std::map<std::string, Binding> globals;
  std::map<std::string, Binding> constants;     // consts, enumerators, switches, pool elements
  std::map<std::string, const ast::ConstDecl*> const_decls;
  std::map<std::string, int> const_state;       // 1 visiting, 2 done
  std::map<std::string, const ast::FuncDecl*> funcs;
  std::set<std::string> switches;
  std::map<std::string, std::uint32_t> site_by_loc;  // "file:line:col" -> AssertSite
  unsigned nthreads = 0;
};

// Lowering state of one thread (or init): the code being emitted and the frames/scopes.
struct LabelRec {
  std::uint32_t target = 0;
  bool defined = false;
  int atomic_region = 0;
  std::vector<std::pair<std::uint32_t, int>> patches;  // (instr, atomic region of the goto)
  std::vector<SrcLoc> goto_locs;
};

struct FrameCtx {
  const ast::FuncDecl* func = nullptr;  // null for thread bodies and init
  std::string name;                     // function or thread name
  std::int32_t frame = -1;
  std::vector<std::map<std::string, Binding>> scopes;
  std::map<std::string, LabelRec> labels;
  AddrId ret_addr = -1;                 // caller's temp for the return value
  TypeP ret_type;
  std::vector<std::uint32_t> return_patches;
  std::uint32_t base = 0;               // first local byte of this frame
  // The highest local byte in use at a return, break, continue or goto of this frame: such a
  // jump skips the Clears of the scopes it leaves, so the frame's exit clears up to here.
  std::uint32_t jump_top = 0;
};

struct LoopCtx {
  std::vector<std::uint32_t> breaks, continues;
};

class Compiler {
 public:
  Compiler(const ast::Model& m, const SourceManager& sm, const CompileOptions& o, Program& p);
  void run();

 private:
  // ---- declarations and types (compile_decl.cpp, compile_types.cpp)
  void declare();
  TypeP resolve_type(const ast::TypeExpr& t, bool param);
  TypeP array_of(TypeP elem, const std::vector<ast::ExprPtr>& dims);
  std::uint32_t size_of(const TypeP& t);
  void layout_struct(int id, SrcLoc use);
  Scalar scalar_of(const TypeP& t) const;
  std::int64_t const_int(const ast::Expr& e, const char* what);
  Binding constant(const std::string& name, SrcLoc use);
  std::int64_t default_value(const TypeP& t) const;
  void add_symbols(const std::string& name, const TypeP& t, std::uint32_t offset, int thread,
                   int frame);
  void check_recursion();
  void lower_guards();
  std::string type_name(const TypeP& t) const;
  std::string source_text(const ast::Expr& e) const;

  // ---- expressions: addresses and nodes (lower_expr.cpp), values and operators
  // (lower_ops.cpp), calls and inlining (lower_call.cpp), temporaries (lower_thread.cpp)
  Typed expr(const ast::Expr& e);
  Typed rvalue(const ast::Expr& e);       // expr, arrays/structs rejected
  Typed cond(const ast::Expr& e);         // a truth value (ints, bools, refs, threads)
  LValue lvalue(const ast::Expr& e);
  ExprId node(ENode n);
  ExprId konst(std::int64_t v);
  ExprId load(AddrId a, const TypeP& t);
  AddrId addr_node(ANode n);
  AddrId member(AddrId base, std::uint32_t off);
  Typed binary(const ast::Expr& e);
  Typed call_expr(const ast::Expr& e, bool want_value);
  Typed builtin(const ast::Expr& e, bool want_value, bool& handled);
  Typed barrier(const ast::Expr& e, bool want_value);  // lower_barrier.cpp
  void fence(FenceKind kind);
  void compute_store_buffers();
  bool is_expr_function(const ast::FuncDecl& f) const;
  void check_assignable(const TypeP& dst, const Typed& src, SrcLoc loc);
  bool touches_shared(ExprId e);
  bool addr_shared(AddrId a);
  const Binding* lookup(const std::string& name);
  AddrId temp(const TypeP& t);
  bool has_calls(const ast::Expr* e) const;  // a step-taking call (not an expression function)
  ExprId truth(const Typed& t, SrcLoc loc);  // normalise to 0/1
  Typed inline_call(const ast::Expr& e, const ast::FuncDecl& f, bool want_value);

  // ---- statements: control flow, assignments, declarations (lower_stmt.cpp); emission,
  // storage and whole threads (lower_thread.cpp); assertions (lower_call.cpp)
  void lower_thread(Thread& th, const ast::Stmt& body, const std::string& name, bool is_init);
  void stmt(const ast::Stmt& s);
  void assign(const ast::Stmt& s);
  void decl(const ast::VarDecl& d);
  std::uint32_t emit(Instr i);
  void emit_assign(AddrId a, ExprId v, const TypeP& t, SrcLoc loc);
  void assertion(const ast::Expr& call, AddrId store_to);
  std::uint32_t site_for(const ast::Expr& call, AssertClass cls, const std::string& macro,
                         const std::string& harm_name);
  AddrId alloc(std::uint32_t bytes);
  void release_to(std::uint32_t top);
  void bind_local(const std::string& name, const TypeP& t, AddrId a, SrcLoc loc);
  void check_function(const ast::FuncDecl& f);
  void loop(const ast::Stmt& s);
  void select(const ast::Stmt& s);
  void finish_frame();
  void note_jump_out();  // a jump that may leave scopes: FrameCtx::jump_top
  void release_frame();  // the frame's exit: clears its locals, those a jump skipped too
  ExprId truth_if_bool(const TypeP& dst, const Typed& v, SrcLoc loc);

  const ast::Model& m_;
  const SourceManager& sm_;
  CompileOptions opts_;
  Program& p_;
  Tables t_;

  // current thread lowering
  Thread* th_ = nullptr;
  int thread_id_ = -1;
  std::vector<FrameCtx> frames_;
  std::vector<LoopCtx> loops_;
  std::uint32_t top_ = kPcBytes, max_top_ = kPcBytes;
  int atomic_depth_ = 0, atomic_region_ = 0, next_region_ = 0;
  AtomicOrder atomic_order_ = AtomicOrder::Full;  // of the outermost atomic block
  bool pure_ = true;            // no instructions may be emitted (guards, consts, conditions)
  bool register_sites_ = true;  // false while type-checking functions no thread calls
  std::string pending_label_;   // label on the assertion being lowered
  ExprId self_ = -1;            // guard lowering: Self node
  TypeP self_type_;
  SrcLoc stmt_loc_;
  std::vector<signed char> shared_cache_e_, shared_cache_a_;
  std::set<const ast::FuncDecl*> lowered_funcs_;
  std::vector<std::string> call_stack_;
};

[[noreturn]] void fail(SrcLoc loc, const std::string& msg);

}  // namespace pcmc::model::detail
