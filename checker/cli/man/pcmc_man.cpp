// pcmc_man: writes the man page pcmc.1 at build time (checker/cli/CMakeLists.txt). The hand-
// written parts come from pcmc.1.in; the subcommands, every option and the exit codes come from
// option_table.cpp, the same table `pcmc --help` prints, so the page cannot drift from it.
//   pcmc_man TEMPLATE VERSION OUTPUT
// Placeholders in TEMPLATE: @VERSION@, @SYNOPSIS@, @COMMANDS@, @OPTIONS@, @EXIT_CODES@.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <boost/program_options.hpp>

#include "checker/cli/option_table.hpp"

namespace {

using pcmc::cli::OptionGroup;

// roff text: a backslash is \e, every '-' is \- (options must copy as ASCII hyphen-minus), and
// a line must not start with a control character ('.' or '\'').
std::string roff(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '\\')
      out += "\\e";
    else if (ch == '-')
      out += "\\-";
    else
      out += ch;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

std::string synopsis() {
  std::string s;
  for (const auto& sc : pcmc::cli::subcommands()) s += ".br\n" + roff(sc.synopsis) + "\n";
  return s;
}

std::string commands() {
  std::string s;
  for (const auto& sc : pcmc::cli::subcommands())
    s += ".TP\n\\fB" + roff(sc.synopsis) + "\\fR\n" + roff(sc.description) + "\n";
  return s;
}

// "-D [ --define ]" with parameter "arg" -> "\fB\-D\fR, \fB\-\-define\fR \fIarg\fR"; a default
// ("arg (=bfs)") follows as "(default: bfs)".
std::string option_heading(const boost::program_options::option_description& d) {
  std::string name = d.format_name();
  std::string head;
  if (name.size() >= 2 && name[0] == '-' && name[1] != '-')
    head = "\\fB" + roff(name.substr(0, 2)) + "\\fR, ";
  head += "\\fB\\-\\-" + roff(d.long_name()) + "\\fR";
  std::string param = d.format_parameter();
  if (param.empty()) return head;
  std::string dflt;
  if (auto open = param.find(" (="); open != std::string::npos) {
    dflt = param.substr(open + 3, param.size() - open - 4);
    param.erase(open);
  }
  head += " \\fI" + roff(param) + "\\fR";
  if (!dflt.empty()) head += " (default: " + roff(dflt) + ")";
  return head;
}

std::string options() {
  pcmc::cli::Options o;
  pcmc::cli::OptionChoices c;
  std::string s;
  for (const OptionGroup& g : pcmc::cli::option_groups(o, c)) {
    s += ".SS \"" + roff(g.caption) + "\"\n";
    for (const auto& d : g.options->options())
      s += ".TP\n" + option_heading(*d) + "\n" + roff(d->description()) + "\n";
  }
  return s;
}

void replace(std::string& text, const std::string& key, const std::string& value) {
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
    text.replace(at, key.size(), value);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: pcmc_man TEMPLATE VERSION OUTPUT\n";
    return 64;
  }
  std::ifstream in(argv[1]);
  std::stringstream page;
  page << in.rdbuf();
  if (!in) {
    std::cerr << "pcmc_man: cannot read " << argv[1] << "\n";
    return 66;
  }
  std::string text = page.str();
  replace(text, "@VERSION@", argv[2]);
  replace(text, "@SYNOPSIS@", synopsis());
  replace(text, "@COMMANDS@", commands());
  replace(text, "@OPTIONS@", options());
  replace(text, "@EXIT_CODES@", roff(pcmc::cli::kExitCodesText) + "\n");
  std::ofstream out(argv[3]);
  out << text;
  if (!out.flush()) {
    std::cerr << "pcmc_man: cannot write " << argv[3] << "\n";
    return 74;
  }
  return 0;
}
