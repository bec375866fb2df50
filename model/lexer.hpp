// The lexer of pcmc model files: C tokens plus `#include` / `#define` lines.
//
// Keywords are contextual: the lexer returns identifiers, and the parser decides (so kernel
// names such as `index`, `next`, `states` stay usable as identifiers).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/source.hpp"

namespace pcmc::model {

enum class Tok : std::uint8_t {
  End,
  Ident,
  Int,
  String,
  Punct,     // text holds the punctuator: "(", "->", "<<=", ...
  Include,   // #include "path": text holds the path
  Define,    // #define NAME (value 0) or #default NAME (value 1): text holds NAME; the
             // expression follows up to DefineEnd
  DefineEnd,
};

struct Token {
  Tok kind = Tok::End;
  std::string text;
  std::int64_t value = 0;  // Int
  SrcLoc loc;
};

// Tokenises one file. Throws CompileError on a bad character, an unterminated string or
// comment, an integer literal that does not fit, or an unknown preprocessor directive.
std::vector<Token> lex(const SourceManager& sm, std::uint32_t file);

}  // namespace pcmc::model
