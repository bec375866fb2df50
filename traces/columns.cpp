#include "traces/columns.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>

#include "traces/stuck.hpp"

namespace pcmc::traces {

namespace {

// Display width: code points (continuation bytes of UTF-8 do not count).
std::size_t width_of(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Byte offset of the first `cols` code points of `s`.
std::size_t prefix_bytes(const std::string& s, std::size_t cols) {
  std::size_t i = 0, n = 0;
  while (i < s.size()) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == cols) break;
      ++n;
    }
    ++i;
  }
  return i;
}

std::string pad(std::string s, std::size_t w) {
  std::size_t n = width_of(s);
  if (n < w) s.append(w - n, ' ');
  return s;
}

std::string rtrim(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// Wraps `text` into lines of at most `w` columns: the first indented by `first`, the others by
// `cont` (both capped so that some text always fits). Breaks at blanks where possible.
std::vector<std::string> wrap(const std::string& text, std::size_t first, std::size_t cont,
                              std::size_t w) {
  std::vector<std::string> out;
  std::string rest = text;
  const std::size_t cap = w > 8 ? w - 8 : 0;
  std::size_t ind = std::min(first, cap);
  for (;;) {
    std::size_t room = w - ind;
    if (width_of(rest) <= room) {
      out.push_back(std::string(ind, ' ') + rest);
      return out;
    }
    std::size_t cut = prefix_bytes(rest, room);
    std::size_t blank = rest.rfind(' ', cut);
    std::size_t take = blank != std::string::npos && blank > 0 ? blank : cut;
    out.push_back(std::string(ind, ' ') + rtrim(rest.substr(0, take)));
    rest = rest.substr(take);
    while (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
    if (rest.empty()) return out;
    ind = std::min(cont, cap);
  }
}

std::string depth_indent(std::size_t depth) { return std::string(std::min<std::size_t>(depth, 4) * 2, ' '); }

// Paths inside free text (deadlock details) shown as base names.
std::string base_names(const std::string& s) {
  static const std::regex path(R"([^ ;:]*/([^/ ;:]+:[0-9]+))");
  return std::regex_replace(s, path, "$1");
}

bool mentions(const std::string& text, const std::string& name) {
  for (std::size_t p = text.find(name); p != std::string::npos; p = text.find(name, p + 1)) {
    auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; };
    bool before = p == 0 || !ident(text[p - 1]);
    bool after = p + name.size() >= text.size() || !ident(text[p + name.size()]);
    if (before && after) return true;
  }
  return false;
}

}  // namespace

std::string violation_summary(const Trace& t) {
  const std::string& c = t.cls;
  if (c == "debug" || c == "warn" || c == "bug" || c == "harm") {
    std::string s = t.macro.empty() ? t.property : t.macro + "(" + t.text + ") " + t.property;
    if (t.function.empty()) return s + " fires";
    // An assertion written in the thread body names the thread, not a function.
    return s + " fires in " + (t.function == t.thread_name ? "thread " + t.function : t.function + "()");
  }
  if (c == "discipline" && !t.steps.empty()) {  // the report the last step raised
    for (const auto& e : t.steps.back().events)
      if (e.rfind("discipline: ", 0) == 0)
        return t.property + ": " + e.substr(12) +
               (t.function.empty() ? "" : " in " + t.function + "()");
  }
  if (c == "invariant" || c == "final") {
    std::string values;
    for (const auto& [name, value] : t.final_state)
      if (mentions(t.text, name)) values += (values.empty() ? "" : ", ") + name + "=" + value;
    return c + " " + t.property + " fails: " + t.text + (values.empty() ? "" : " (" + values + ")");
  }
  if (c == "nontermination") {
    std::string who = t.thread_name.empty() ? "a thread" : t.thread_name;
    return "nontermination: " + who + " never finishes: steps " +
           std::to_string(t.loop_start + 1) + ".." + std::to_string(t.steps.size()) +
           " repeat forever";
  }
  if (c == "deadlock") {  // "P0 blocked at f.pcm:15:24 <source>; ..." without the sources
    static const std::regex blocked(R"(([A-Za-z_][A-Za-z0-9_]*) blocked at ([^ ;]+:[0-9]+):[0-9]+)");
    const std::string d = base_names(t.detail);
    std::string out;
    for (std::sregex_iterator m(d.begin(), d.end(), blocked), end; m != end; ++m)
      out += (out.empty() ? "" : ", ") + (*m)[1].str() + " waits at " + (*m)[2].str();
    if (!out.empty()) return "deadlock: " + out;
  }
  return base_names(t.detail.empty() ? t.property + " violated" : t.detail);
}

std::string render_columns(const Trace& t, unsigned width) {
  constexpr std::size_t kGutter = 4, kSep = 2;
  std::map<unsigned, std::string> names;  // thread id → name, in id order
  for (const auto& s : t.steps) names.emplace(s.thread, s.thread_name);
  std::map<unsigned, std::size_t> column;
  for (const auto& [id, name] : names) column.emplace(id, column.size());
  const std::size_t n = std::max<std::size_t>(names.size(), 1);
  std::size_t avail = width > kGutter + kSep * (n - 1) ? width - kGutter - kSep * (n - 1) : n * 12;
  const std::size_t colw = std::max<std::size_t>(avail / n, 12);

  std::string out;
  auto row = [&](const std::string& gutter, std::size_t col, const std::string& cell) {
    std::string line = pad(gutter, kGutter);
    line += std::string(col * (colw + kSep), ' ') + cell;
    out += rtrim(line) + "\n";
  };
  if (!t.steps.empty()) {
    std::string head = std::string(kGutter, ' '), rule = head;
    for (const auto& [id, name] : names) {
      bool last = column[id] + 1 == n;
      std::string h = "CPU" + std::to_string(id) + " (" + name + ")";
      head += last ? h : pad(h, colw + kSep);
      rule += std::string(colw, '-') + (last ? "" : std::string(kSep, ' '));
    }
    out += rtrim(head) + "\n" + rule + "\n";
  }

  std::map<unsigned, std::vector<std::string>> shown;  // call chain drawn so far, per thread
  for (std::size_t i = 0; i < t.steps.size(); ++i) {
    const TraceStep& s = t.steps[i];
    if (t.loop_start >= 0 && static_cast<std::size_t>(t.loop_start) == i) {
      std::string mark = "---- the steps below repeat forever ----";
      out += rtrim(std::string(kGutter, ' ') + mark) + "\n";
    }
    std::vector<std::string> cell;
    auto add = [&](const std::string& text, std::size_t indent) {
      for (auto& l : wrap(text, indent, indent + 2, colw)) cell.push_back(l);
    };
    // The functions entered since this thread's previous step; the thread body (the outermost
    // frame, named after the thread) is the column itself.
    std::vector<std::string> calls = s.call_chain;
    if (!calls.empty() && calls.front() == s.thread_name) calls.erase(calls.begin());
    auto& chain = shown[s.thread];
    std::size_t k = 0;
    while (k < chain.size() && k < calls.size() && chain[k] == calls[k]) ++k;
    for (std::size_t d = k; d < calls.size(); ++d) add(calls[d] + "()", depth_indent(d).size());
    chain = calls;
    std::size_t ind = depth_indent(calls.size()).size();
    // A whole atomic block (kernel library style) says less than its function name and the
    // changes below it: drawn only when the step would otherwise show nothing.
    const std::string src = without_comments(s.source);
    const bool block = src.rfind("atomic {", 0) == 0;
    if (!block) add(src, ind);
    else if (cell.empty() && s.changes.empty() && s.events.empty()) add(s.function + "(): reads", ind);
    if (!s.changes.empty()) {
      std::string ch;
      for (const auto& c : s.changes)
        ch += (ch.empty() ? "" : ", ") + c.name + " " + c.before + "\u2192" + c.after;
      add("[" + ch + "]", ind + 2);
    }
    // tso/pso (docs/memory-models.md): a store that stays in the CPU's buffer, and a load's source.
    for (const auto& b : s.buffered) add("(buffered " + b + ")", ind + 2);
    for (const auto& r : s.reads) add("(read " + r + ")", ind + 2);
    for (const auto& e : s.events) add("!! " + base_names(e), ind + 2);
    std::string num = std::to_string(i + 1);
    num.insert(0, num.size() < 3 ? 3 - num.size() : 0, ' ');
    for (std::size_t l = 0; l < cell.size(); ++l) row(l == 0 ? num : "", column[s.thread], cell[l]);
  }
  if (!t.steps.empty()) out += "\n";
  std::vector<std::string> last = wrap(violation_summary(t), 3, 3, width);
  last.front().replace(0, 3, "=> ");
  for (const auto& l : last) out += l + "\n";
  return out;
}

}  // namespace pcmc::traces
