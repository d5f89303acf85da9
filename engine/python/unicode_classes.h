// Unicode 14.0 classes of one code point as Python 3.11's str predicates
// see them (tables in unicode_classes.cpp, generated from CPython's own
// unicodedata): the decimal digit value (Py_UNICODE_TODECIMAL: '٣' is 3),
// isdigit, isnumeric and isspace (Py_UNICODE_ISSPACE: \x1c-\x1f, \x85,
// \xa0, \u2000-\u200a, \u3000 ... as well as ASCII whitespace).
#pragma once

namespace corun {

int unicode_decimal(char32_t cp);  // 0..9, or -1 when cp is not a decimal digit
bool unicode_isdigit(char32_t cp);
bool unicode_isnumeric(char32_t cp);
bool unicode_isspace(char32_t cp);

}  // namespace corun
