#include "harness/scenario/matchers.h"

#include <algorithm>
#include <regex>

namespace kuscia::harness::scenario {
namespace {

// nullopt for a pattern that does not compile (possible once variables are expanded into it).
std::optional<std::regex> CompileRegex(const std::string& pattern) {
  try {
    return std::regex(pattern);
  } catch (const std::regex_error&) {
    return std::nullopt;
  }
}

using nlohmann::json;

std::string Join(const std::vector<int>& v) {
  std::string out;
  for (int i : v) out += (out.empty() ? "" : " or ") + std::to_string(i);
  return out;
}

std::string TypeName(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_boolean()) return "boolean";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

bool HasType(const json& v, const std::string& type) {
  if (type == "number") return v.is_number();
  if (type == "integer") return v.is_number_integer() || v.is_number_unsigned() ||
                                (v.is_number_float() && v.get<double>() == static_cast<double>(static_cast<long long>(v.get<double>())));
  return TypeName(v) == type;
}

const json* Resolve(const json& doc, const std::string& pointer) {
  if (pointer.empty()) return &doc;
  try {
    json::json_pointer p(pointer);
    if (!doc.contains(p)) return nullptr;
    return &doc.at(p);
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::vector<std::string> Split(const std::string& pointer) {
  std::vector<std::string> parts;
  size_t pos = 1;
  while (pos <= pointer.size()) {
    size_t next = pointer.find('/', pos);
    if (next == std::string::npos) next = pointer.size();
    parts.push_back(pointer.substr(pos, next - pos));
    pos = next + 1;
  }
  return parts;
}

void Blank(json& node, const std::vector<std::string>& parts, size_t i) {
  if (i == parts.size()) {
    node = "<ignored>";
    return;
  }
  const std::string& part = parts[i];
  if (node.is_object()) {
    if (part == "*") {
      for (auto& [key, child] : node.items()) Blank(child, parts, i + 1);
    } else if (node.contains(part)) {
      Blank(node[part], parts, i + 1);
    }
  } else if (node.is_array()) {
    if (part == "*") {
      for (auto& child : node) Blank(child, parts, i + 1);
    } else if (!part.empty() && std::all_of(part.begin(), part.end(), ::isdigit)) {
      size_t index = std::stoul(part);
      if (index < node.size()) Blank(node[index], parts, i + 1);
    }
  }
}

std::string RenderDiff(const json& expected, const json& actual) {
  json patch = json::diff(expected, actual);
  std::string out;
  int shown = 0;
  for (const auto& op : patch) {
    if (++shown > 20) {
      out += "  ... " + std::to_string(patch.size() - 20) + " more differences\n";
      break;
    }
    std::string path = op.value("path", "");
    std::string kind = op.value("op", "");
    if (kind == "replace") {
      const json* was = Resolve(expected, path);
      out += "  " + path + ": expected " + (was ? Preview(*was, 80) : "?") + ", got " + Preview(op["value"], 80) + "\n";
    } else if (kind == "add") {
      out += "  " + path + ": unexpected " + Preview(op["value"], 80) + "\n";
    } else if (kind == "remove") {
      const json* was = Resolve(expected, path);
      out += "  " + path + ": missing (expected " + (was ? Preview(*was, 80) : "?") + ")\n";
    }
  }
  return out;
}

void CheckOne(const Matcher& m, const json& doc, const Variables& vars, const std::string& prefix,
              std::vector<Mismatch>& out) {
  std::string what = "body " + prefix + (m.path.empty() ? "(whole body)" : m.path) + " " + std::string(MatcherOpName(m.op));
  Result<std::string> path = vars.Expand(m.path);
  if (!path.ok()) {
    out.push_back({what, "a defined variable", path.status().message()});
    return;
  }
  const json* value = Resolve(doc, *path);
  Result<json> expected = vars.ExpandJson(m.value);
  if (!expected.ok()) {
    out.push_back({what, "a defined variable", expected.status().message()});
    return;
  }
  if (m.op == Matcher::Op::kAbsent) {
    if (value) out.push_back({what, "no value", Preview(*value)});
    return;
  }
  if (!value) {
    out.push_back({what, m.op == Matcher::Op::kExists ? "a value" : Preview(*expected), "nothing at " + *path});
    return;
  }
  switch (m.op) {
    case Matcher::Op::kExists:
    case Matcher::Op::kAbsent:
      return;
    case Matcher::Op::kEquals:
      if (*value != *expected) out.push_back({what, Preview(*expected), Preview(*value)});
      return;
    case Matcher::Op::kNotEquals:
      if (*value == *expected) out.push_back({what, "anything but " + Preview(*expected), Preview(*value)});
      return;
    case Matcher::Op::kOneOf:
      if (std::find(expected->begin(), expected->end(), *value) == expected->end()) {
        out.push_back({what, "one of " + Preview(*expected), Preview(*value)});
      }
      return;
    case Matcher::Op::kRegex: {
      if (!value->is_string()) {
        out.push_back({what, "a string matching /" + expected->get<std::string>() + "/", Preview(*value)});
        return;
      }
      std::optional<std::regex> re = CompileRegex(expected->get<std::string>());
      if (!re) {
        out.push_back({what, "a valid regular expression", "/" + expected->get<std::string>() + "/ (after ${...})"});
      } else if (!std::regex_match(value->get<std::string>(), *re)) {
        out.push_back({what, "/" + expected->get<std::string>() + "/", Preview(*value)});
      }
      return;
    }
    case Matcher::Op::kType:
      if (!HasType(*value, expected->get<std::string>())) {
        out.push_back({what, expected->get<std::string>(), TypeName(*value) + " " + Preview(*value, 60)});
      }
      return;
    case Matcher::Op::kLength: {
      if (!value->is_array() && !value->is_object() && !value->is_string()) {
        out.push_back({what, "an array, object or string", TypeName(*value)});
        return;
      }
      long long n = value->is_string() ? static_cast<long long>(value->get<std::string>().size())
                                       : static_cast<long long>(value->size());
      bool ok = expected->is_number_integer()
                    ? n == expected->get<long long>()
                    : (n >= expected->value("min", 0LL) && n <= expected->value("max", (1LL << 62)));
      if (!ok) out.push_back({what, "length " + expected->dump(), "length " + std::to_string(n)});
      return;
    }
    case Matcher::Op::kRange: {
      if (!value->is_number()) {
        out.push_back({what, "a number in " + expected->dump(), TypeName(*value) + " " + Preview(*value, 60)});
        return;
      }
      double n = value->get<double>();
      bool ok = (!expected->contains("min") || n >= (*expected)["min"].get<double>()) &&
                (!expected->contains("max") || n <= (*expected)["max"].get<double>());
      if (!ok) out.push_back({what, "a number in " + expected->dump(), Preview(*value)});
      return;
    }
    case Matcher::Op::kEvery:
    case Matcher::Op::kAny: {
      if (!value->is_array()) {
        out.push_back({what, "an array", TypeName(*value)});
        return;
      }
      if (m.op == Matcher::Op::kEvery) {
        for (size_t i = 0; i < value->size(); ++i) {
          for (const Matcher& nested : m.nested) {
            CheckOne(nested, (*value)[i], vars, prefix + *path + "/" + std::to_string(i) + " ", out);
          }
        }
        return;
      }
      for (const auto& element : *value) {
        std::vector<Mismatch> local;
        for (const Matcher& nested : m.nested) CheckOne(nested, element, vars, "", local);
        if (local.empty()) return;
      }
      out.push_back({what, "at least one element satisfying the nested matchers",
                     std::to_string(value->size()) + " elements, none matching"});
      return;
    }
    case Matcher::Op::kFixture: {
      json want = *expected, got = *value;
      BlankPaths(want, m.ignore);
      BlankPaths(got, m.ignore);
      if (want != got) {
        out.push_back({what, "the fixture " + m.fixture, "a different document", RenderDiff(want, got)});
      }
      return;
    }
  }
}

}  // namespace

std::string Preview(const json& value, size_t max) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > max) text = text.substr(0, max) + "...";
  return text;
}

void BlankPaths(json& doc, const std::vector<std::string>& pointers) {
  for (const std::string& pointer : pointers) {
    if (pointer.empty()) continue;
    Blank(doc, Split(pointer), 0);
  }
}

std::vector<Mismatch> CheckMatchers(const std::vector<Matcher>& matchers, const json& doc, const Variables& vars) {
  std::vector<Mismatch> out;
  for (const Matcher& m : matchers) CheckOne(m, doc, vars, "", out);
  return out;
}

namespace {

// A stream read: how it ended, and the body matchers over the array of events (which survive a cut).
void CheckStream(const Expectation& e, const StreamOutcome& stream, const Variables& vars, std::vector<Mismatch>& out) {
  if (!e.stream_end.empty() && std::find(e.stream_end.begin(), e.stream_end.end(), stream.end) == e.stream_end.end()) {
    std::string want;
    for (StreamEnd end : e.stream_end) want += (want.empty() ? "" : " or ") + std::string(StreamEndName(end));
    out.push_back({"stream end", want, std::string(StreamEndName(stream.end))});
  }
  if (e.body.empty()) return;
  if (!stream.parse_error.empty()) {
    out.push_back({"stream events", "concatenated JSON objects", stream.parse_error});
    return;
  }
  json events = json::array();
  for (const json& event : stream.events) events.push_back(event);
  std::vector<Mismatch> body = CheckMatchers(e.body, events, vars);
  for (Mismatch& m : body) m.what = "events " + m.what.substr(m.what.rfind("body", 0) == 0 ? 5 : 0);
  out.insert(out.end(), body.begin(), body.end());
}

}  // namespace

std::vector<Mismatch> CheckExpectation(const Expectation& e, const Outcome& o, const Variables& vars) {
  std::vector<Mismatch> out;
  if (!e.transport.empty() && std::find(e.transport.begin(), e.transport.end(), o.transport) == e.transport.end()) {
    std::string want;
    for (TransportClass t : e.transport) want += (want.empty() ? "" : " or ") + std::string(TransportClassName(t));
    std::string got(TransportClassName(o.transport));
    if (o.transport == TransportClass::kOk) got += " (HTTP " + std::to_string(o.http_status) + ")";
    if (!o.detail.empty()) got += ": " + o.detail.substr(0, 300);
    out.push_back({"transport", want, got});
    return out;  // nothing else is meaningful without the expected kind of answer
  }
  if (o.stream) CheckStream(e, *o.stream, vars, out);
  if (o.transport != TransportClass::kOk) return out;
  if (!e.http_status.empty() &&
      std::find(e.http_status.begin(), e.http_status.end(), o.http_status) == e.http_status.end()) {
    out.push_back({"http_status", Join(e.http_status), std::to_string(o.http_status)});
  }
  if (!e.code.empty()) {
    if (!o.api_code) {
      out.push_back({"status.code", Join(e.code), "no Kuscia envelope in the body: " + Preview(json(o.body), 120)});
    } else if (std::find(e.code.begin(), e.code.end(), *o.api_code) == e.code.end()) {
      json doc = json::parse(o.body, nullptr, false);
      std::string message = doc.is_object() ? doc["status"].value("message", "") : "";
      out.push_back({"status.code", Join(e.code), std::to_string(*o.api_code) + " (" + message.substr(0, 200) + ")"});
    }
  }
  if (e.code_absent && o.api_code) out.push_back({"status.code", "none (no envelope)", std::to_string(*o.api_code)});
  if (e.body_regex) {
    Result<std::string> want = vars.Expand(*e.body_regex);
    std::optional<std::regex> re = want.ok() ? CompileRegex(*want) : std::nullopt;
    if (!re) out.push_back({"body_regex", "a valid regular expression", want.ok() ? *want : want.status().message()});
    else if (!std::regex_match(o.body, *re)) out.push_back({"body_regex", "/" + *want + "/", Preview(json(o.body))});
  }
  if (e.body_text) {
    Result<std::string> want = vars.Expand(*e.body_text);
    if (!want.ok()) out.push_back({"body_text", "a defined variable", want.status().message()});
    else if (*want != o.body) out.push_back({"body_text", Preview(json(*want)), Preview(json(o.body))});
  }
  for (const Expectation::Header& h : e.headers) {
    std::optional<std::string> value = o.Header(h.name);
    std::string what = "header " + h.name;
    if (h.absent) {
      if (value) out.push_back({what, "absent", *value});
      continue;
    }
    if (!value) {
      out.push_back({what, h.equals ? *h.equals : h.regex ? "/" + *h.regex + "/" : "present", "absent"});
      continue;
    }
    if (h.equals) {
      Result<std::string> want = vars.Expand(*h.equals);
      if (!want.ok() || *want != *value) out.push_back({what, want.ok() ? *want : *h.equals, *value});
    }
    if (h.regex) {
      std::optional<std::regex> re = CompileRegex(*h.regex);
      if (!re || !std::regex_match(*value, *re)) out.push_back({what, "/" + *h.regex + "/", *value});
    }
  }
  if (!e.body.empty() && !o.stream) {
    json doc = json::parse(o.body, nullptr, false);
    if (doc.is_discarded()) {
      out.push_back({"body", "JSON", "not JSON: " + Preview(json(o.body), 120)});
    } else {
      std::vector<Mismatch> body = CheckMatchers(e.body, doc, vars);
      out.insert(out.end(), body.begin(), body.end());
    }
  }
  return out;
}

}  // namespace kuscia::harness::scenario
