#include "harness/runner/control_steps.h"

#include <limits>
#include <thread>

#include "harness/client/curl_client.h"
#include "harness/scenario/duration.h"
#include "harness/scenario/matchers.h"

namespace kuscia::harness::runner {
namespace {

using nlohmann::json;
using scenario::Mismatch;
using scenario::Step;
using Clock = std::chrono::steady_clock;

// A handshake failure is logged by the server as it happens, which may be a moment after the client saw
// it; an assertion on the handshake log waits this long for the count to be reached.
constexpr std::chrono::milliseconds kHandshakeSettle{2000};
constexpr std::chrono::milliseconds kHandshakePoll{20};
constexpr std::chrono::milliseconds kDefaultJournalWait{5000};

struct AdminCall {
  std::string method;
  std::string path;
  json body = json::object();
};

std::string PercentEncode(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' || c == '*') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string QueryString(const json& filter) {
  std::string query;
  for (const auto& [key, value] : filter.items()) {
    query += (query.empty() ? "?" : "&") + key + "=" + PercentEncode(value.is_string() ? value.get<std::string>()
                                                                                          : value.dump());
  }
  return query;
}

// The admin call a step makes, with the step's arguments (variables already expanded).
AdminCall CallFor(const std::string& kind, const json& args) {
  if (kind == "fault") return {"POST", "/admin/faults", args};
  if (kind == "clear_faults") return {"DELETE", "/admin/faults"};
  if (kind == "outcome") return {"POST", "/admin/outcomes", args};
  if (kind == "clear_outcomes") return {"DELETE", "/admin/outcomes"};
  if (kind == "advance_clock") return {"POST", "/admin/clock/advance", args};
  if (kind == "set_clock") return {"POST", "/admin/clock/set", args};
  if (kind == "wait_journal") {
    json body = {{"match", args.value("match", json::object())}, {"count", args.value("count", 1)}};
    if (args.contains("timeout")) body["timeout"] = args["timeout"];
    return {"POST", "/admin/journal/wait", body};
  }
  if (kind == "assert_journal") {
    json filter = args.value("match", json::object());
    filter["limit"] = 1000;
    return {"GET", "/admin/journal" + QueryString(filter)};
  }
  if (kind == "clear_journal") return {"DELETE", "/admin/journal"};
  if (kind == "assert_handshakes") {
    json filter = json::object();
    if (args.contains("cause")) filter["cause"] = args["cause"];
    return {"GET", "/admin/handshakes" + QueryString(filter)};
  }
  if (kind == "reset") return {"POST", "/admin/reset"};
  if (kind == "rotate_token") return {"POST", "/admin/credentials/token", args};
  if (kind == "server_cert") return {"POST", "/admin/credentials/server-cert", args};
  if (kind == "mode") return {"POST", "/admin/credentials/mode", args};
  return {"", ""};
}

// The curl command that makes the same call, for reports; a token in the body is never shown.
std::string AdminCurl(const ControlChannel& control, const AdminCall& call) {
  std::string command = "curl -sS -X " + call.method + " " + ShellQuote(control.url() + call.path);
  if (!call.body.empty()) {
    json shown = call.body;
    if (shown.contains("token")) shown["token"] = "<token>";
    command += " -H 'Content-Type: application/json' -d " + ShellQuote(shown.dump());
  }
  return command;
}

std::chrono::milliseconds WaitTimeout(const json& args) {
  if (!args.contains("timeout")) return kDefaultJournalWait;
  const json& t = args["timeout"];
  if (t.is_number_integer()) return std::chrono::milliseconds(t.get<int64_t>());
  Result<std::chrono::milliseconds> parsed = ParseDuration(t.is_string() ? t.get<std::string>() : "");
  return parsed.ok() ? *parsed : kDefaultJournalWait;
}

}  // namespace

StepResult RunControlStep(const Step& step, bool cleanup, StepContext& ctx) {
  StepResult r{.name = step.name, .where = step.where, .cleanup = cleanup};
  auto started = Clock::now();
  auto done = [&](Verdict v) {
    r.verdict = v;
    r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return r;
  };
  const ControlChannel* control = ctx.target.control();
  if (!control) {
    r.error = "control action '" + step.control.kind + "' needs the control plane, which this target does not have";
    return done(Verdict::kError);
  }
  Result<json> args = ctx.vars.ExpandJson(step.control.args);
  if (!args.ok()) {
    r.error = args.status().message();
    return done(Verdict::kError);
  }
  const std::string& kind = step.control.kind;
  AdminCall call = CallFor(kind, *args);
  if (call.method.empty()) {
    r.error = "control action '" + kind + "' is not known to this runner";
    return done(Verdict::kError);
  }
  r.request = call.method + " " + call.path;
  r.curl = AdminCurl(*control, call);
  if (kind == "reset") {  // the run's starting state includes its --fake-profile
    if (Status reset = ResetFake(ctx.target, ctx.options, ctx.client); !reset.ok()) {
      r.error = reset.message();
      return done(Verdict::kError);
    }
    return done(Verdict::kPassed);
  }

  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  if (kind == "wait_journal") timeout = WaitTimeout(*args) + std::chrono::seconds(2);
  // `count: N` or `count: {min, max}`.
  std::optional<std::pair<int, int>> want_count;
  if ((kind == "assert_journal" || kind == "assert_handshakes") && args->contains("count")) {
    const json& count = (*args)["count"];
    if (count.is_object()) {
      want_count = {count.value("min", 0), count.value("max", std::numeric_limits<int>::max())};
    } else {
      want_count = {count.get<int>(), count.get<int>()};
    }
  }
  auto count_holds = [&](size_t n) {
    return static_cast<int>(n) >= want_count->first && static_cast<int>(n) <= want_count->second;
  };
  auto count_text = [&] {
    if (want_count->first == want_count->second) return std::to_string(want_count->first);
    if (want_count->second == std::numeric_limits<int>::max()) return "at least " + std::to_string(want_count->first);
    return std::to_string(want_count->first) + ".." + std::to_string(want_count->second);
  };
  auto settle_until = Clock::now() + (kind == "assert_handshakes" ? kHandshakeSettle : std::chrono::milliseconds(0));

  json answer;
  while (true) {
    Result<json> reply = control->Call(call.method, call.path, call.body, timeout);
    ++r.attempts;
    if (!reply.ok()) {
      if (kind == "wait_journal" && reply.status().code() == StatusCode::kDeadlineExceeded) {
        r.mismatches.push_back({"journal", std::to_string(args->value("count", 1)) + " matching request(s) within " +
                                               std::to_string(WaitTimeout(*args).count()) + "ms",
                                reply.status().message()});
        return done(Verdict::kFailed);
      }
      r.error = reply.status().message();
      return done(Verdict::kError);
    }
    answer = std::move(*reply);
    if (!want_count || !answer.contains("entries")) break;
    if (count_holds(answer["entries"].size()) || Clock::now() >= settle_until) break;
    std::this_thread::sleep_for(kHandshakePoll);  // bounded by settle_until: the server logs asynchronously
  }
  if (kind == "rotate_token") answer.erase("token");  // a generated token is never kept or shown
  r.outcome.transport = TransportClass::kOk;
  r.outcome.http_status = 200;
  r.outcome.body = answer.dump();

  if (answer.contains("entries")) {
    json doc = {{"entries", answer["entries"]}, {"count", answer["entries"].size()}};
    if (want_count && !count_holds(answer["entries"].size())) {
      r.mismatches.push_back({kind == "assert_handshakes" ? "failed handshakes" : "journal entries", count_text(),
                              std::to_string(answer["entries"].size())});
    }
    std::vector<Mismatch> more = scenario::CheckMatchers(step.expect.body, doc, ctx.vars);
    r.mismatches.insert(r.mismatches.end(), more.begin(), more.end());
    r.outcome.body = doc.dump();
  }
  return done(r.mismatches.empty() ? Verdict::kPassed : Verdict::kFailed);
}

Status ResetFake(const Target& target, const RunnerOptions& options, Client& client) {
  if (!target.control()) return OkStatus();
  KC_RETURN_IF_ERROR(target.control()->Call("POST", "/admin/reset").status());
  if (options.fake_profile.empty()) return OkStatus();
  StepContext ctx{.target = target, .client = client, .options = options};
  ctx.deadline = Clock::now() + std::chrono::seconds(30);
  for (const Step& step : options.fake_profile) {
    StepResult r = step.is_control ? RunControlStep(step, false, ctx) : RunStep(step, false, ctx);
    if (r.verdict != Verdict::kPassed) {
      std::string why = r.error;
      for (const Mismatch& m : r.mismatches) why += (why.empty() ? "" : "; ") + m.what + ": " + m.actual;
      return FailedPrecondition("--fake-profile step '" + step.name + "' (" + step.where.ToString() + "): " + why);
    }
  }
  return OkStatus();
}

}  // namespace kuscia::harness::runner
