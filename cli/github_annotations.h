// GitHub Actions workflow commands: under GITHUB_ACTIONS=true, `corun check`
// prints each diagnostic and `corun test` each failing scenario as an
// `::error file=F,line=L,col=C::MESSAGE` line on stdout, which the runner
// turns into an annotation on that line of the pull request.
//
// Escaping is the one actions/toolkit's command.ts does: in the message,
// '%' '\r' '\n' become %25 %0D %0A; in a property (the file name) ':' and
// ',' become %3A %2C too. Terminal colour codes never reach a message.
#pragma once

#include <string>

namespace corun::cli {

// Whether the environment is a GitHub Actions job (GITHUB_ACTIONS=true).
bool in_github_actions();

std::string escape_workflow_data(const std::string& s);
std::string escape_workflow_property(const std::string& s);

// One `::error ...::message` line, newline included. line/col 0: not given.
std::string workflow_error(const std::string& file, int line, int col, const std::string& message);

// `corun test`'s hook: for a scenario that failed with `report` (what its
// FAIL line is followed by, maybe coloured), the annotation pointing at the
// scenario file -- at the line its actual stderr names first (an error's
// `name.yaml:12:5`, a traceback's `name.yaml:12`), else line 1; "" outside
// GitHub Actions.
std::string github_test_failure(const std::string& scenario, const std::string& report);

}  // namespace corun::cli
