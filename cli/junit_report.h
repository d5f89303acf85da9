// `corun test --junit FILE`: the run as JUnit XML, in the shape Jenkins,
// GitLab, GitHub's test reporters and pytest/Jest's reporters share: one
// <testsuites> holding one <testsuite name="corun test">, one <testcase>
// per scenario (classname: its directory with `/` as `.`, name: its file
// name, file: its path, time: seconds), a <failure message="..."> whose
// text is the whole report (diffs included, without colour) for a failed
// one, <skipped message="..."/> for one deselected by -k. Problems that are
// not a scenario's (an unused golden file, a link in the tree) are failed
// testcases of classname "corun test". The text is escaped for XML 1.0:
// characters XML cannot hold (control characters, invalid UTF-8) become
// U+FFFD.
#pragma once

#include <string>
#include <vector>

namespace corun::cli {

struct JunitCase {
  enum class Kind { kPassed, kFailed, kSkipped };
  std::string classname;
  std::string name;
  std::string file;     // "" = none
  double seconds = 0;   // time it ran (0 when it did not)
  Kind kind = Kind::kPassed;
  std::string message;  // failure / skipped message (one line)
  std::string details;  // failure text
};

// The whole document. `timestamp` is ISO 8601 (local time without zone, as
// the JUnit XSD has it); `seconds` the run's wall time.
std::string junit_xml(const std::vector<JunitCase>& cases, double seconds, const std::string& timestamp,
                      const std::string& hostname);

// A scenario's classname and name from its shown path
// ("scenarios/a/b.yaml" -> "scenarios.a", "b.yaml").
void junit_names(const std::string& shown, std::string& classname, std::string& name);

}  // namespace corun::cli
