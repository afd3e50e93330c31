// The console report: a progress line per scenario as it finishes, then for each failure the step, the
// expected and actual outcome, the diff, the command that reruns it and the equivalent curl command,
// then a summary. Colour only when asked or when the stream is a terminal and NO_COLOR is unset.
//
//   ConsoleReport console(std::cout, ResolveColor("auto", isatty(1)));
//   console.Progress(result, 3, 12);
//   console.Finish(summary);
#pragma once

#include <ostream>
#include <string>

#include "api/status.h"
#include "harness/runner/results.h"

namespace kuscia::harness::report {

// --color auto|always|never; NO_COLOR (any non-empty value) turns "auto" off (https://no-color.org).
Result<bool> ResolveColor(const std::string& mode, bool is_terminal);

class ConsoleReport {
 public:
  ConsoleReport(std::ostream& out, bool color) : out_(out), color_(color) {}
  void Start(const runner::RunSummary& header, int total);
  void Progress(const runner::ScenarioResult& result, int finished, int total);
  void Finish(const runner::RunSummary& summary);

 private:
  std::string Paint(const std::string& text, const char* code) const;
  std::string VerdictLabel(runner::Verdict v) const;
  void Failure(const runner::ScenarioResult& result);

  std::ostream& out_;
  bool color_;
};

}  // namespace kuscia::harness::report
