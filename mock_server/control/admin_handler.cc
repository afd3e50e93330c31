#include "mock_server/control/admin_handler.h"

#include <openssl/crypto.h>

#include <charconv>
#include <random>

#include "mock_server/engine/clock.h"
#include "mock_server/faults/duration.h"
#include "mock_server/journal/journal_json.h"

namespace kuscia::mock::control {
namespace {

using transport::HttpRequest;
using transport::HttpResponse;
using transport::ResponseWriter;
using Json = nlohmann::ordered_json;
using Reply = AdminHandler::Reply;
using Call = AdminHandler::Call;

constexpr std::chrono::milliseconds kDefaultWaitTimeout{5000};
constexpr std::chrono::milliseconds kMaxWaitTimeout{600000};
constexpr size_t kDefaultJournalLimit = 1000;

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kPermissionDenied: return 401;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kDeadlineExceeded: return 408;
    case StatusCode::kUnimplemented: return 501;
    default: return 500;
  }
}

Reply ErrorReply(const Status& status) {
  return Reply{HttpStatusFor(status.code()),
               Json{{"error", {{"code", std::string(StatusCodeName(status.code()))}, {"message", status.message()}}}}};
}

Reply OkReply(Json body = Json::object()) { return Reply{200, std::move(body)}; }

HttpResponse ToHttp(const Reply& reply) {
  HttpResponse response;
  response.status = reply.status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = reply.body.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  return response;
}

std::string GenerateToken() {
  // Kuscia's tokens are 32 characters of the base64 alphabet; a rotated one looks the same.
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::random_device device;
  std::string token(32, 'A');
  for (char& c : token) c = kAlphabet[device() % 64];
  return token;
}

Result<std::string> StringField(const nlohmann::json& body, const char* key, const char* example) {
  auto found = body.find(key);
  if (found == body.end() || !found->is_string()) {
    return InvalidArgument(std::string("this endpoint needs \"") + key + "\" as a string, e.g. " + example);
  }
  return found->get<std::string>();
}

Status CheckKeys(const nlohmann::json& body, std::initializer_list<std::string_view> accepted) {
  for (const auto& [key, value] : body.items()) {
    bool ok = false;
    for (std::string_view a : accepted) ok = ok || key == a;
    if (!ok) {
      std::string names;
      for (std::string_view a : accepted) names += (names.empty() ? "" : ", ") + std::string(a);
      return InvalidArgument("key '" + key + "' is not understood here; this endpoint takes: " + names);
    }
  }
  return OkStatus();
}

// ---- endpoints ----

Reply GetState(ControlPlane& c, const Call&) { return OkReply(c.State()); }

Reply PostReset(ControlPlane& c, const Call&) {
  Status status = c.Reset();
  return status.ok() ? OkReply(Json{{"reset", true}}) : ErrorReply(status);
}

Reply GetClock(ControlPlane& c, const Call&) { return OkReply(c.ClockJson()); }

Reply PostClockAdvance(ControlPlane& c, const Call& call) {
  Status keys = CheckKeys(call.body, {"by"});
  if (!keys.ok()) return ErrorReply(keys);
  if (!call.body.contains("by")) {
    return ErrorReply(InvalidArgument("this endpoint needs \"by\": how far to move the clock, e.g. {\"by\":\"2s\"}"));
  }
  Result<std::chrono::milliseconds> by = faults::DurationFromJson(call.body["by"], "'by'");
  if (!by.ok()) return ErrorReply(by.status());
  Status status = c.AdvanceClock(*by);
  return status.ok() ? OkReply(c.ClockJson()) : ErrorReply(status);
}

Reply PostClockSet(ControlPlane& c, const Call& call) {
  Status keys = CheckKeys(call.body, {"to"});
  if (!keys.ok()) return ErrorReply(keys);
  Result<std::string> to = StringField(call.body, "to", "{\"to\":\"2025-04-16T10:42:55Z\"}");
  if (!to.ok()) return ErrorReply(to.status());
  Result<engine::TimePoint> when = engine::ParseRfc3339(*to);
  if (!when.ok()) {
    return ErrorReply(InvalidArgument("'to' must be a UTC time like 2025-04-16T10:42:55Z, got '" + *to + "'"));
  }
  Status status = c.SetClock(*when);
  return status.ok() ? OkReply(c.ClockJson()) : ErrorReply(status);
}

Reply GetOutcomes(ControlPlane& c, const Call&) {
  Json rules = Json::array();
  for (const auto& listed : c.outcomes().List()) {
    Json rule = {{"id", listed.id}};
    rule.update(OutcomeRuleToJson(listed.rule));
    rule["applied"] = listed.applied;
    rules.push_back(std::move(rule));
  }
  return OkReply(Json{{"outcomes", std::move(rules)}});
}

Reply PostOutcome(ControlPlane& c, const Call& call) {
  Result<OutcomeRule> rule = ParseOutcomeRule(call.body);
  if (!rule.ok()) return ErrorReply(rule.status());
  return OkReply(Json{{"id", c.outcomes().Add(*std::move(rule))}});
}

Reply DeleteOutcomes(ControlPlane& c, const Call&) {
  c.outcomes().Clear();
  return OkReply(Json{{"deleted", "all"}});
}

Reply DeleteOutcome(ControlPlane& c, const Call& call) {
  if (!c.outcomes().Remove(call.id)) {
    return ErrorReply(NotFound("no outcome rule " + std::to_string(call.id) + "; GET /admin/outcomes lists them"));
  }
  return OkReply(Json{{"deleted", call.id}});
}

Reply GetFaults(ControlPlane& c, const Call&) {
  Json rules = Json::array();
  for (const auto& state : c.faults().List()) rules.push_back(faults::RuleStateToJson(state));
  return OkReply(Json{{"faults", std::move(rules)}});
}

Reply GetFaultKinds(ControlPlane&, const Call&) {
  Json kinds = Json::array();
  for (faults::FaultKind kind : faults::AllFaultKinds()) {
    kinds.push_back(Json{{"name", std::string(faults::FaultKindName(kind))},
                         {"meaning", std::string(faults::FaultKindMeaning(kind))},
                         {"unary", faults::AppliesToUnary(kind)},
                         {"stream", faults::AppliesToStream(kind)}});
  }
  return OkReply(Json{{"kinds", std::move(kinds)}});
}

Reply PostFault(ControlPlane& c, const Call& call) {
  Result<faults::FaultRule> rule = faults::ParseFaultRule(call.body);
  if (!rule.ok()) return ErrorReply(rule.status());
  return OkReply(Json{{"id", c.faults().Add(*std::move(rule))}});
}

Reply DeleteFaults(ControlPlane& c, const Call&) {
  c.faults().Clear();
  return OkReply(Json{{"deleted", "all"}});
}

Reply DeleteFault(ControlPlane& c, const Call& call) {
  if (!c.faults().Remove(call.id)) {
    return ErrorReply(NotFound("no fault rule " + std::to_string(call.id) + "; GET /admin/faults lists them"));
  }
  return OkReply(Json{{"deleted", call.id}});
}

Result<size_t> LimitFromQuery(std::string_view query) {
  std::optional<std::string> text = journal::QueryValue(query, "limit");
  if (!text) return kDefaultJournalLimit;
  size_t limit = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc() || end != text->data() + text->size() || limit == 0) {
    return InvalidArgument("'limit' must be a positive integer, got '" + *text + "'");
  }
  return limit;
}

Json JournalPage(const std::vector<journal::JournalEntry>& entries, const journal::JournalStats& stats) {
  Json list = Json::array();
  for (const journal::JournalEntry& e : entries) list.push_back(journal::EntryToJson(e));
  return Json{{"entries", std::move(list)}, {"stats", journal::StatsToJson(stats)}};
}

Reply GetJournal(ControlPlane& c, const Call& call) {
  Result<journal::JournalFilter> filter = journal::FilterFromQuery(call.request.query, {"limit"});
  if (!filter.ok()) return ErrorReply(filter.status());
  Result<size_t> limit = LimitFromQuery(call.request.query);
  if (!limit.ok()) return ErrorReply(limit.status());
  journal::JournalStats stats = c.journal().Stats();
  return OkReply(JournalPage(c.journal().Query(*filter, *limit), stats));
}

Reply DeleteJournal(ControlPlane& c, const Call&) {
  c.journal().Clear();
  return OkReply(Json{{"deleted", "all"}});
}

Reply GetHandshakes(ControlPlane& c, const Call& call) {
  std::string_view query = call.request.query;
  uint64_t since = 0;
  if (std::optional<std::string> text = journal::QueryValue(query, "since")) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), since);
    if (ec != std::errc() || end != text->data() + text->size()) {
      return ErrorReply(InvalidArgument("'since' must be a seq number, got '" + *text + "'"));
    }
  }
  std::string cause = journal::QueryValue(query, "cause").value_or("");
  Json list = Json::array();
  for (const auto& record : c.handshakes().Records(since, cause)) list.push_back(journal::HandshakeToJson(record));
  return OkReply(Json{{"entries", std::move(list)}, {"stats", journal::StatsToJson(c.handshakes().Stats())}});
}

Reply DeleteHandshakes(ControlPlane& c, const Call&) {
  c.handshakes().Clear();
  return OkReply(Json{{"deleted", "all"}});
}

Json CredentialsJson(ControlPlane& c) {
  CredentialState state = c.Credentials();
  return Json{{"mode", std::string(transport::ProtocolModeName(state.mode))},
              {"server_identity", state.server_identity},
              {"server_identities", c.ServerIdentityNames()},
              {"token_rotated", state.token_rotated},
              {"token_file_rewritten", state.token_file_rewritten}};
}

Reply GetCredentials(ControlPlane& c, const Call&) { return OkReply(CredentialsJson(c)); }

Reply PostToken(ControlPlane& c, const Call& call) {
  Status keys = CheckKeys(call.body, {"token", "write_file"});
  if (!keys.ok()) return ErrorReply(keys);
  bool generated = !call.body.contains("token");
  std::string token;
  if (generated) {
    token = GenerateToken();
  } else {
    Result<std::string> given = StringField(call.body, "token", "{\"token\":\"new-token\"}");
    if (!given.ok()) return ErrorReply(given.status());
    token = *given;
  }
  bool write_file = false;
  if (call.body.contains("write_file")) {
    if (!call.body["write_file"].is_boolean()) {
      return ErrorReply(InvalidArgument("'write_file' must be true or false"));
    }
    write_file = call.body["write_file"].get<bool>();
  }
  Status status = c.RotateToken(token, write_file);
  if (!status.ok()) return ErrorReply(status);
  Json body = CredentialsJson(c);
  // The caller chose the token or may read it from the file; a generated one is shown once, here only.
  if (generated) body["token"] = token;
  return OkReply(std::move(body));
}

Reply PostServerCert(ControlPlane& c, const Call& call) {
  Status keys = CheckKeys(call.body, {"identity"});
  if (!keys.ok()) return ErrorReply(keys);
  Result<std::string> identity = StringField(call.body, "identity", "{\"identity\":\"server-expired\"}");
  if (!identity.ok()) return ErrorReply(identity.status());
  Status status = c.UseServerIdentity(*identity);
  return status.ok() ? OkReply(CredentialsJson(c)) : ErrorReply(status);
}

Reply PostMode(ControlPlane& c, const Call& call) {
  Status keys = CheckKeys(call.body, {"mode"});
  if (!keys.ok()) return ErrorReply(keys);
  Result<std::string> text = StringField(call.body, "mode", "{\"mode\":\"tls\"}");
  if (!text.ok()) return ErrorReply(text.status());
  Result<transport::ProtocolMode> mode = transport::ParseProtocolMode(*text);
  if (!mode.ok()) return ErrorReply(mode.status());
  Status status = c.SwitchMode(*mode);
  return status.ok() ? OkReply(CredentialsJson(c)) : ErrorReply(status);
}

struct Endpoint {
  std::string_view method;
  std::string_view path;  // with_id: the path before "/ID"
  bool with_id;
  std::string_view summary;
  Reply (*fn)(ControlPlane&, const Call&);  // null: handled asynchronously
};

Reply ListEndpoints(ControlPlane&, const Call&);

constexpr Endpoint kEndpoints[] = {
    {"GET", "/admin", false, "this list", ListEndpoints},
    {"GET", "/admin/state", false, "everything at once: clock, credentials, jobs, rules, journal stats", GetState},
    {"POST", "/admin/reset", false, "back to the starting state", PostReset},
    {"GET", "/admin/clock", false, "the engine's clock", GetClock},
    {"POST", "/admin/clock/advance", false, "move a manual clock forward: {\"by\":\"2s\"}", PostClockAdvance},
    {"POST", "/admin/clock/set", false, "set a manual clock: {\"to\":\"2025-04-16T10:42:55Z\"}", PostClockSet},
    {"GET", "/admin/outcomes", false, "outcome rules", GetOutcomes},
    {"POST", "/admin/outcomes", false, "add an outcome rule -> {\"id\":N}", PostOutcome},
    {"DELETE", "/admin/outcomes", false, "remove every outcome rule", DeleteOutcomes},
    {"DELETE", "/admin/outcomes", true, "remove outcome rule ID", DeleteOutcome},
    {"GET", "/admin/faults", false, "fault rules with their matched/fired counts", GetFaults},
    {"GET", "/admin/faults/kinds", false, "every fault kind and what it does", GetFaultKinds},
    {"POST", "/admin/faults", false, "add a fault rule -> {\"id\":N}", PostFault},
    {"DELETE", "/admin/faults", false, "remove every fault rule", DeleteFaults},
    {"DELETE", "/admin/faults", true, "remove fault rule ID", DeleteFault},
    {"GET", "/admin/journal", false, "journal entries: ?path=&method=&job_id=&status=&code=&fault=&since=&limit=",
     GetJournal},
    {"POST", "/admin/journal/wait", false, "wait for N matching requests: {\"match\":{...},\"count\":N,"
                                           "\"timeout\":\"5s\"}", nullptr},
    {"DELETE", "/admin/journal", false, "forget every journal entry", DeleteJournal},
    {"GET", "/admin/handshakes", false, "failed TLS handshakes: ?since=&cause=", GetHandshakes},
    {"DELETE", "/admin/handshakes", false, "forget every handshake record", DeleteHandshakes},
    {"GET", "/admin/credentials", false, "mode, server identity, whether the token was rotated", GetCredentials},
    {"POST", "/admin/credentials/token", false, "rotate the token: {\"token\":\"...\",\"write_file\":true}",
     PostToken},
    {"POST", "/admin/credentials/server-cert", false, "serve another certificate: {\"identity\":\"server-expired\"}",
     PostServerCert},
    {"POST", "/admin/credentials/mode", false, "switch protocol: {\"mode\":\"tls\"}", PostMode},
};

Reply ListEndpoints(ControlPlane&, const Call&) {
  Json list = Json::array();
  for (const Endpoint& e : kEndpoints) {
    list.push_back(Json{{"method", std::string(e.method)},
                        {"path", std::string(e.path) + (e.with_id ? "/ID" : "")},
                        {"summary", std::string(e.summary)}});
  }
  return OkReply(Json{{"endpoints", std::move(list)}, {"docs", "docs/control-plane.md"}});
}

// The trailing "/123" of `path` after `prefix`; nullopt when the path is not prefix + "/" + digits.
std::optional<uint64_t> TrailingId(std::string_view path, std::string_view prefix) {
  if (path.size() <= prefix.size() + 1 || path.substr(0, prefix.size()) != prefix || path[prefix.size()] != '/') {
    return std::nullopt;
  }
  std::string_view digits = path.substr(prefix.size() + 1);
  uint64_t id = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return id;
}

bool TokenMatches(std::string_view given, const std::string& expected) {
  return given.size() == expected.size() && CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

}  // namespace

AdminHandler::AdminHandler(ControlPlane& control, std::optional<std::string> admin_token)
    : control_(control), admin_token_(std::move(admin_token)) {}

void AdminHandler::Handle(HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
  auto send = [&writer](const Reply& reply) { writer->Send(ToHttp(reply)); };
  if (admin_token_) {
    std::string_view auth = request.Header("Authorization").value_or("");
    constexpr std::string_view kBearer = "Bearer ";
    if (auth.substr(0, kBearer.size()) != kBearer || !TokenMatches(auth.substr(kBearer.size()), *admin_token_)) {
      send(ErrorReply(PermissionDenied("this control plane needs 'Authorization: Bearer <token>' with the content "
                                       "of the file given to --admin-token")));
      return;
    }
  }
  const Endpoint* endpoint = nullptr;
  uint64_t id = 0;
  std::string allowed;
  for (const Endpoint& e : kEndpoints) {
    bool path_matches = false;
    if (e.with_id) {
      std::optional<uint64_t> trailing = TrailingId(request.path, e.path);
      path_matches = trailing.has_value();
      if (trailing) id = *trailing;
    } else {
      path_matches = request.path == e.path;
    }
    if (!path_matches) continue;
    if (e.method == request.method) {
      endpoint = &e;
      break;
    }
    allowed += (allowed.empty() ? "" : ", ") + std::string(e.method);
  }
  if (endpoint == nullptr) {
    if (!allowed.empty()) {
      Reply reply = ErrorReply(InvalidArgument(request.method + " is not allowed on " + request.path + "; use " + allowed));
      reply.status = 405;
      HttpResponse response = ToHttp(reply);
      response.headers.emplace_back("Allow", allowed);
      writer->Send(std::move(response));
      return;
    }
    send(ErrorReply(NotFound("no control-plane endpoint " + request.method + " " + request.path +
                             "; GET /admin lists them (docs/control-plane.md)")));
    return;
  }
  nlohmann::json body = nlohmann::json::object();
  if (!request.body.empty()) {
    body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) {
      send(ErrorReply(InvalidArgument("the request body must be a JSON object (or empty); got: " +
                                      request.body.substr(0, 80))));
      return;
    }
  }
  Call call{request, std::move(body), id};
  if (endpoint->fn == nullptr) {
    WaitForJournal(call, std::move(writer));
    return;
  }
  try {
    send(endpoint->fn(control_, call));
  } catch (const std::exception& e) {
    send(ErrorReply(Internal(std::string("control-plane endpoint failed: ") + e.what())));
  }
}

void AdminHandler::WaitForJournal(const Call& call, std::shared_ptr<ResponseWriter> writer) {
  Status keys = CheckKeys(call.body, {"match", "count", "timeout"});
  if (!keys.ok()) {
    writer->Send(ToHttp(ErrorReply(keys)));
    return;
  }
  Result<journal::JournalFilter> filter =
      journal::FilterFromJson(call.body.contains("match") ? call.body["match"] : nlohmann::json::object());
  if (!filter.ok()) {
    writer->Send(ToHttp(ErrorReply(filter.status())));
    return;
  }
  size_t count = 1;
  if (call.body.contains("count")) {
    const auto& value = call.body["count"];
    if (!value.is_number_integer() || value.get<int64_t>() < 1) {
      writer->Send(ToHttp(ErrorReply(InvalidArgument("'count' must be a positive integer, got " + value.dump()))));
      return;
    }
    count = value.get<size_t>();
  }
  std::chrono::milliseconds timeout = kDefaultWaitTimeout;
  if (call.body.contains("timeout")) {
    Result<std::chrono::milliseconds> parsed = faults::DurationFromJson(call.body["timeout"], "'timeout'");
    if (!parsed.ok()) {
      writer->Send(ToHttp(ErrorReply(parsed.status())));
      return;
    }
    timeout = std::min(*parsed, kMaxWaitTimeout);
  }
  journal::RequestJournal& journal = control_.journal();
  journal::JournalFilter wanted = *filter;
  uint64_t waiter = journal.AddWaiter(*filter, count, [&journal, writer, wanted](bool satisfied) {
    if (!satisfied) {
      writer->Send(ToHttp(ErrorReply(FailedPrecondition(
          "the journal was cleared (reset or DELETE /admin/journal) while waiting; start the wait again"))));
      return;
    }
    Json page = JournalPage(journal.Query(wanted), journal.Stats());
    page["matched"] = true;
    writer->Send(ToHttp(OkReply(std::move(page))));
  });
  writer->OnClose([&journal, waiter] { journal.CancelWaiter(waiter); });
  writer->RunAfter(timeout, [&journal, writer, waiter, wanted, count, timeout] {
    if (!journal.CancelWaiter(waiter)) return;  // satisfied (or cleared) first
    size_t seen = journal.Count(wanted);
    Reply reply = ErrorReply(DeadlineExceeded(
        "waited " + std::to_string(timeout.count()) + " ms for " + std::to_string(count) +
        " matching request(s), saw " + std::to_string(seen) +
        "; compare the match with GET /admin/journal, or give a longer \"timeout\""));
    reply.body["seen"] = seen;
    writer->Send(ToHttp(reply));
  });
}

}  // namespace kuscia::mock::control
