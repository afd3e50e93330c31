#include "harness/report/junit.h"

#include <cstdio>
#include <map>
#include <sstream>

namespace kuscia::harness::report {
namespace {

using runner::Verdict;

std::string Xml(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t') out += "?";  // not representable in XML 1.0
        else out += static_cast<char>(c);
    }
  }
  return out;
}

std::string Seconds(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

std::string FirstProblem(const runner::ScenarioResult& r) {
  for (const runner::StepResult& s : r.steps) {
    if (s.verdict == Verdict::kPassed) continue;
    if (!s.error.empty()) return "step \"" + s.name + "\": " + s.error;
    if (!s.mismatches.empty()) {
      const auto& m = s.mismatches.front();
      return "step \"" + s.name + "\": " + m.what + ": expected " + m.expected + ", got " + m.actual;
    }
  }
  if (!r.leftovers.empty()) return "left behind: " + r.leftovers.front();
  return std::string(runner::VerdictName(r.verdict));
}

}  // namespace

std::string FailureText(const runner::ScenarioResult& r) {
  std::ostringstream out;
  for (const runner::StepResult& s : r.steps) {
    if (s.verdict == Verdict::kPassed) continue;
    out << (s.cleanup ? "cleanup step" : "step") << " \"" << s.name << "\" (" << s.where.ToString() << ")";
    if (!s.request.empty()) out << ": " << s.request;
    out << "\n";
    if (!s.error.empty()) out << "  error: " << s.error << "\n";
    for (const scenario::Mismatch& m : s.mismatches) {
      out << "  " << m.what << ": expected " << m.expected << ", got " << m.actual << "\n";
      if (!m.diff.empty()) out << m.diff;
    }
    if (!s.curl.empty()) out << "  curl: " << s.curl << "\n";
  }
  for (const std::string& leftover : r.leftovers) out << "left behind: " << leftover << "\n";
  out << "rerun: " << r.rerun << "\n";
  return out.str();
}

std::string RenderJUnit(const runner::RunSummary& summary) {
  std::ostringstream out;
  int failures = summary.Count(Verdict::kFailed), errors = summary.Count(Verdict::kError);
  int skipped = summary.Count(Verdict::kSkipped);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"kuscia-conform\" tests=\"" << summary.scenarios.size() << "\" failures=\"" << failures
      << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\" time=\"" << Seconds(summary.elapsed) << "\">\n";
  out << "  <testsuite name=\"kuscia-conform." << Xml(summary.client) << "\" tests=\"" << summary.scenarios.size()
      << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\" time=\""
      << Seconds(summary.elapsed) << "\">\n";
  out << "    <properties>\n"
      << "      <property name=\"client\" value=\"" << Xml(summary.client) << "\"/>\n"
      << "      <property name=\"target\" value=\"" << Xml(summary.target) << "\"/>\n"
      << "      <property name=\"seed\" value=\"" << summary.seed << "\"/>\n"
      << "      <property name=\"run_id\" value=\"" << Xml(summary.run_id) << "\"/>\n"
      << "    </properties>\n";
  std::map<std::string, int> seen;
  for (const runner::ScenarioResult& r : summary.scenarios) {
    std::string name = r.name + " [" + summary.client + "]";
    if (int n = ++seen[name]; n > 1) name += " #" + std::to_string(n);
    out << "    <testcase classname=\"" << Xml(r.file) << "\" name=\"" << Xml(name) << "\" time=\"" << Seconds(r.elapsed)
        << "\"";
    switch (r.verdict) {
      case Verdict::kPassed:
        out << "/>\n";
        continue;
      case Verdict::kSkipped:
        out << ">\n      <skipped message=\"" << Xml(r.skip_reason) << "\"/>\n";
        break;
      case Verdict::kFailed:
      case Verdict::kError: {
        const char* element = r.verdict == Verdict::kFailed ? "failure" : "error";
        out << ">\n      <" << element << " message=\"" << Xml(FirstProblem(r)) << "\" type=\""
            << runner::VerdictName(r.verdict) << "\">" << Xml(FailureText(r)) << "</" << element << ">\n";
        break;
      }
    }
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

nlohmann::ordered_json RenderJson(const runner::RunSummary& summary) {
  using nlohmann::ordered_json;
  ordered_json scenarios = ordered_json::array();
  for (const runner::ScenarioResult& r : summary.scenarios) {
    ordered_json steps = ordered_json::array();
    for (const runner::StepResult& s : r.steps) {
      ordered_json mismatches = ordered_json::array();
      for (const auto& m : s.mismatches) {
        mismatches.push_back({{"what", m.what}, {"expected", m.expected}, {"actual", m.actual}, {"diff", m.diff}});
      }
      ordered_json outcome = {{"transport", TransportClassName(s.outcome.transport)},
                              {"http_status", s.outcome.http_status},
                              {"api_code", s.outcome.api_code ? ordered_json(*s.outcome.api_code) : ordered_json(nullptr)},
                              {"detail", s.outcome.detail}};
      steps.push_back({{"name", s.name}, {"where", s.where.ToString()}, {"cleanup", s.cleanup},
                       {"verdict", runner::VerdictName(s.verdict)}, {"request", s.request}, {"attempts", s.attempts},
                       {"elapsed_ms", s.elapsed.count()}, {"outcome", outcome}, {"mismatches", mismatches},
                       {"error", s.error}, {"curl", s.curl}});
    }
    scenarios.push_back({{"name", r.name}, {"file", r.file}, {"tags", r.tags}, {"verdict", runner::VerdictName(r.verdict)},
                         {"skip_reason", r.skip_reason}, {"elapsed_ms", r.elapsed.count()}, {"steps", steps},
                         {"leftovers", r.leftovers}, {"rerun", r.rerun}});
  }
  return {{"client", summary.client},
          {"target", summary.target},
          {"seed", summary.seed},
          {"run_id", summary.run_id},
          {"elapsed_ms", summary.elapsed.count()},
          {"counts",
           {{"passed", summary.Count(Verdict::kPassed)},
            {"failed", summary.Count(Verdict::kFailed)},
            {"errors", summary.Count(Verdict::kError)},
            {"skipped", summary.Count(Verdict::kSkipped)}}},
          {"exit_code", summary.ExitCode()},
          {"scenarios", scenarios}};
}

}  // namespace kuscia::harness::report
