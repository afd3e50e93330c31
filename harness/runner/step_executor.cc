#include "harness/runner/step_executor.h"

#include <strings.h>

#include <algorithm>
#include <thread>

#include "harness/client/curl_client.h"
#include "harness/runner/control_steps.h"
#include "harness/scenario/matchers.h"
#include "sys/files.h"

namespace kuscia::harness::runner {
namespace {

using nlohmann::json;
using scenario::IdentityOverride;
using scenario::Step;
using Clock = std::chrono::steady_clock;

Result<std::string> BuildBody(const Step& step, const StepContext& ctx) {
  switch (step.body_kind) {
    case Step::BodyKind::kNone:
      return std::string();
    case Step::BodyKind::kText:
      return ctx.vars.Expand(step.body_text);
    case Step::BodyKind::kJson: {
      KC_ASSIGN_OR_RETURN(json body, ctx.vars.ExpandJson(step.body));
      return body.dump();
    }
    case Step::BodyKind::kFile: {
      KC_ASSIGN_OR_RETURN(std::string text, sys::ReadFile(step.body_file));
      json body = json::parse(text, nullptr, false);
      if (body.is_discarded()) return InvalidArgument(step.body_file + " is not valid JSON");
      for (const auto& [pointer, value] : step.body.items()) {
        KC_ASSIGN_OR_RETURN(json expanded, ctx.vars.ExpandJson(value));
        body[json::json_pointer(pointer)] = expanded;
      }
      return body.dump();
    }
  }
  return Internal("unhandled body kind");
}

// Live runs must be able to find and remove what they create, so created ids carry the run id. A create
// the step expects to be refused (an invalid id such as "Bad_ID") may use any id: should the server accept
// it after all, the step fails and the leftover check names the job.
Status CheckRunIdPrefix(const Step& step, const std::string& body, const StepContext& ctx) {
  if (!ctx.target.info().live || step.path != "/api/v1/job/create") return OkStatus();
  const std::vector<int>& codes = step.expect.code;
  if (!codes.empty() && std::find(codes.begin(), codes.end(), 0) == codes.end()) return OkStatus();
  json doc = json::parse(body, nullptr, false);
  std::string job_id = doc.is_object() ? doc.value("job_id", "") : "";
  if (!job_id.empty() && job_id.rfind(ctx.run_id, 0) != 0) {
    return FailedPrecondition("job_id '" + job_id + "' does not start with the run id '" + ctx.run_id +
                              "'; a live run only creates ids built from ${run_id} or ${uid} so it can clean them up");
  }
  return OkStatus();
}

bool UntilHolds(const scenario::Until& until, const Outcome& o, const scenario::Variables& vars) {
  if (o.transport != TransportClass::kOk) return false;
  json doc = json::parse(o.body, nullptr, false);
  return !doc.is_discarded() && scenario::CheckMatchers(until.matchers, doc, vars).empty();
}

}  // namespace

Result<ClientIdentity> ResolveIdentity(const IdentityOverride& o, const Target& target) {
  ClientIdentity id = target.DefaultIdentity();
  std::filesystem::path dir = target.info().certs_dir;
  if (o.catalogue) {
    if (!target.info().catalogue_dir) return FailedPrecondition("this target has no certs catalogue");
    dir = *target.info().catalogue_dir / *o.catalogue;
    if (!std::filesystem::is_directory(dir)) {
      return NotFound("catalogue identity '" + *o.catalogue + "' not found under " +
                      target.info().catalogue_dir->string() + " (see docs/certs.md for the names)");
    }
    // A catalogue identity is the one thing broken about the client side: its client pair, CA and token.
    id = ClientIdentity::FromKusciaDir(dir);
    id.client_cert = dir / "kusciaapi-client.crt";
    id.client_key = dir / "kusciaapi-client.key";
  }
  switch (o.cert) {
    case IdentityOverride::Cert::kDefault: break;
    case IdentityOverride::Cert::kNone:
      id.client_cert.reset();
      id.client_key.reset();
      break;
    case IdentityOverride::Cert::kServerPair:
      id.client_cert = dir / "kusciaapi-server.crt";
      id.client_key = dir / "kusciaapi-server.key";
      break;
    case IdentityOverride::Cert::kClientPair:
      id.client_cert = dir / "kusciaapi-client.crt";
      id.client_key = dir / "kusciaapi-client.key";
      break;
    case IdentityOverride::Cert::kMissingFiles:
      id.client_cert = dir / "no-such-dir" / "kusciaapi-server.crt";
      id.client_key = dir / "no-such-dir" / "kusciaapi-server.key";
      break;
  }
  switch (o.token) {
    case IdentityOverride::Token::kDefault: break;
    case IdentityOverride::Token::kNone:
      id.token_source = ClientIdentity::TokenSource::kNone;
      break;
    case IdentityOverride::Token::kWrong:
      id.token_source = ClientIdentity::TokenSource::kLiteral;
      id.token_literal = kWrongToken;
      break;
    case IdentityOverride::Token::kLiteral:
      id.token_source = ClientIdentity::TokenSource::kLiteral;
      id.token_literal = o.token_literal;
      break;
  }
  if (o.verify_server) id.verify_server = *o.verify_server;
  if (o.no_ca) id.ca_cert.reset();
  return id;
}

Result<ClientRequest> BuildRequest(const Step& step, const StepContext& ctx) {
  ClientRequest request;
  request.base_url = ctx.target.info().base_url;
  if (!step.scheme.empty()) {
    size_t colon = request.base_url.find("://");
    request.base_url = step.scheme + request.base_url.substr(colon == std::string::npos ? 0 : colon);
  }
  KC_ASSIGN_OR_RETURN(request.method, ctx.vars.Expand(step.method));
  KC_ASSIGN_OR_RETURN(request.path, ctx.vars.Expand(step.path));
  bool has_content_type = false;
  for (const auto& [name, value] : step.headers) {
    KC_ASSIGN_OR_RETURN(std::string expanded, ctx.vars.Expand(value));
    request.headers.emplace_back(name, expanded);
    if (name.size() == 12 && strncasecmp(name.c_str(), "content-type", 12) == 0) has_content_type = true;
  }
  if (step.content_type_json && !has_content_type) request.headers.emplace_back("Content-Type", "application/json");
  if (step.body_kind != Step::BodyKind::kNone) {
    KC_ASSIGN_OR_RETURN(std::string body, BuildBody(step, ctx));
    request.body = body;
  }
  KC_ASSIGN_OR_RETURN(request.identity, ResolveIdentity(step.identity, ctx.target));
  request.timeout = step.timeout.value_or(ctx.options.step_timeout);
  if (step.stream) {
    request.stream = StreamRead{.max_events = step.stream->max_events, .max_time = step.stream->max_time};
    request.timeout = step.stream->max_time;
  }
  return request;
}

StepResult RunStep(const Step& step, bool cleanup, StepContext& ctx) {
  StepResult r{.name = step.name, .where = step.where, .cleanup = cleanup};
  auto started = Clock::now();
  auto done = [&](Verdict v) {
    r.verdict = v;
    r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return r;
  };
  if (step.is_control) return RunControlStep(step, cleanup, ctx);
  Result<ClientRequest> built = BuildRequest(step, ctx);
  if (!built.ok()) {
    r.error = built.status().message();
    return done(Verdict::kError);
  }
  ClientRequest request = *built;
  r.request = request.method + " " + request.path;
  r.curl = CurlCommandLine(request);
  if (Status prefix = CheckRunIdPrefix(step, request.body.value_or(""), ctx); !prefix.ok()) {
    r.error = prefix.message();
    return done(Verdict::kError);
  }

  // Cleanup steps without written expectations only need an answer: they remove what may not exist.
  scenario::Expectation expect = step.expect;
  if (cleanup && expect.code == std::vector<int>{0} && expect.body.empty()) expect.code.clear();

  if (step.stream) {
    // The read runs on its own client while the `during` steps act (a job deleted while watching).
    Result<std::unique_ptr<Client>> stream_client = MakeClient(ctx.options.client_spec);
    if (!stream_client.ok()) {
      r.error = stream_client.status().message();
      return done(Verdict::kError);
    }
    Result<Outcome> streamed = Status(StatusCode::kInternal, "the stream read did not run");
    std::thread reader([&] { streamed = (*stream_client)->Send(request); });
    std::vector<scenario::Mismatch> during_failures;
    for (const Step& inner : step.during) {
      StepResult d = RunStep(inner, cleanup, ctx);
      if (d.verdict == Verdict::kPassed) continue;
      if (!d.error.empty()) during_failures.push_back({"during '" + d.name + "'", "it runs", d.error});
      for (const auto& m : d.mismatches) {
        during_failures.push_back({"during '" + d.name + "': " + m.what, m.expected, m.actual, m.diff});
      }
      break;  // later steps build on this one
    }
    reader.join();
    r.attempts = 1;
    if (!streamed.ok()) {
      r.error = ctx.client.name() + " client: " + streamed.status().message();
      return done(Verdict::kError);
    }
    r.outcome = *streamed;
    r.mismatches = scenario::CheckExpectation(step.expect, r.outcome, ctx.vars);
    r.mismatches.insert(r.mismatches.end(), during_failures.begin(), during_failures.end());
    return done(r.mismatches.empty() ? Verdict::kPassed : Verdict::kFailed);
  }
  auto poll_deadline = step.until ? std::min(ctx.deadline, Clock::now() + step.until->timeout) : ctx.deadline;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(poll_deadline - Clock::now());
    if (left.count() <= 0) {
      r.error = step.until ? "" : "the scenario's time budget (--timeout) ran out before this step";
      if (!step.until) return done(Verdict::kError);
    } else {
      request.timeout = std::min(request.timeout, left);
      Result<Outcome> outcome = ctx.client.Send(request);
      ++r.attempts;
      if (!outcome.ok()) {
        r.error = ctx.client.name() + " client: " + outcome.status().message();
        return done(Verdict::kError);
      }
      r.outcome = *outcome;
      if (!step.until || UntilHolds(*step.until, r.outcome, ctx.vars)) break;
    }
    if (Clock::now() + step.until->interval >= poll_deadline) {
      std::vector<scenario::Mismatch> why;
      json doc = json::parse(r.outcome.body, nullptr, false);
      if (r.outcome.transport != TransportClass::kOk) {
        why.push_back({"until (transport)", "ok", std::string(TransportClassName(r.outcome.transport))});
      } else if (doc.is_discarded()) {
        why.push_back({"until (body)", "JSON", scenario::Preview(json(r.outcome.body), 120)});
      } else {
        why = scenario::CheckMatchers(step.until->matchers, doc, ctx.vars);
      }
      for (auto& m : why) m.what = "until " + m.what;
      r.mismatches = std::move(why);
      r.mismatches.insert(r.mismatches.begin(),
                          {"until", "the condition within " + std::to_string(step.until->timeout.count()) + "ms",
                           "not met after " + std::to_string(r.attempts) + " attempts; last response below"});
      return done(Verdict::kFailed);
    }
    std::this_thread::sleep_for(step.until->interval);  // polling interval, bounded by the deadline above
  }

  r.mismatches = scenario::CheckExpectation(expect, r.outcome, ctx.vars);
  json doc = json::parse(r.outcome.body, nullptr, false);
  if (request.path == "/api/v1/job/create" && r.outcome.api_code == 0 && doc.is_object()) {
    const json* id = doc.contains("data") && doc["data"].is_object() && doc["data"].contains("job_id")
                         ? &doc["data"]["job_id"] : nullptr;
    if (id && id->is_string()) ctx.created_jobs.push_back(id->get<std::string>());
  }
  if (!r.mismatches.empty()) return done(Verdict::kFailed);
  for (const auto& [name, pointer] : step.captures) {
    json::json_pointer p(pointer);
    if (doc.is_discarded() || !doc.contains(p)) {
      r.mismatches.push_back({"capture " + name, "a value at " + pointer, "nothing there"});
      return done(Verdict::kFailed);
    }
    const json& value = doc.at(p);
    ctx.vars.Set(name, value.is_string() ? value.get<std::string>() : value.dump());
  }
  return done(Verdict::kPassed);
}

std::vector<std::string> FindLeftovers(StepContext& ctx) {
  std::vector<std::string> leftovers;
  for (const std::string& job : ctx.created_jobs) {
    ClientRequest query;
    query.base_url = ctx.target.info().base_url;
    query.path = "/api/v1/job/query";
    query.headers = {{"Content-Type", "application/json"}};
    query.body = json{{"job_id", job}}.dump();
    query.identity = ctx.target.DefaultIdentity();
    query.timeout = ctx.options.step_timeout;
    Result<Outcome> o = ctx.client.Send(query);
    // Only a positive answer counts: a query that fails for another reason is not proof of a leftover.
    if (o.ok() && o->transport == TransportClass::kOk && o->api_code == 0) {
      leftovers.push_back("job " + job + " still exists (add a cleanup step: call job.delete)");
    }
  }
  return leftovers;
}

}  // namespace kuscia::harness::runner
