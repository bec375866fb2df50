// The compiled program's names, for the checker's static analyses of a Program's code
// (program_symmetry.cpp, program_frames.cpp, frame_area_types.cpp). Include it inside an
// anonymous namespace of a .cpp file only: it brings the names into that scope.
#pragma once

#include "model/program.hpp"

namespace pcmc::checker::program_names {

using model::AddrId;
using model::ANode;
using model::AOp;
using model::ENode;
using model::EOp;
using model::ExprId;
using model::Instr;
using model::IOp;
using model::Program;
using model::Scalar;
using model::ScalarKind;
using model::SrcLoc;

}  // namespace pcmc::checker::program_names
