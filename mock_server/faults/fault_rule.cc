#include "mock_server/faults/fault_rule.h"

#include <algorithm>
#include <set>

#include "api/routes.h"
#include "mock_server/faults/duration.h"
#include "mock_server/journal/request_facts.h"

namespace kuscia::mock::faults {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

const std::set<std::string, std::less<>> kCommonKeys = {"route", "path",  "method", "job_id", "skip",
                                                        "count", "probability", "seed", "fault"};

// The parameter keys each kind accepts (beyond the common ones).
std::vector<std::string_view> ParamKeys(FaultKind kind) {
  switch (kind) {
    case FaultKind::kDelay: return {"delay"};
    case FaultKind::kHttpStatus: return {"status", "body"};
    case FaultKind::kApiStatus: return {"code", "message"};
    case FaultKind::kDropFields: return {"fields"};
    case FaultKind::kTruncatedBody:
    case FaultKind::kResetMidResponse: return {"bytes"};
    case FaultKind::kSlowBody: return {"chunk_bytes", "interval"};
    case FaultKind::kWatchCut: return {"events"};
    default: return {};
  }
}

std::string Join(const std::vector<std::string_view>& items) {
  std::string out;
  for (std::string_view item : items) out += (out.empty() ? "" : ", ") + std::string(item);
  return out.empty() ? "none" : out;
}

Result<uint64_t> Unsigned(const Json& object, std::string_view key, uint64_t min, uint64_t max) {
  const Json& value = object.at(std::string(key));
  auto bad = [&] {
    return InvalidArgument("fault rule '" + std::string(key) + "' must be an integer from " + std::to_string(min) +
                           " to " + std::to_string(max) + ", got " + value.dump());
  };
  if (!value.is_number_integer()) return bad();
  if (!value.is_number_unsigned() && value.get<int64_t>() < 0) return bad();
  uint64_t v = value.get<uint64_t>();
  if (v < min || v > max) return bad();
  return v;
}

Result<std::string> String(const Json& object, std::string_view key) {
  const Json& value = object.at(std::string(key));
  if (!value.is_string()) {
    return InvalidArgument("fault rule '" + std::string(key) + "' must be a string, got " + value.dump());
  }
  return value.get<std::string>();
}

bool HasGlob(std::string_view text) { return text.find_first_of("*?") != std::string_view::npos; }

Result<std::string> ResolveRoute(const std::string& route) {
  if (!route.empty() && route.front() == '/') return route;
  if (const api::RouteInfo* info = api::FindRouteByShortName(route)) return info->path;
  return InvalidArgument("fault rule 'route' '" + route +
                         "' is neither a path (starting with '/', '*' allowed) nor a route short name such as "
                         "job.create or job.watch");
}

Status ParseParams(const Json& object, FaultRule& rule) {
  FaultParams& p = rule.params;
  switch (rule.kind) {
    case FaultKind::kDelay: {
      if (!object.contains("delay")) {
        return InvalidArgument("fault 'delay' needs \"delay\": a duration (\"500ms\") or a range "
                               "{\"min\":\"100ms\",\"max\":\"2s\"}");
      }
      const Json& delay = object["delay"];
      if (delay.is_object()) {
        for (const auto& [key, value] : delay.items()) {
          if (key != "min" && key != "max") {
            return InvalidArgument("'delay' range takes only \"min\" and \"max\", got \"" + key + "\"");
          }
        }
        if (!delay.contains("min") || !delay.contains("max")) {
          return InvalidArgument("'delay' range needs both \"min\" and \"max\", e.g. {\"min\":\"100ms\",\"max\":\"2s\"}");
        }
        KC_ASSIGN_OR_RETURN(p.delay_min, DurationFromJson(delay["min"], "'delay.min'"));
        KC_ASSIGN_OR_RETURN(p.delay_max, DurationFromJson(delay["max"], "'delay.max'"));
        if (p.delay_max < p.delay_min) {
          return InvalidArgument("'delay' range has max < min; swap them");
        }
      } else {
        KC_ASSIGN_OR_RETURN(p.delay_min, DurationFromJson(delay, "'delay'"));
        p.delay_max = p.delay_min;
      }
      return OkStatus();
    }
    case FaultKind::kHttpStatus: {
      if (!object.contains("status")) {
        return InvalidArgument("fault 'http_status' needs \"status\": the HTTP status to answer with, e.g. 503");
      }
      KC_ASSIGN_OR_RETURN(uint64_t status, Unsigned(object, "status", 200, 599));
      p.http_status = static_cast<int>(status);
      if (object.contains("body")) {
        KC_ASSIGN_OR_RETURN(p.body, String(object, "body"));
      }
      return OkStatus();
    }
    case FaultKind::kApiStatus: {
      if (!object.contains("code") && !object.contains("message")) {
        return InvalidArgument("fault 'api_status' needs \"code\" (e.g. 11100) and/or \"message\"");
      }
      if (object.contains("code")) {
        const Json& code = object["code"];
        if (!code.is_number_integer()) {
          return InvalidArgument("fault rule 'code' must be an integer status.code such as 11100, got " + code.dump());
        }
        p.api_code = code.get<int>();
      }
      if (object.contains("message")) {
        KC_ASSIGN_OR_RETURN(p.api_message, String(object, "message"));
      }
      return OkStatus();
    }
    case FaultKind::kDropFields: {
      const Json* fields = object.contains("fields") ? &object["fields"] : nullptr;
      if (!fields || !fields->is_array() || fields->empty()) {
        return InvalidArgument("fault 'drop_fields' needs \"fields\": a list of JSON Pointers to remove, e.g. "
                               "[\"/data/status/end_time\"]");
      }
      for (const Json& field : *fields) {
        if (!field.is_string() || field.get<std::string>().empty() || field.get<std::string>()[0] != '/') {
          return InvalidArgument("fault 'drop_fields' entries must be JSON Pointers starting with '/', got " +
                                 field.dump());
        }
        try {
          (void)Json::json_pointer(field.get<std::string>());
        } catch (const Json::exception& e) {
          return InvalidArgument("fault 'drop_fields' entry " + field.dump() + " is not a JSON Pointer: " + e.what());
        }
        p.drop_fields.push_back(field.get<std::string>());
      }
      return OkStatus();
    }
    case FaultKind::kTruncatedBody:
    case FaultKind::kResetMidResponse:
      if (object.contains("bytes")) {
        KC_ASSIGN_OR_RETURN(p.bytes, Unsigned(object, "bytes", 0, 1u << 30));
      }
      return OkStatus();
    case FaultKind::kSlowBody:
      if (object.contains("chunk_bytes")) {
        KC_ASSIGN_OR_RETURN(uint64_t chunk, Unsigned(object, "chunk_bytes", 1, 1u << 20));
        p.chunk_bytes = chunk;
      }
      if (object.contains("interval")) {
        KC_ASSIGN_OR_RETURN(p.interval, DurationFromJson(object["interval"], "'interval'"));
      }
      return OkStatus();
    case FaultKind::kWatchCut:
      if (object.contains("events")) {
        KC_ASSIGN_OR_RETURN(uint64_t events, Unsigned(object, "events", 0, 1000000));
        p.events = static_cast<int>(events);
      }
      return OkStatus();
    default:
      return OkStatus();
  }
}

}  // namespace

Result<FaultRule> ParseFaultRule(const Json& object) {
  if (!object.is_object()) {
    return InvalidArgument("a fault rule must be a JSON object such as {\"route\":\"job.create\",\"fault\":\"delay\","
                           "\"delay\":\"2s\"}");
  }
  if (!object.contains("fault")) {
    return InvalidArgument("a fault rule needs \"fault\": the kind of fault (see GET /admin/faults/kinds)");
  }
  FaultRule rule;
  KC_ASSIGN_OR_RETURN(std::string kind_name, String(object, "fault"));
  KC_ASSIGN_OR_RETURN(rule.kind, ParseFaultKind(kind_name));
  std::vector<std::string_view> params = ParamKeys(rule.kind);
  for (const auto& [key, value] : object.items()) {
    if (kCommonKeys.count(key) || std::find(params.begin(), params.end(), key) != params.end()) continue;
    return InvalidArgument("fault rule key '" + key + "' is not understood for fault '" + kind_name +
                           "'; its parameters are: " + Join(params) +
                           "; every rule takes route, method, job_id, skip, count, probability, seed");
  }
  if (object.contains("route") && object.contains("path")) {
    return InvalidArgument("give either 'route' or 'path' (they mean the same), not both");
  }
  for (const char* key : {"route", "path"}) {
    if (!object.contains(key)) continue;
    KC_ASSIGN_OR_RETURN(std::string route, String(object, key));
    KC_ASSIGN_OR_RETURN(rule.match.path, ResolveRoute(route));
  }
  if (object.contains("method")) {
    KC_ASSIGN_OR_RETURN(rule.match.method, String(object, "method"));
  }
  if (object.contains("job_id")) {
    KC_ASSIGN_OR_RETURN(rule.match.job_id, String(object, "job_id"));
  }
  if (object.contains("skip")) {
    KC_ASSIGN_OR_RETURN(rule.skip, Unsigned(object, "skip", 0, UINT32_MAX));
  }
  if (object.contains("count")) {
    KC_ASSIGN_OR_RETURN(rule.count, Unsigned(object, "count", 1, UINT32_MAX));
  }
  if (object.contains("seed")) {
    KC_ASSIGN_OR_RETURN(rule.seed, Unsigned(object, "seed", 0, UINT64_MAX));
  }
  if (object.contains("probability")) {
    const Json& p = object["probability"];
    if (!p.is_number() || p.get<double>() < 0 || p.get<double>() > 1) {
      return InvalidArgument("fault rule 'probability' must be a number from 0 to 1, got " + p.dump());
    }
    rule.probability = p.get<double>();
  }
  KC_RETURN_IF_ERROR(ParseParams(object, rule));

  // A kind that cannot act on the route named would never fire: say so now rather than stay silent.
  if (rule.match.path && !HasGlob(*rule.match.path)) {
    const api::RouteInfo* route = api::FindRoute(*rule.match.path);
    bool stream = route != nullptr && route->streaming;
    if (stream && !AppliesToStream(rule.kind)) {
      return InvalidArgument("fault '" + kind_name + "' acts on unary answers, and " + *rule.match.path +
                             " is a stream; use watch_cut, watch_no_heartbeats, watch_duplicate_events or "
                             "reset_before_response there");
    }
    if (!stream && !AppliesToUnary(rule.kind)) {
      return InvalidArgument("fault '" + kind_name + "' acts on watch streams, and " + *rule.match.path +
                             " is not one; use route job.watch (/api/v1/job/watch)");
    }
  }
  return rule;
}

OrderedJson FaultRuleToJson(const FaultRule& rule) {
  OrderedJson out = OrderedJson::object();
  if (rule.match.path) out["route"] = *rule.match.path;
  if (rule.match.method) out["method"] = *rule.match.method;
  if (rule.match.job_id) out["job_id"] = *rule.match.job_id;
  if (rule.skip) out["skip"] = rule.skip;
  if (rule.count) out["count"] = *rule.count;
  out["probability"] = rule.probability;
  out["seed"] = rule.seed;
  out["fault"] = std::string(FaultKindName(rule.kind));
  const FaultParams& p = rule.params;
  switch (rule.kind) {
    case FaultKind::kDelay:
      if (p.delay_min == p.delay_max) {
        out["delay"] = FormatDuration(p.delay_min);
      } else {
        out["delay"] = {{"min", FormatDuration(p.delay_min)}, {"max", FormatDuration(p.delay_max)}};
      }
      break;
    case FaultKind::kHttpStatus:
      out["status"] = p.http_status;
      if (p.body) out["body"] = *p.body;
      break;
    case FaultKind::kApiStatus:
      if (p.api_code) out["code"] = *p.api_code;
      if (p.api_message) out["message"] = *p.api_message;
      break;
    case FaultKind::kDropFields:
      out["fields"] = p.drop_fields;
      break;
    case FaultKind::kTruncatedBody:
    case FaultKind::kResetMidResponse:
      if (p.bytes) out["bytes"] = *p.bytes;
      break;
    case FaultKind::kSlowBody:
      out["chunk_bytes"] = p.chunk_bytes;
      out["interval"] = FormatDuration(p.interval);
      break;
    case FaultKind::kWatchCut:
      out["events"] = p.events;
      break;
    default:
      break;
  }
  return out;
}

OrderedJson RuleStateToJson(const FaultRuleSet::RuleState& state) {
  OrderedJson out = {{"id", state.id}};
  out.update(FaultRuleToJson(state.rule));
  out["matched"] = state.matched;
  out["fired"] = state.fired;
  out["remaining"] = state.rule.count ? OrderedJson(*state.rule.count - std::min(state.fired, *state.rule.count))
                                      : OrderedJson(nullptr);
  return out;
}

uint64_t FaultRuleSet::Add(FaultRule rule) {
  std::lock_guard lock(mutex_);
  uint64_t id = next_id_++;
  std::mt19937_64 random(rule.seed);
  rules_.push_back(Active{RuleState{id, std::move(rule), 0, 0}, random});
  live_.fetch_add(1);
  return id;
}

bool FaultRuleSet::Remove(uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(rules_.begin(), rules_.end(), [id](const Active& a) { return a.state.id == id; });
  if (it == rules_.end()) return false;
  bool spent = it->state.rule.count && it->state.fired >= *it->state.rule.count;
  if (!spent) live_.fetch_sub(1);
  rules_.erase(it);
  return true;
}

void FaultRuleSet::Clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
  live_.store(0);
}

std::vector<FaultRuleSet::RuleState> FaultRuleSet::List() const {
  std::lock_guard lock(mutex_);
  std::vector<RuleState> out;
  for (const Active& a : rules_) out.push_back(a.state);
  return out;
}

std::optional<FiredFault> FaultRuleSet::Decide(const RequestFacts& facts) {
  if (live_.load(std::memory_order_relaxed) == 0) return std::nullopt;
  std::lock_guard lock(mutex_);
  std::optional<std::vector<std::string>> job_ids;  // parsed once, when a rule needs them
  for (Active& active : rules_) {
    RuleState& state = active.state;
    const FaultRule& rule = state.rule;
    if (rule.count && state.fired >= *rule.count) continue;
    if (facts.stream ? !AppliesToStream(rule.kind) : !AppliesToUnary(rule.kind)) continue;
    if (rule.match.method && facts.method != *rule.match.method) continue;
    if (rule.match.path && !journal::MatchGlob(*rule.match.path, facts.path)) continue;
    if (rule.match.job_id) {
      if (!job_ids) job_ids = journal::ExtractJobIds(facts.body);
      bool named = std::any_of(job_ids->begin(), job_ids->end(),
                               [&](const std::string& id) { return journal::MatchGlob(*rule.match.job_id, id); });
      if (!named) continue;
    }
    ++state.matched;
    if (state.matched <= rule.skip) continue;
    if (rule.probability < 1.0) {
      double draw = std::uniform_real_distribution<double>(0.0, 1.0)(active.random);
      if (draw >= rule.probability) continue;
    }
    ++state.fired;
    if (rule.count && state.fired >= *rule.count) live_.fetch_sub(1);
    FiredFault fired{state.id, rule.kind, rule.params, rule.params.delay_min};
    if (rule.kind == FaultKind::kDelay && rule.params.delay_max > rule.params.delay_min) {
      fired.delay = std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(
          rule.params.delay_min.count(), rule.params.delay_max.count())(active.random));
    }
    return fired;
  }
  return std::nullopt;
}

}  // namespace kuscia::mock::faults
