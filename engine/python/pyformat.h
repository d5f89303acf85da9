// Python 3.11's exact text formatting of primitive values: repr()/str() of
// floats, ints and strings, and the format-spec mini-language of format().
//
// Everything here is a port of CPython's own algorithms (Python/pystrtod.c,
// Python/formatter_unicode.c, Objects/unicodeobject.c) so that the output is
// byte-identical, including the error messages.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
namespace corun::pyfmt {
// Thrown for an invalid spec or a spec that does not apply to the type; what() is
// Python's ValueError message text exactly, e.g. "Unknown format code 'd' for object of type 'float'".
// (The one non-ValueError case is format(n, 'c') with n outside range(0x110000), an
// OverflowError in Python: "%c arg not in range(0x110000)".)
struct FormatError : std::runtime_error { using std::runtime_error::runtime_error; };

std::string float_repr(double x);          // repr(x) == str(x): '3.0', '0.1', '1e+16', '1e-05', 'inf', '-inf', 'nan', '-0.0'
std::string int_str(int64_t v);
std::string str_repr(std::string_view utf8); // repr(s): quote choice ('...' unless the string contains ' and no "), escapes \n \t \r \\ \x.. \u.... for non-printables, printable non-ASCII kept as UTF-8 (emoji stay as they are)
std::string format_int(int64_t v, std::string_view spec);    // format(v, spec)
std::string format_float(double v, std::string_view spec);   // format(v, spec)
std::string format_str(std::string_view utf8, std::string_view spec); // format(s, spec)
std::string format_bool(bool v, std::string_view spec); // bool is an int subclass: format(True, '') == 'True', format(True, 'd') == '1', format(True, '>6') == '     1'
size_t utf8_length(std::string_view s);  // number of code points (Python len)
bool is_printable(char32_t cp);  // str.isprintable() of one code point (Python 3.11, Unicode 14.0)
}
