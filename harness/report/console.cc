#include "harness/report/console.h"

#include <cstdlib>
#include <iomanip>
#include <sstream>

#include "harness/scenario/duration.h"

namespace kuscia::harness::report {
namespace {

using runner::Verdict;

void Indented(std::ostream& out, const std::string& text, const std::string& indent) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out << indent << line << "\n";
}

}  // namespace

Result<bool> ResolveColor(const std::string& mode, bool is_terminal) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  if (mode == "auto") {
    const char* no_color = std::getenv("NO_COLOR");
    return is_terminal && !(no_color && *no_color);
  }
  return InvalidArgument("--color must be auto, always or never, got '" + mode + "'");
}

std::string ConsoleReport::Paint(const std::string& text, const char* code) const {
  return color_ ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
}

std::string ConsoleReport::VerdictLabel(Verdict v) const {
  std::string label(runner::VerdictName(v));
  label.resize(5, ' ');
  switch (v) {
    case Verdict::kPassed: return Paint(label, "32");
    case Verdict::kFailed: return Paint(label, "31;1");
    case Verdict::kError: return Paint(label, "35;1");
    case Verdict::kSkipped: return Paint(label, "33");
  }
  return label;
}

void ConsoleReport::Start(const runner::RunSummary& header, int total) {
  out_ << "kuscia-conform: " << total << " scenario" << (total == 1 ? "" : "s") << ", client " << header.client
       << ", target " << header.target << ", seed " << header.seed << ", run id " << header.run_id << "\n";
}

void ConsoleReport::Progress(const runner::ScenarioResult& r, int finished, int total) {
  int width = static_cast<int>(std::to_string(total).size());
  out_ << "[" << std::setw(width) << finished << "/" << total << "] " << VerdictLabel(r.verdict) << " " << r.name
       << " (" << r.file << ") " << FormatDuration(r.elapsed);
  if (r.verdict == Verdict::kSkipped) out_ << " - " << r.skip_reason;
  out_ << "\n";
  out_.flush();
}

void ConsoleReport::Failure(const runner::ScenarioResult& r) {
  out_ << "\n" << VerdictLabel(r.verdict) << " " << Paint(r.name, "1") << " (" << r.file << ")\n";
  for (size_t i = 0; i < r.steps.size(); ++i) {
    const runner::StepResult& s = r.steps[i];
    if (s.verdict == Verdict::kPassed) continue;
    out_ << "  " << (s.cleanup ? "cleanup step" : "step") << " \"" << s.name << "\" (" << s.where.ToString() << ")";
    if (!s.request.empty()) out_ << ": " << s.request;
    out_ << "\n";
    if (!s.error.empty()) out_ << "    error: " << s.error << "\n";
    for (const scenario::Mismatch& m : s.mismatches) {
      out_ << "    " << m.what << "\n";
      out_ << "      expected: " << Paint(m.expected, "32") << "\n";
      out_ << "      actual:   " << Paint(m.actual, "31") << "\n";
      if (!m.diff.empty()) {
        out_ << "      diff (expected -> actual):\n";
        Indented(out_, m.diff, "      ");
      }
    }
    if (!s.mismatches.empty() && s.outcome.transport == TransportClass::kOk) {
      std::string body = s.outcome.body.size() > 400 ? s.outcome.body.substr(0, 400) + "..." : s.outcome.body;
      out_ << "    response: HTTP " << s.outcome.http_status << " " << (body.empty() ? "(empty body)" : body) << "\n";
    }
    if (!s.curl.empty()) out_ << "    curl:  " << s.curl << "\n";
  }
  for (const std::string& leftover : r.leftovers) out_ << "  left behind: " << leftover << "\n";
  out_ << "  rerun: " << r.rerun << "\n";
}

void ConsoleReport::Finish(const runner::RunSummary& summary) {
  for (const runner::ScenarioResult& r : summary.scenarios) {
    if (r.verdict == Verdict::kFailed || r.verdict == Verdict::kError) Failure(r);
  }
  int passed = summary.Count(Verdict::kPassed), failed = summary.Count(Verdict::kFailed);
  int errors = summary.Count(Verdict::kError), skipped = summary.Count(Verdict::kSkipped);
  out_ << "\n" << summary.scenarios.size() << " scenarios: " << Paint(std::to_string(passed) + " passed", "32") << ", "
       << (failed ? Paint(std::to_string(failed) + " failed", "31;1") : "0 failed") << ", "
       << (errors ? Paint(std::to_string(errors) + " errors", "35;1") : "0 errors") << ", " << skipped << " skipped in "
       << FormatDuration(summary.elapsed) << " (client " << summary.client << ", seed " << summary.seed << ")\n";
}

}  // namespace kuscia::harness::report
