#include "harness/scenario/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>

#include "api/routes.h"
#include "harness/scenario/duration.h"
#include "sys/files.h"

namespace kuscia::harness::scenario {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Carries the file, the field path and the YAML mark, so every error reads "file:line: field: problem".
class Ctx {
 public:
  Ctx(std::string file, fs::path dir, const LoadOptions& options) : file_(std::move(file)), dir_(std::move(dir)), options_(options) {}

  Status Error(const YAML::Node& node, const std::string& field, const std::string& problem) const {
    int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    return InvalidArgument(Where(line) + ": " + field + ": " + problem);
  }
  std::string Where(int line) const { return line > 0 ? file_ + ":" + std::to_string(line) : file_; }
  SourceLocation Loc(const YAML::Node& node) const { return {file_, node.IsDefined() ? node.Mark().line + 1 : 0}; }

  // Checks that a mapping only has known keys (a typo must not silently disable a check).
  Status OnlyKeys(const YAML::Node& node, const std::string& field, std::initializer_list<std::string_view> keys) const {
    return OnlyKeys(node, field, std::set<std::string>(keys.begin(), keys.end()));
  }
  Status OnlyKeys(const YAML::Node& node, const std::string& field, const std::set<std::string>& keys) const {
    if (!node.IsMap()) return Error(node, field, "must be a mapping");
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      if (!keys.count(key)) {
        std::string valid;
        for (const std::string& k : keys) valid += (valid.empty() ? "" : ", ") + k;
        return Error(kv.first, field.empty() ? key : field + "." + key, "unknown key; expected one of: " + valid);
      }
    }
    return OkStatus();
  }

  Result<std::string> FindFile(const YAML::Node& node, const std::string& field, const std::string& relative) const {
    for (const fs::path& base : {dir_, options_.fixtures_dir}) {
      if (base.empty()) continue;
      fs::path candidate = base / relative;
      if (fs::exists(candidate)) return fs::absolute(candidate).lexically_normal().string();
    }
    return Error(node, field, "file '" + relative + "' not found beside the scenario or under the fixtures "
                              "directory " + options_.fixtures_dir.string());
  }

 private:
  std::string file_;
  fs::path dir_;
  const LoadOptions& options_;
};

Result<std::string> String(const Ctx& ctx, const YAML::Node& node, const std::string& field) {
  if (!node.IsScalar()) return ctx.Error(node, field, "must be a string");
  return node.as<std::string>();
}

Result<bool> Bool(const Ctx& ctx, const YAML::Node& node, const std::string& field) {
  std::string s = node.IsScalar() ? node.as<std::string>() : "";
  if (s == "true") return true;
  if (s == "false") return false;
  return ctx.Error(node, field, "must be true or false");
}

Result<std::vector<std::string>> StringList(const Ctx& ctx, const YAML::Node& node, const std::string& field) {
  std::vector<std::string> out;
  if (node.IsScalar()) return std::vector<std::string>{node.as<std::string>()};
  if (!node.IsSequence()) return ctx.Error(node, field, "must be a string or a list of strings");
  for (size_t i = 0; i < node.size(); ++i) {
    KC_ASSIGN_OR_RETURN(std::string s, String(ctx, node[i], field + "[" + std::to_string(i) + "]"));
    out.push_back(s);
  }
  return out;
}

Result<std::vector<int>> IntList(const Ctx& ctx, const YAML::Node& node, const std::string& field) {
  std::vector<int> out;
  std::vector<YAML::Node> items;
  if (node.IsSequence()) {
    for (const auto& item : node) items.push_back(item);
  } else {
    items.push_back(node);
  }
  for (const YAML::Node& item : items) {
    int value = 0;
    if (!item.IsScalar() || !YAML::convert<int>::decode(item, value)) {
      return ctx.Error(item, field, "must be an integer or a list of integers");
    }
    out.push_back(value);
  }
  return out;
}

Result<std::chrono::milliseconds> Duration(const Ctx& ctx, const YAML::Node& node, const std::string& field) {
  KC_ASSIGN_OR_RETURN(std::string text, String(ctx, node, field));
  Result<std::chrono::milliseconds> d = ParseDuration(text);
  if (!d.ok()) return ctx.Error(node, field, d.status().message());
  return d;
}

// YAML -> JSON. Quoted scalars stay strings; plain scalars become booleans, null or numbers when they
// read as such (YAML 1.2 core schema), so `max_parallelism: 2` is the number 2 and `"2"` is a string.
json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& item : node) arr.push_back(ToJson(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : node) obj[kv.first.as<std::string>()] = ToJson(kv.second);
      return obj;
    }
    case YAML::NodeType::Scalar:
      break;
  }
  std::string s = node.as<std::string>();
  if (node.Tag() == "!") return s;  // quoted
  if (s == "true") return true;
  if (s == "false") return false;
  if (s == "null" || s == "~") return nullptr;
  static const std::regex integer("-?(0|[1-9][0-9]*)");
  static const std::regex number("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
  if (std::regex_match(s, integer)) {
    try {
      return std::stoll(s);
    } catch (...) {
      return s;
    }
  }
  if (std::regex_match(s, number)) return std::stod(s);
  return s;
}

Status CheckPointer(const Ctx& ctx, const YAML::Node& node, const std::string& field, const std::string& pointer,
                    bool allow_wildcard = false) {
  if (!pointer.empty() && pointer[0] != '/') {
    return ctx.Error(node, field, "'" + pointer + "' is not a JSON Pointer; it must start with '/' (e.g. /data/job_id)");
  }
  if (!allow_wildcard && pointer.find("${") == std::string::npos) {
    try {
      json::json_pointer p(pointer);
    } catch (const std::exception& e) {
      return ctx.Error(node, field, "'" + pointer + "': " + e.what());
    }
  }
  return OkStatus();
}

Result<std::vector<Matcher>> Matchers(const Ctx& ctx, const YAML::Node& node, const std::string& field);

// A regex with ${variables} is only complete once they are expanded, so it is checked when it runs.
Status CheckRegex(const Ctx& ctx, const YAML::Node& node, const std::string& field, const std::string& re) {
  if (re.find("${") != std::string::npos) return OkStatus();
  try {
    std::regex check(re);
  } catch (const std::regex_error& e) {
    return ctx.Error(node, field, "invalid regular expression: " + std::string(e.what()));
  }
  return OkStatus();
}

// One list entry: {path: P, <op>: value, ...}; several ops in one entry become several matchers.
Status MatcherEntry(const Ctx& ctx, const YAML::Node& node, const std::string& field, std::vector<Matcher>& out) {
  KC_RETURN_IF_ERROR(ctx.OnlyKeys(node, field, {"path", "equals", "not_equals", "one_of", "regex", "exists", "absent",
                                                "type", "length", "range", "every", "any", "matches_fixture",
                                                "ignore"}));
  std::string path;
  if (node["path"]) {
    KC_ASSIGN_OR_RETURN(path, String(ctx, node["path"], field + ".path"));
    KC_RETURN_IF_ERROR(CheckPointer(ctx, node["path"], field + ".path", path));
  }
  size_t before = out.size();
  auto add = [&](Matcher::Op op, json value) {
    out.push_back(Matcher{.path = path, .op = op, .value = std::move(value), .where = ctx.Loc(node)});
    return &out.back();
  };
  if (node["equals"]) add(Matcher::Op::kEquals, ToJson(node["equals"]));
  if (node["not_equals"]) add(Matcher::Op::kNotEquals, ToJson(node["not_equals"]));
  if (node["one_of"]) {
    if (!node["one_of"].IsSequence()) return ctx.Error(node["one_of"], field + ".one_of", "must be a list");
    add(Matcher::Op::kOneOf, ToJson(node["one_of"]));
  }
  if (node["regex"]) {
    KC_ASSIGN_OR_RETURN(std::string re, String(ctx, node["regex"], field + ".regex"));
    KC_RETURN_IF_ERROR(CheckRegex(ctx, node["regex"], field + ".regex", re));
    add(Matcher::Op::kRegex, re);
  }
  if (node["exists"]) {
    KC_ASSIGN_OR_RETURN(bool exists, Bool(ctx, node["exists"], field + ".exists"));
    add(exists ? Matcher::Op::kExists : Matcher::Op::kAbsent, nullptr);
  }
  if (node["absent"]) {
    KC_ASSIGN_OR_RETURN(bool absent, Bool(ctx, node["absent"], field + ".absent"));
    add(absent ? Matcher::Op::kAbsent : Matcher::Op::kExists, nullptr);
  }
  if (node["type"]) {
    KC_ASSIGN_OR_RETURN(std::string type, String(ctx, node["type"], field + ".type"));
    static const std::set<std::string> kTypes = {"string", "number", "integer", "boolean", "array", "object", "null"};
    if (!kTypes.count(type)) {
      return ctx.Error(node["type"], field + ".type",
                       "unknown type '" + type + "'; use string, number, integer, boolean, array, object or null");
    }
    add(Matcher::Op::kType, type);
  }
  if (node["length"]) {
    json length = ToJson(node["length"]);
    bool ok = length.is_number_integer() ||
              (length.is_object() && std::all_of(length.items().begin(), length.items().end(), [](const auto& kv) {
                 return (kv.key() == "min" || kv.key() == "max") && kv.value().is_number_integer();
               }));
    if (!ok) return ctx.Error(node["length"], field + ".length", "must be an integer or {min: N, max: M}");
    add(Matcher::Op::kLength, length);
  }
  if (node["range"]) {
    json range = ToJson(node["range"]);
    bool ok = range.is_object() && !range.empty() &&
              std::all_of(range.items().begin(), range.items().end(), [](const auto& kv) {
                return (kv.key() == "min" || kv.key() == "max") && kv.value().is_number();
              });
    if (!ok) return ctx.Error(node["range"], field + ".range", "must be {min: N}, {max: M} or {min: N, max: M}");
    add(Matcher::Op::kRange, range);
  }
  for (const char* key : {"every", "any"}) {
    if (!node[key]) continue;
    KC_ASSIGN_OR_RETURN(std::vector<Matcher> nested, Matchers(ctx, node[key], field + "." + key));
    Matcher* m = add(std::string(key) == "every" ? Matcher::Op::kEvery : Matcher::Op::kAny, nullptr);
    m->nested = std::move(nested);
  }
  if (node["matches_fixture"]) {
    KC_ASSIGN_OR_RETURN(std::string rel, String(ctx, node["matches_fixture"], field + ".matches_fixture"));
    KC_ASSIGN_OR_RETURN(std::string file, ctx.FindFile(node["matches_fixture"], field + ".matches_fixture", rel));
    Result<std::string> text = sys::ReadFile(file);
    if (!text.ok()) return ctx.Error(node["matches_fixture"], field + ".matches_fixture", text.status().message());
    json fixture = json::parse(*text, nullptr, false);
    if (fixture.is_discarded()) {
      return ctx.Error(node["matches_fixture"], field + ".matches_fixture", "'" + rel + "' is not valid JSON");
    }
    Matcher* m = add(Matcher::Op::kFixture, fixture);
    m->fixture = file;
    if (node["ignore"]) {
      KC_ASSIGN_OR_RETURN(m->ignore, StringList(ctx, node["ignore"], field + ".ignore"));
      for (const std::string& p : m->ignore) {
        KC_RETURN_IF_ERROR(CheckPointer(ctx, node["ignore"], field + ".ignore", p, /*allow_wildcard=*/true));
      }
    }
  } else if (node["ignore"]) {
    return ctx.Error(node["ignore"], field + ".ignore", "only applies together with matches_fixture");
  }
  if (out.size() == before) {
    return ctx.Error(node, field, "names no check; add one of equals, not_equals, one_of, regex, exists, absent, "
                                  "type, length, range, every, any, matches_fixture");
  }
  return OkStatus();
}

Result<std::vector<Matcher>> Matchers(const Ctx& ctx, const YAML::Node& node, const std::string& field) {
  std::vector<Matcher> out;
  if (node.IsMap()) {
    KC_RETURN_IF_ERROR(MatcherEntry(ctx, node, field, out));
    return out;
  }
  if (!node.IsSequence()) return ctx.Error(node, field, "must be a list of matchers ({path: /x, equals: 1})");
  for (size_t i = 0; i < node.size(); ++i) {
    KC_RETURN_IF_ERROR(MatcherEntry(ctx, node[i], field + "[" + std::to_string(i) + "]", out));
  }
  return out;
}

// `stream`: the step reads a stream, whose events (body matchers) and end survive a cut connection.
Status ParseExpect(const Ctx& ctx, const YAML::Node& node, const std::string& field, Expectation& e,
                   bool stream = false) {
  KC_RETURN_IF_ERROR(ctx.OnlyKeys(node, field, {"transport", "http_status", "code", "body_text", "body_regex", "body", "headers",
                                                "stream_end"}));
  if (node["transport"]) {
    KC_ASSIGN_OR_RETURN(std::vector<std::string> names, StringList(ctx, node["transport"], field + ".transport"));
    for (const std::string& n : names) {
      Result<TransportClass> t = ParseTransportClass(n);
      if (!t.ok()) return ctx.Error(node["transport"], field + ".transport", t.status().message());
      e.transport.push_back(*t);
    }
  }
  if (node["http_status"]) {
    KC_ASSIGN_OR_RETURN(e.http_status, IntList(ctx, node["http_status"], field + ".http_status"));
  }
  if (node["code"]) {
    if (node["code"].IsScalar() && node["code"].as<std::string>() == "none") {
      e.code_absent = true;
    } else {
      KC_ASSIGN_OR_RETURN(e.code, IntList(ctx, node["code"], field + ".code"));
    }
  }
  if (node["body_text"]) {
    KC_ASSIGN_OR_RETURN(std::string text, String(ctx, node["body_text"], field + ".body_text"));
    e.body_text = text;
  }
  if (node["stream_end"]) {
    KC_ASSIGN_OR_RETURN(std::vector<std::string> names, StringList(ctx, node["stream_end"], field + ".stream_end"));
    for (const std::string& n : names) {
      Result<StreamEnd> end = ParseStreamEnd(n);
      if (!end.ok()) return ctx.Error(node["stream_end"], field + ".stream_end", end.status().message());
      e.stream_end.push_back(*end);
    }
  }
  if (node["body_regex"]) {
    KC_ASSIGN_OR_RETURN(std::string re, String(ctx, node["body_regex"], field + ".body_regex"));
    KC_RETURN_IF_ERROR(CheckRegex(ctx, node["body_regex"], field + ".body_regex", re));
    e.body_regex = re;
  }
  if (node["body"]) {
    KC_ASSIGN_OR_RETURN(e.body, Matchers(ctx, node["body"], field + ".body"));
  }
  if (node["headers"]) {
    const YAML::Node& headers = node["headers"];
    if (!headers.IsMap()) return ctx.Error(headers, field + ".headers", "must map header names to expectations");
    for (const auto& kv : headers) {
      std::string name = kv.first.as<std::string>();
      std::string hfield = field + ".headers." + name;
      Expectation::Header h{.name = name};
      if (kv.second.IsScalar()) {
        h.equals = kv.second.as<std::string>();
      } else {
        KC_RETURN_IF_ERROR(ctx.OnlyKeys(kv.second, hfield, {"equals", "regex", "absent"}));
        if (kv.second["equals"]) {
          KC_ASSIGN_OR_RETURN(h.equals, String(ctx, kv.second["equals"], hfield + ".equals"));
        }
        if (kv.second["regex"]) {
          KC_ASSIGN_OR_RETURN(h.regex, String(ctx, kv.second["regex"], hfield + ".regex"));
        }
        if (kv.second["absent"]) {
          KC_ASSIGN_OR_RETURN(h.absent, Bool(ctx, kv.second["absent"], hfield + ".absent"));
        }
      }
      e.headers.push_back(std::move(h));
    }
  }
  // Asking about the response implies that one arrived.
  bool about_response = !e.http_status.empty() || !e.code.empty() || e.code_absent || e.body_text || e.body_regex ||
                        (!e.body.empty() && !stream) || !e.headers.empty();
  if (e.transport.empty() && about_response) e.transport = {TransportClass::kOk};
  if (!e.transport.empty() && about_response &&
      std::find(e.transport.begin(), e.transport.end(), TransportClass::kOk) == e.transport.end()) {
    return ctx.Error(node, field, "expects no response (transport " + std::string(TransportClassName(e.transport[0])) +
                                      ") but also checks the response; drop one of them");
  }
  return OkStatus();
}

Status ParseIdentity(const Ctx& ctx, const YAML::Node& node, const std::string& field, IdentityOverride& id) {
  KC_RETURN_IF_ERROR(ctx.OnlyKeys(node, field, {"catalogue", "client_cert", "token", "verify_server", "ca"}));
  if (node["catalogue"]) {
    KC_ASSIGN_OR_RETURN(id.catalogue, String(ctx, node["catalogue"], field + ".catalogue"));
  }
  if (node["client_cert"]) {
    KC_ASSIGN_OR_RETURN(std::string cert, String(ctx, node["client_cert"], field + ".client_cert"));
    if (cert == "default") id.cert = IdentityOverride::Cert::kDefault;
    else if (cert == "none") id.cert = IdentityOverride::Cert::kNone;
    else if (cert == "server") id.cert = IdentityOverride::Cert::kServerPair;
    else if (cert == "client") id.cert = IdentityOverride::Cert::kClientPair;
    else if (cert == "missing") id.cert = IdentityOverride::Cert::kMissingFiles;
    else return ctx.Error(node["client_cert"], field + ".client_cert",
                          "'" + cert + "' is not a choice; use default, none, server (kusciaapi-server.crt/.key, as "
                          "the docs do), client (kusciaapi-client.crt/.key) or missing (paths that do not exist)");
  }
  if (node["token"]) {
    KC_ASSIGN_OR_RETURN(std::string token, String(ctx, node["token"], field + ".token"));
    if (token == "default") id.token = IdentityOverride::Token::kDefault;
    else if (token == "none") id.token = IdentityOverride::Token::kNone;
    else if (token == "wrong") id.token = IdentityOverride::Token::kWrong;
    else if (token.rfind("literal:", 0) == 0) {
      id.token = IdentityOverride::Token::kLiteral;
      id.token_literal = token.substr(8);
    } else {
      return ctx.Error(node["token"], field + ".token",
                       "'" + token + "' is not a choice; use default, none, wrong or literal:VALUE");
    }
  }
  if (node["verify_server"]) {
    KC_ASSIGN_OR_RETURN(bool verify, Bool(ctx, node["verify_server"], field + ".verify_server"));
    id.verify_server = verify;
  }
  if (node["ca"]) {
    KC_ASSIGN_OR_RETURN(std::string ca, String(ctx, node["ca"], field + ".ca"));
    if (ca == "system") id.no_ca = true;
    else if (ca != "default") return ctx.Error(node["ca"], field + ".ca", "use default (ca.crt) or system");
  }
  return OkStatus();
}

// Each control action and the keys it takes besides `control` and `name` (docs/scenarios.md). Fault and
// outcome rules are checked in full by the control plane itself, which names the offending key.
const std::map<std::string, std::set<std::string>>& ControlKinds() {
  static const std::map<std::string, std::set<std::string>> kinds = {
      {"fault", {"route", "path", "method", "job_id", "skip", "count", "probability", "seed", "fault", "delay",
                 "status", "body", "code", "message", "bytes", "chunk_bytes", "interval", "events", "fields"}},
      {"clear_faults", {}},
      {"outcome", {"job_id", "task_duration", "await_approval", "tasks"}},
      {"clear_outcomes", {}},
      {"advance_clock", {"by"}},
      {"set_clock", {"to"}},
      {"wait_journal", {"match", "count", "timeout"}},
      {"assert_journal", {"match", "count", "expect"}},
      {"clear_journal", {}},
      {"assert_handshakes", {"cause", "count", "expect"}},
      {"reset", {}},
      {"rotate_token", {"token", "write_file"}},
      {"server_cert", {"identity"}},
      {"mode", {"mode"}},
  };
  return kinds;
}

Status ParseControl(const Ctx& ctx, const YAML::Node& node, const std::string& field, Step& step) {
  step.is_control = true;
  KC_ASSIGN_OR_RETURN(step.control.kind, String(ctx, node["control"], field + ".control"));
  auto kind = ControlKinds().find(step.control.kind);
  if (kind == ControlKinds().end()) {
    std::string valid;
    for (const auto& [name, keys] : ControlKinds()) valid += (valid.empty() ? "" : ", ") + name;
    return ctx.Error(node["control"], field + ".control",
                     "unknown control action '" + step.control.kind + "'; use one of: " + valid);
  }
  std::set<std::string> allowed = kind->second;
  allowed.insert({"control", "name"});
  KC_RETURN_IF_ERROR(ctx.OnlyKeys(node, field, allowed));
  const std::string& k = step.control.kind;
  auto require = [&](const char* key, const char* example) -> Status {
    if (node[key]) return OkStatus();
    return ctx.Error(node, field + "." + key, std::string("is required for control: ") + k + " (e.g. " + example + ")");
  };
  if (k == "fault") KC_RETURN_IF_ERROR(require("fault", "fault: reset_before_response"));
  if (k == "advance_clock") KC_RETURN_IF_ERROR(require("by", "by: 5s"));
  if (k == "set_clock") KC_RETURN_IF_ERROR(require("to", "to: \"2025-04-16T10:42:55Z\""));
  if (k == "server_cert") KC_RETURN_IF_ERROR(require("identity", "identity: server-expired"));
  if (k == "mode") KC_RETURN_IF_ERROR(require("mode", "mode: notls"));
  if (k == "wait_journal" && node["timeout"]) {
    KC_RETURN_IF_ERROR(Duration(ctx, node["timeout"], field + ".timeout").status());
  }
  if ((k == "assert_journal" || k == "assert_handshakes") && node["count"] && node["count"].IsMap()) {
    // A range, for what may legitimately vary (a client that repeats a rejected handshake to learn why).
    const YAML::Node& range = node["count"];
    KC_RETURN_IF_ERROR(ctx.OnlyKeys(range, field + ".count", {"min", "max"}));
    for (const char* bound : {"min", "max"}) {
      if (!range[bound]) continue;
      KC_ASSIGN_OR_RETURN(std::vector<int> value, IntList(ctx, range[bound], field + ".count." + bound));
      if (value.size() != 1 || value[0] < 0) {
        return ctx.Error(range[bound], field + ".count." + bound, "must be one number, 0 or more");
      }
    }
  } else if ((k == "wait_journal" || k == "assert_journal" || k == "assert_handshakes") && node["count"]) {
    KC_ASSIGN_OR_RETURN(std::vector<int> count, IntList(ctx, node["count"], field + ".count"));
    if (count.size() != 1 || count[0] < 0) {
      return ctx.Error(node["count"], field + ".count", "must be one number of requests, 0 or more (or {min, max})");
    }
  }
  if (node["match"] && !node["match"].IsMap()) {
    return ctx.Error(node["match"], field + ".match",
                     "must be a journal filter such as {path: /api/v1/job/create, job_id: \"${uid}-a\"}");
  }
  if (node["expect"]) {
    // What the entries must look like: matchers over {"entries": [...]} (oldest first).
    KC_ASSIGN_OR_RETURN(step.expect.body, Matchers(ctx, node["expect"], field + ".expect"));
  }
  step.control.args = ToJson(node);
  step.control.args.erase("control");
  step.control.args.erase("name");
  step.control.args.erase("expect");
  if (step.name.empty()) step.name = "control " + step.control.kind;
  return OkStatus();
}

Result<Step> ParseStep(const Ctx& ctx, const YAML::Node& node, const std::string& field);

// `stream: {max_events: N, max_time: 2s}` and the `during:` steps that run while it is open.
Status ParseStream(const Ctx& ctx, const YAML::Node& node, const std::string& field, Step& step) {
  const YAML::Node& s = node["stream"];
  KC_RETURN_IF_ERROR(ctx.OnlyKeys(s, field + ".stream", {"max_events", "max_time"}));
  if (!s["max_time"]) {
    return ctx.Error(s, field + ".stream.max_time", "is required: every stream read is bounded (e.g. 3s)");
  }
  Step::Stream stream;
  KC_ASSIGN_OR_RETURN(stream.max_time, Duration(ctx, s["max_time"], field + ".stream.max_time"));
  if (stream.max_time.count() <= 0) return ctx.Error(s["max_time"], field + ".stream.max_time", "must be more than 0");
  if (s["max_events"]) {
    KC_ASSIGN_OR_RETURN(std::vector<int> max, IntList(ctx, s["max_events"], field + ".stream.max_events"));
    if (max.size() != 1 || max[0] < 0) {
      return ctx.Error(s["max_events"], field + ".stream.max_events", "must be one number, 0 (no limit) or more");
    }
    stream.max_events = max[0];
  }
  if (node["until"]) return ctx.Error(node["until"], field + ".until", "cannot be combined with stream");
  if (node["timeout"]) {
    return ctx.Error(node["timeout"], field + ".timeout", "a stream step is bounded by stream.max_time instead");
  }
  step.stream = stream;
  if (node["during"]) {
    const YAML::Node& during = node["during"];
    if (!during.IsSequence()) return ctx.Error(during, field + ".during", "must be a list of steps");
    for (size_t i = 0; i < during.size(); ++i) {
      std::string sub = field + ".during[" + std::to_string(i) + "]";
      KC_ASSIGN_OR_RETURN(Step inner, ParseStep(ctx, during[i], sub));
      if (inner.stream) return ctx.Error(during[i], sub + ".stream", "a step during a stream cannot open another");
      step.during.push_back(std::move(inner));
    }
  }
  return OkStatus();
}

Result<Step> ParseStep(const Ctx& ctx, const YAML::Node& node, const std::string& field) {
  Step step;
  step.where = ctx.Loc(node);
  if (!node.IsMap()) return ctx.Error(node, field, "a step must be a mapping");
  if (node["name"]) {
    KC_ASSIGN_OR_RETURN(step.name, String(ctx, node["name"], field + ".name"));
  }
  if (node["control"]) {
    KC_RETURN_IF_ERROR(ParseControl(ctx, node, field, step));
    return step;
  }
  KC_RETURN_IF_ERROR(ctx.OnlyKeys(node, field, {"name", "call", "method", "path", "headers", "content_type", "body",
                                                "body_text", "body_file", "overrides", "identity", "timeout",
                                                "expect", "until", "capture", "stream", "during", "scheme"}));
  if (node["call"]) {
    KC_ASSIGN_OR_RETURN(step.route, String(ctx, node["call"], field + ".call"));
    const api::RouteInfo* route = api::FindRouteByShortName(step.route);
    if (!route) {
      return ctx.Error(node["call"], field + ".call", "unknown route '" + step.route +
                                                          "'; use a short name from api/routes.h such as job.create, "
                                                          "job.status.batchQuery or health, or give method + path");
    }
    step.path = route->path;
    if (node["path"]) return ctx.Error(node["path"], field + ".path", "give either call or path, not both");
  } else if (node["path"]) {
    KC_ASSIGN_OR_RETURN(step.path, String(ctx, node["path"], field + ".path"));
    if (step.path.empty() || step.path[0] != '/') {
      return ctx.Error(node["path"], field + ".path", "must start with '/'");
    }
  } else {
    return ctx.Error(node, field, "needs `call: ROUTE` (e.g. job.create) or `path: /...`, or `control: ACTION`");
  }
  if (node["method"]) {
    KC_ASSIGN_OR_RETURN(step.method, String(ctx, node["method"], field + ".method"));
  }
  if (node["scheme"]) {
    KC_ASSIGN_OR_RETURN(step.scheme, String(ctx, node["scheme"], field + ".scheme"));
    if (step.scheme != "http" && step.scheme != "https") {
      return ctx.Error(node["scheme"], field + ".scheme",
                       "use http (plain HTTP to the same host and port, e.g. to a TLS port) or https");
    }
  }
  if (step.name.empty()) step.name = step.method + " " + (step.route.empty() ? step.path : step.route);
  if (node["headers"]) {
    if (!node["headers"].IsMap()) return ctx.Error(node["headers"], field + ".headers", "must map names to values");
    for (const auto& kv : node["headers"]) {
      KC_ASSIGN_OR_RETURN(std::string value, String(ctx, kv.second, field + ".headers." + kv.first.as<std::string>()));
      step.headers.emplace_back(kv.first.as<std::string>(), value);
    }
  }
  if (node["content_type"]) {
    KC_ASSIGN_OR_RETURN(std::string ct, String(ctx, node["content_type"], field + ".content_type"));
    if (ct == "none") step.content_type_json = false;
    else {
      step.content_type_json = false;
      step.headers.emplace_back("Content-Type", ct);
    }
  }
  int bodies = (node["body"] ? 1 : 0) + (node["body_text"] ? 1 : 0) + (node["body_file"] ? 1 : 0);
  if (bodies > 1) return ctx.Error(node, field, "give at most one of body, body_text and body_file");
  if (node["body"]) {
    step.body_kind = Step::BodyKind::kJson;
    step.body = ToJson(node["body"]);
  } else if (node["body_text"]) {
    step.body_kind = Step::BodyKind::kText;
    KC_ASSIGN_OR_RETURN(step.body_text, String(ctx, node["body_text"], field + ".body_text"));
  } else if (node["body_file"]) {
    step.body_kind = Step::BodyKind::kFile;
    KC_ASSIGN_OR_RETURN(std::string rel, String(ctx, node["body_file"], field + ".body_file"));
    KC_ASSIGN_OR_RETURN(step.body_file, ctx.FindFile(node["body_file"], field + ".body_file", rel));
    step.body = json::object();
    if (node["overrides"]) {
      if (!node["overrides"].IsMap()) {
        return ctx.Error(node["overrides"], field + ".overrides", "must map JSON Pointers to values");
      }
      for (const auto& kv : node["overrides"]) {
        std::string pointer = kv.first.as<std::string>();
        KC_RETURN_IF_ERROR(CheckPointer(ctx, kv.first, field + ".overrides", pointer));
        step.body[pointer] = ToJson(kv.second);
      }
    }
  }
  if (node["overrides"] && step.body_kind != Step::BodyKind::kFile) {
    return ctx.Error(node["overrides"], field + ".overrides", "only applies together with body_file");
  }
  if (node["identity"]) KC_RETURN_IF_ERROR(ParseIdentity(ctx, node["identity"], field + ".identity", step.identity));
  if (node["timeout"]) {
    KC_ASSIGN_OR_RETURN(step.timeout, Duration(ctx, node["timeout"], field + ".timeout"));
  }
  if (node["stream"]) KC_RETURN_IF_ERROR(ParseStream(ctx, node, field, step));
  if (node["during"] && !step.stream) {
    return ctx.Error(node["during"], field + ".during", "only applies to a stream step (add `stream:`)");
  }
  if (node["expect"]) {
    KC_RETURN_IF_ERROR(ParseExpect(ctx, node["expect"], field + ".expect", step.expect, step.stream.has_value()));
    if (!step.stream && !step.expect.stream_end.empty()) {
      return ctx.Error(node["expect"]["stream_end"], field + ".expect.stream_end",
                       "only applies to a stream step (add `stream:`)");
    }
  } else {
    // No expectations written: the call must simply succeed (a stream carries no single status.code).
    step.expect.transport = {TransportClass::kOk};
    step.expect.http_status = {200};
    if (!step.stream) step.expect.code = {0};
  }
  if (node["until"]) {
    const YAML::Node& u = node["until"];
    KC_RETURN_IF_ERROR(ctx.OnlyKeys(u, field + ".until", {"match", "interval", "timeout"}));
    Until until;
    if (!u["match"]) return ctx.Error(u, field + ".until.match", "is required (the matchers to wait for)");
    if (!u["timeout"]) return ctx.Error(u, field + ".until.timeout", "is required: every wait is bounded (e.g. 10s)");
    KC_ASSIGN_OR_RETURN(until.matchers, Matchers(ctx, u["match"], field + ".until.match"));
    KC_ASSIGN_OR_RETURN(until.timeout, Duration(ctx, u["timeout"], field + ".until.timeout"));
    if (u["interval"]) {
      KC_ASSIGN_OR_RETURN(until.interval, Duration(ctx, u["interval"], field + ".until.interval"));
    }
    if (until.interval.count() < 10) return ctx.Error(u["interval"], field + ".until.interval", "must be at least 10ms");
    step.until = std::move(until);
  }
  if (node["capture"]) {
    if (!node["capture"].IsMap()) return ctx.Error(node["capture"], field + ".capture", "must map variable names to JSON Pointers");
    for (const auto& kv : node["capture"]) {
      std::string name = kv.first.as<std::string>();
      KC_ASSIGN_OR_RETURN(std::string pointer, String(ctx, kv.second, field + ".capture." + name));
      KC_RETURN_IF_ERROR(CheckPointer(ctx, kv.second, field + ".capture." + name, pointer));
      step.captures.emplace_back(name, pointer);
    }
  }
  return step;
}

Status CheckName(const Ctx& ctx, const YAML::Node& node, const std::string& field, const std::string& value) {
  static const std::regex name_re("[a-z0-9][a-z0-9_.-]*");
  if (!std::regex_match(value, name_re)) {
    return ctx.Error(node, field, "'" + value + "' must be lower case letters, digits, '-', '_' or '.'");
  }
  return OkStatus();
}

// Each ${name} must be a built-in, a declared variable, or captured by an earlier step.
Status CheckVariables(const Ctx& ctx, const Scenario& s) {
  std::set<std::string> known = {"run_id", "uid", "base_url", "certs_dir", "fixtures_dir"};
  for (const auto& [name, value] : s.variables) {
    for (const std::string& ref : ReferencedVariables(value)) {
      if (!known.count(ref)) {
        return InvalidArgument(ctx.Where(s.where.line) + ": variables." + name + ": refers to ${" + ref +
                               "}, which is not defined before it");
      }
    }
    known.insert(name);
  }
  std::function<Status(const Step&, const std::string&)> check_step = [&](const Step& step,
                                                                         const std::string& field) -> Status {
    for (size_t i = 0; i < step.during.size(); ++i) {
      KC_RETURN_IF_ERROR(check_step(step.during[i], field + ".during[" + std::to_string(i) + "]"));
    }
    std::string text = step.path + step.body.dump() + step.body_text + step.control.args.dump();
    for (const auto& [k, v] : step.headers) text += v;
    std::vector<const std::vector<Matcher>*> lists = {&step.expect.body};
    if (step.until) lists.push_back(&step.until->matchers);
    for (const auto* list : lists) {
      for (const Matcher& m : *list) text += m.path + m.value.dump();
    }
    for (const std::string& ref : ReferencedVariables(text)) {
      if (!known.count(ref)) {
        return InvalidArgument(ctx.Where(step.where.line) + ": " + field + ": ${" + ref +
                               "} is not defined (built-ins: run_id, uid, base_url, certs_dir, fixtures_dir; or "
                               "declare it under variables, or capture it in an earlier step)");
      }
    }
    for (const auto& [name, pointer] : step.captures) known.insert(name);
    return OkStatus();
  };
  for (size_t i = 0; i < s.steps.size(); ++i) KC_RETURN_IF_ERROR(check_step(s.steps[i], "steps[" + std::to_string(i) + "]"));
  for (size_t i = 0; i < s.cleanup.size(); ++i) {
    KC_RETURN_IF_ERROR(check_step(s.cleanup[i], "cleanup[" + std::to_string(i) + "]"));
  }
  return OkStatus();
}

Result<Scenario> ParseScenario(const Ctx& ctx, const YAML::Node& root) {
  Scenario s;
  s.where = ctx.Loc(root);
  if (!root.IsMap()) return ctx.Error(root, "(top level)", "a scenario file is a mapping with name, description, steps, ...");
  KC_RETURN_IF_ERROR(ctx.OnlyKeys(root, "", {"name", "description", "source", "tags", "requires", "variables", "steps",
                                             "cleanup", "read_only"}));
  for (const char* required : {"name", "description", "source", "steps"}) {
    if (!root[required]) {
      return ctx.Error(root, required, std::string("is required") +
                                           (std::string(required) == "description"
                                                ? " (say why the scenario expects what it expects)"
                                                : std::string(required) == "source"
                                                      ? " (the reference section or issue behind the expectations)"
                                                      : ""));
    }
  }
  KC_ASSIGN_OR_RETURN(s.name, String(ctx, root["name"], "name"));
  KC_RETURN_IF_ERROR(CheckName(ctx, root["name"], "name", s.name));
  KC_ASSIGN_OR_RETURN(s.description, String(ctx, root["description"], "description"));
  KC_ASSIGN_OR_RETURN(s.source, String(ctx, root["source"], "source"));
  if (root["tags"]) {
    KC_ASSIGN_OR_RETURN(s.tags, StringList(ctx, root["tags"], "tags"));
    for (const std::string& tag : s.tags) KC_RETURN_IF_ERROR(CheckName(ctx, root["tags"], "tags", tag));
  }
  if (root["requires"]) {
    KC_ASSIGN_OR_RETURN(s.requires_, StringList(ctx, root["requires"], "requires"));
    for (const std::string& r : s.requires_) {
      const auto& known = KnownRequirements();
      if (std::none_of(known.begin(), known.end(), [&](const auto& k) { return k.first == r; })) {
        std::string valid;
        for (const auto& k : known) valid += (valid.empty() ? "" : ", ") + k.first;
        return ctx.Error(root["requires"], "requires", "unknown requirement '" + r + "'; use one of: " + valid);
      }
    }
  }
  if (root["read_only"]) {
    KC_ASSIGN_OR_RETURN(s.read_only, Bool(ctx, root["read_only"], "read_only"));
  }
  if (root["variables"]) {
    if (!root["variables"].IsMap()) return ctx.Error(root["variables"], "variables", "must map names to strings");
    for (const auto& kv : root["variables"]) {
      std::string name = kv.first.as<std::string>();
      KC_ASSIGN_OR_RETURN(std::string value, String(ctx, kv.second, "variables." + name));
      s.variables.emplace_back(name, value);
    }
  }
  const YAML::Node& steps = root["steps"];
  if (!steps.IsSequence() || steps.size() == 0) return ctx.Error(steps, "steps", "must be a non-empty list of steps");
  for (size_t i = 0; i < steps.size(); ++i) {
    KC_ASSIGN_OR_RETURN(Step step, ParseStep(ctx, steps[i], "steps[" + std::to_string(i) + "]"));
    s.steps.push_back(std::move(step));
  }
  if (root["cleanup"]) {
    const YAML::Node& cleanup = root["cleanup"];
    if (!cleanup.IsSequence()) return ctx.Error(cleanup, "cleanup", "must be a list of steps");
    for (size_t i = 0; i < cleanup.size(); ++i) {
      KC_ASSIGN_OR_RETURN(Step step, ParseStep(ctx, cleanup[i], "cleanup[" + std::to_string(i) + "]"));
      s.cleanup.push_back(std::move(step));
    }
  }
  KC_RETURN_IF_ERROR(CheckVariables(ctx, s));
  return s;
}

}  // namespace

std::vector<std::string> ReferencedVariables(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = text.find("${", pos)) != std::string_view::npos) {
    size_t end = text.find('}', pos);
    if (end == std::string_view::npos) break;
    out.emplace_back(text.substr(pos + 2, end - pos - 2));
    pos = end + 1;
  }
  return out;
}

Result<Scenario> LoadScenarioText(std::string_view text, const std::string& file_name, const LoadOptions& options) {
  Ctx ctx(file_name, fs::path(file_name).parent_path(), options);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(ctx.Where(e.mark.line + 1) + ": not valid YAML/JSON: " + e.msg);
  }
  try {
    return ParseScenario(ctx, root);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(ctx.Where(e.mark.line + 1) + ": " + e.msg);
  }
}

Result<Scenario> LoadScenarioFile(const fs::path& file, const LoadOptions& options) {
  Result<std::string> text = sys::ReadFile(file);
  if (!text.ok()) return NotFound("cannot read scenario file " + file.string() + ": " + text.status().message());
  return LoadScenarioText(*text, file.string(), options);
}

Result<std::vector<fs::path>> FindScenarioFiles(const std::vector<fs::path>& inputs) {
  std::vector<fs::path> out;
  auto is_scenario = [](const fs::path& p) {
    std::string ext = p.extension().string();
    return ext == ".yaml" || ext == ".yml" || ext == ".json";
  };
  for (const fs::path& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::recursive_directory_iterator(input, ec)) {
        if (entry.is_regular_file() && is_scenario(entry.path())) found.push_back(entry.path());
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(input, ec)) {
      out.push_back(input);
    } else {
      return NotFound("scenario path " + input.string() + " does not exist");
    }
  }
  return out;
}

}  // namespace kuscia::harness::scenario
