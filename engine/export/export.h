// `corun export`: a scenario as the Python 3.11 program it stands for.
//
// The spec's first rule says every construct has one exact Python asyncio
// counterpart; this prints it. The program uses the standard library only,
// reads like code a person wrote (PEP 8 layout, the scenario's own names and
// expression text), and run by CPython on the virtual clock of
// tests/oracle/vclock.py it prints what `corun run` prints.
//
// The generator works from the YAML tree (to keep every expression exactly
// as written) and from the compiled Program (already checked, with names
// resolved: it tells which modules the program uses). Callers compile the
// scenario first, so only valid scenarios reach it.
#pragma once

#include <string>

#include "engine/compile/code.h"
#include "engine/load/yaml_doc.h"

namespace corun {

// The Python program for a compiled scenario; `file_name` is named in the
// header comment.
std::string export_python(const YNode& root, const Program& program, const std::string& file_name);

// A Python string literal for `text` (double quotes unless single ones avoid
// escapes), valid in Python 3.11.
std::string python_string_literal(const std::string& text);

// A Python 3.11 expression that evaluates to what the scenario template
// `text` (an f-string body, `{{`/`}}` for braces, no escape processing)
// evaluates to in corun: an f-string with quotes chosen so that it is valid
// in 3.11, a plain string literal when it has no fields, and, when no
// f-string can hold a field (a backslash or '#' in it), a concatenation of
// str()/repr()/format() calls.
std::string python_template(const std::string& text);

}  // namespace corun
