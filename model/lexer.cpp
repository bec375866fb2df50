#include "model/lexer.hpp"

#include <cctype>

namespace pcmc::model {

namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

const char* const kPuncts[] = {"<<=", ">>=", "...", "->", "++", "--", "&&", "||", "<<", ">>",
                               "<=",  ">=",  "==",  "!=", "+=", "-=", "*=", "/=", "%=", "&=",
                               "|=",  "^=",  "..",  "(",  ")",  "{",  "}",  "[",  "]",  ";",
                               ",",   ".",   ":",   "?",  "+",  "-",  "*",  "/",  "%",  "&",
                               "|",   "^",   "~",   "!",  "<",  ">",  "="};

class Lexer {
 public:
  Lexer(const SourceManager& sm, std::uint32_t file) : text_(sm.file(file).text), file_(file) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    bool line_start = true;
    bool in_define = false;
    while (true) {
      // Whitespace and comments; a newline ends a #define.
      while (i_ < text_.size()) {
        char c = text_[i_];
        if (c == '\n') {
          if (in_define) {
            out.push_back(tok(Tok::DefineEnd, ""));
            in_define = false;
          }
          advance();
          line_start = true;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
          advance();
        } else if (c == '/' && peek(1) == '/') {
          while (i_ < text_.size() && text_[i_] != '\n') advance();
        } else if (c == '/' && peek(1) == '*') {
          SrcLoc start = here();
          advance();
          advance();
          while (i_ < text_.size() && !(text_[i_] == '*' && peek(1) == '/')) advance();
          if (i_ >= text_.size()) throw CompileError(start, "unterminated comment");
          advance();
          advance();
        } else {
          break;
        }
      }
      if (i_ >= text_.size()) {
        if (in_define) out.push_back(tok(Tok::DefineEnd, ""));
        out.push_back(tok(Tok::End, ""));
        return out;
      }
      char c = text_[i_];
      SrcLoc loc = here();
      if (c == '#') {
        if (!line_start) throw CompileError(loc, "'#' must start a line");
        advance();
        while (i_ < text_.size() && (text_[i_] == ' ' || text_[i_] == '\t')) advance();
        std::string word = ident();
        if (word == "include") {
          skip_blanks();
          if (i_ >= text_.size() || text_[i_] != '"')
            throw CompileError(here(), "expected \"file\" after #include");
          Token t = string_lit();
          t.kind = Tok::Include;
          t.loc = loc;
          out.push_back(t);
        } else if (word == "define" || word == "default") {
          skip_blanks();
          SrcLoc nloc = here();
          std::string name = ident();
          if (name.empty()) throw CompileError(nloc, "expected a name after #" + word);
          Token t;
          t.kind = Tok::Define;
          t.text = name;
          t.value = word == "default";  // #default: a library's value that a #define/const overrides
          t.loc = nloc;
          out.push_back(t);
          in_define = true;
        } else {
          throw CompileError(loc, "unknown preprocessor directive '#" + word +
                                      "'; variants are switches: see docs/language.md");
        }
        line_start = false;
        continue;
      }
      line_start = false;
      if (ident_start(c)) {
        Token t;
        t.kind = Tok::Ident;
        t.loc = loc;
        t.text = ident();
        out.push_back(t);
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        out.push_back(number());
      } else if (c == '"') {
        out.push_back(string_lit());
      } else {
        bool found = false;
        for (const char* p : kPuncts) {
          std::string s(p);
          if (text_.compare(i_, s.size(), s) == 0) {
            if (s == "...") throw CompileError(loc, "unexpected '...' (a range is written lo..hi)");
            for (std::size_t k = 0; k < s.size(); ++k) advance();
            out.push_back(Token{Tok::Punct, s, 0, loc});
            found = true;
            break;
          }
        }
        if (!found) {
          unsigned char u = static_cast<unsigned char>(c);
          std::string shown = std::isprint(u) ? std::string("'") + c + "'"
                                              : "byte 0x" + hex(u);
          throw CompileError(loc, "unexpected character " + shown);
        }
      }
    }
  }

 private:
  static std::string hex(unsigned v) {
    const char* d = "0123456789abcdef";
    return std::string{d[(v >> 4) & 15], d[v & 15]};
  }
  char peek(std::size_t k) const { return i_ + k < text_.size() ? text_[i_ + k] : '\0'; }
  SrcLoc here() const { return SrcLoc{file_, line_, col_}; }
  void advance() {
    if (text_[i_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++i_;
  }
  void skip_blanks() {
    while (i_ < text_.size() && (text_[i_] == ' ' || text_[i_] == '\t')) advance();
  }
  Token tok(Tok k, std::string s) const { return Token{k, std::move(s), 0, here()}; }
  std::string ident() {
    std::string s;
    while (i_ < text_.size() && ident_char(text_[i_])) {
      s += text_[i_];
      advance();
    }
    return s;
  }
  Token number() {
    Token t;
    t.kind = Tok::Int;
    t.loc = here();
    std::uint64_t v = 0;
    bool overflow = false;
    if (text_[i_] == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
      advance();
      advance();
      if (!std::isxdigit(static_cast<unsigned char>(peek(0))))
        throw CompileError(t.loc, "malformed hexadecimal literal");
      while (i_ < text_.size() && std::isxdigit(static_cast<unsigned char>(text_[i_]))) {
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text_[i_])));
        unsigned d = c <= '9' ? static_cast<unsigned>(c - '0') : static_cast<unsigned>(c - 'a' + 10);
        if (v > (0x7fffffffffffffffULL >> 4)) overflow = true;
        v = v * 16 + d;
        advance();
      }
    } else {
      while (i_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i_]))) {
        unsigned d = static_cast<unsigned>(text_[i_] - '0');
        if (v > (0x7fffffffffffffffULL - d) / 10) overflow = true;
        v = v * 10 + d;
        advance();
      }
    }
    // C suffixes (UL, U, L) are accepted and ignored.
    while (i_ < text_.size() && (text_[i_] == 'u' || text_[i_] == 'U' || text_[i_] == 'l' ||
                                 text_[i_] == 'L'))
      advance();
    if (i_ < text_.size() && ident_char(text_[i_]))
      throw CompileError(t.loc, "malformed number");
    if (overflow) throw CompileError(t.loc, "integer literal too large");
    t.value = static_cast<std::int64_t>(v);
    t.text = std::to_string(v);
    return t;
  }
  Token string_lit() {
    Token t;
    t.kind = Tok::String;
    t.loc = here();
    advance();  // opening quote
    while (true) {
      if (i_ >= text_.size() || text_[i_] == '\n')
        throw CompileError(t.loc, "unterminated string literal");
      char c = text_[i_];
      if (c == '"') {
        advance();
        break;
      }
      if (c == '\\') {
        advance();
        if (i_ >= text_.size()) throw CompileError(t.loc, "unterminated string literal");
        char e = text_[i_];
        switch (e) {
          case 'n': t.text += '\n'; break;
          case 't': t.text += '\t'; break;
          case '"': t.text += '"'; break;
          case '\\': t.text += '\\'; break;
          default: throw CompileError(here(), std::string("unknown escape '\\") + e + "'");
        }
        advance();
        continue;
      }
      t.text += c;
      advance();
    }
    return t;
  }

  const std::string& text_;
  std::uint32_t file_;
  std::size_t i_ = 0;
  std::uint32_t line_ = 1, col_ = 1;
};

}  // namespace

std::vector<Token> lex(const SourceManager& sm, std::uint32_t file) {
  return Lexer(sm, file).run();
}

}  // namespace pcmc::model
