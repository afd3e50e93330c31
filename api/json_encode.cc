// Response encoding straight into a std::string, walking the schema (no intermediate json trees).
// protojson: reference §2.4. encoding/json: reference §5.1.10.
#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

#include "api/go_text.h"
#include "api/json_codec.h"
#include "api/json_internal.h"

namespace kuscia::api {
namespace {

using nlohmann::ordered_json;

void AppendInt(std::int64_t v, std::string& out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void AppendUint(std::uint64_t v, std::string& out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

// Integers in the canonical form may arrive as signed, unsigned or (from hand-built values) integral doubles.
std::int64_t AsInt(const ordered_json& v) {
  if (v.is_number_unsigned()) return static_cast<std::int64_t>(v.get<std::uint64_t>());
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_float()) return static_cast<std::int64_t>(v.get<double>());
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  return 0;
}

std::uint64_t AsUint(const ordered_json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) return static_cast<std::uint64_t>(v.get<std::int64_t>());
  if (v.is_number_float()) return static_cast<std::uint64_t>(v.get<double>());
  return 0;
}

double AsDouble(const ordered_json& v) { return v.is_number() ? v.get<double>() : 0.0; }

std::int64_t EnumNumber(const FieldSchema& f, const ordered_json& v) {
  if (v.is_string()) {
    const EnumValue* ev = f.enumeration ? f.enumeration->FindByName(v.get_ref<const std::string&>()) : nullptr;
    assert(ev != nullptr && "enum value name not declared");
    return ev ? ev->number : 0;
  }
  return AsInt(v);
}

const std::string& AsString(const ordered_json& v) {
  static const std::string kEmpty;
  return v.is_string() ? v.get_ref<const std::string&>() : kEmpty;
}

// Map keys in byte order, as both protojson and encoding/json sort them.
std::vector<const std::pair<const std::string, ordered_json>*> SortedMembers(const ordered_json& map) {
  std::vector<const std::pair<const std::string, ordered_json>*> sorted;
  const auto& members = static_cast<const internal::OrderedMembers&>(map.get_ref<const internal::OrderedObject&>());
  sorted.reserve(members.size());
  for (const auto& member : members) sorted.push_back(&member);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  return sorted;
}

// Counts keys of `obj` that were not consumed, to catch undeclared keys in debug builds.
void CheckAllKeysDeclared([[maybe_unused]] const MessageSchema& m, [[maybe_unused]] const ordered_json& obj,
                          [[maybe_unused]] std::size_t matched) {
#ifndef NDEBUG
  if (matched != obj.size()) {
    for (const auto& [key, value] : obj.items()) {
      assert(m.FindByProtoName(key) != nullptr && "canonical value has a key its message does not declare");
    }
  }
#endif
}

// ---------------------------------------------------------------------------------------------------
// protojson

void ProtoValue(const FieldSchema& f, const ordered_json& v, std::string& out);

void ProtoAny(const ordered_json& v, std::string& out) {
  if (!v.is_object()) {
    out += "{}";
    return;
  }
  const auto type_it = v.find("@type");
  const std::string url = type_it != v.end() ? AsString(*type_it) : std::string();
  out += "{\"@type\":";
  AppendProtoJsonString(url, out);
  const std::size_t slash = url.rfind('/');
  const MessageSchema* m = FindMessageByFullName(slash == std::string::npos ? url : url.substr(slash + 1));
  if (m != nullptr) {
    ordered_json inner = v;
    inner.erase("@type");
    std::string body;
    AppendProtoJson(*m, inner, body);  // "{...}" of the embedded message
    if (body.size() > 2) {
      out.push_back(',');
      out.append(body, 1, body.size() - 2);
    }
  }
  out.push_back('}');
}

void ProtoSingle(const FieldSchema& f, const ordered_json& v, std::string& out) {
  switch (f.kind) {
    case FieldKind::kString: AppendProtoJsonString(AsString(v), out); return;
    case FieldKind::kBool: out += (v.is_boolean() && v.get<bool>()) ? "true" : "false"; return;
    case FieldKind::kInt32: AppendInt(AsInt(v), out); return;
    case FieldKind::kInt64:
      out.push_back('"');
      AppendInt(AsInt(v), out);
      out.push_back('"');
      return;
    case FieldKind::kUint64:
      out.push_back('"');
      AppendUint(AsUint(v), out);
      out.push_back('"');
      return;
    case FieldKind::kFloat: AppendGoFloat(AsDouble(v), 32, out); return;
    case FieldKind::kDouble: AppendGoFloat(AsDouble(v), 64, out); return;
    case FieldKind::kEnum: {
      const std::int64_t number = EnumNumber(f, v);
      const EnumValue* ev = f.enumeration ? f.enumeration->FindByNumber(number) : nullptr;
      if (ev != nullptr) {
        AppendProtoJsonString(ev->name, out);
      } else {
        AppendInt(number, out);  // protojson writes unknown enum numbers as numbers
      }
      return;
    }
    case FieldKind::kMessage:
      if (v.is_object()) {
        AppendProtoJson(*f.message, v, out);
      } else {
        out += "null";
      }
      return;
    case FieldKind::kAny: ProtoAny(v, out); return;
    case FieldKind::kStringMap: break;
  }
}

void ProtoValue(const FieldSchema& f, const ordered_json& v, std::string& out) {
  if (f.kind == FieldKind::kStringMap) {
    out.push_back('{');
    if (v.is_object()) {
      bool first = true;
      for (const auto* member : SortedMembers(v)) {
        if (!first) out.push_back(',');
        first = false;
        AppendProtoJsonString(member->first, out);
        out.push_back(':');
        AppendProtoJsonString(AsString(member->second), out);
      }
    }
    out.push_back('}');
    return;
  }
  if (f.repeated) {
    out.push_back('[');
    if (v.is_array()) {
      bool first = true;
      for (const ordered_json& element : v) {
        if (!first) out.push_back(',');
        first = false;
        ProtoSingle(f, element, out);
      }
    }
    out.push_back(']');
    return;
  }
  ProtoSingle(f, v, out);
}

// ---------------------------------------------------------------------------------------------------
// encoding/json

bool GoIsEmpty(const FieldSchema& f, const ordered_json& v) {
  if (v.is_null()) return true;
  if (f.optional) return false;  // a set pointer is never empty, even when it points at a zero value
  if (f.repeated || f.kind == FieldKind::kStringMap) return v.empty();
  switch (f.kind) {
    case FieldKind::kString: return AsString(v).empty();
    case FieldKind::kBool: return !(v.is_boolean() && v.get<bool>());
    case FieldKind::kInt32:
    case FieldKind::kInt64: return AsInt(v) == 0;
    case FieldKind::kUint64: return AsUint(v) == 0;
    case FieldKind::kFloat:
    case FieldKind::kDouble: return AsDouble(v) == 0.0;
    case FieldKind::kEnum: return EnumNumber(f, v) == 0;
    case FieldKind::kMessage:
    case FieldKind::kAny: return !v.is_object();
    case FieldKind::kStringMap: break;
  }
  return false;
}

void GoSingle(const FieldSchema& f, const ordered_json& v, std::string& out) {
  switch (f.kind) {
    case FieldKind::kString: AppendGoJsonString(AsString(v), out); return;
    case FieldKind::kBool: out += (v.is_boolean() && v.get<bool>()) ? "true" : "false"; return;
    case FieldKind::kInt32:
    case FieldKind::kInt64: AppendInt(AsInt(v), out); return;
    case FieldKind::kUint64: AppendUint(AsUint(v), out); return;
    case FieldKind::kEnum: AppendInt(EnumNumber(f, v), out); return;
    case FieldKind::kFloat:
    case FieldKind::kDouble: {
      const double d = AsDouble(v);
      // encoding/json refuses NaN and infinities (UnsupportedValueError); null is the least surprising stand-in.
      if (std::isnan(d) || std::isinf(d)) {
        out += "null";
      } else {
        AppendGoFloat(d, f.kind == FieldKind::kFloat ? 32 : 64, out);
      }
      return;
    }
    case FieldKind::kMessage:
      if (v.is_object()) {
        AppendGoJson(*f.message, v, out);
      } else {
        out += "null";
      }
      return;
    case FieldKind::kAny:
      // anypb.Any as a Go struct: only type_url is kept here (the packed bytes are not modelled).
      if (v.is_object() && v.contains("@type")) {
        out += "{\"type_url\":";
        AppendGoJsonString(AsString(v["@type"]), out);
        out.push_back('}');
      } else {
        out += v.is_object() ? "{}" : "null";
      }
      return;
    case FieldKind::kStringMap: break;
  }
}

void GoValue(const FieldSchema& f, const ordered_json& v, std::string& out) {
  if (f.kind == FieldKind::kStringMap) {
    out.push_back('{');
    bool first = true;
    static const ordered_json kEmptyObject = ordered_json::object();
    for (const auto* member : SortedMembers(v.is_object() ? v : kEmptyObject)) {
      if (!first) out.push_back(',');
      first = false;
      AppendGoJsonString(member->first, out);
      out.push_back(':');
      AppendGoJsonString(AsString(member->second), out);
    }
    out.push_back('}');
    return;
  }
  if (f.repeated) {
    out.push_back('[');
    bool first = true;
    static const ordered_json kEmptyArray = ordered_json::array();
    for (const ordered_json& element : v.is_array() ? v : kEmptyArray) {
      if (!first) out.push_back(',');
      first = false;
      GoSingle(f, element, out);
    }
    out.push_back(']');
    return;
  }
  GoSingle(f, v, out);
}

template <typename WriteField>
void WalkFields(const MessageSchema& m, const ordered_json& canonical, WriteField&& write) {
  static const ordered_json kNull;
  if (!canonical.is_object()) {
    for (const FieldSchema& f : m.fields) write(f, kNull);
    return;
  }
  std::size_t cursor = 0;
  std::size_t matched = 0;
  for (const FieldSchema& f : m.fields) {
    const ordered_json* v = internal::FindMember(canonical, f.proto_name, cursor);
    if (v != nullptr) ++matched;
    write(f, v ? *v : kNull);
  }
  CheckAllKeysDeclared(m, canonical, matched);
}

}  // namespace

void AppendProtoJson(const MessageSchema& schema, const ordered_json& canonical, std::string& out) {
  out.push_back('{');
  bool first = true;
  WalkFields(schema, canonical, [&](const FieldSchema& f, const ordered_json& v) {
    if (f.optional && v.is_null()) return;  // proto3 optional: unset fields are not emitted
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    out += f.proto_name;
    out += "\":";
    ProtoValue(f, v, out);
  });
  out.push_back('}');
}

void AppendGoJson(const MessageSchema& schema, const ordered_json& canonical, std::string& out) {
  out.push_back('{');
  bool first = true;
  WalkFields(schema, canonical, [&](const FieldSchema& f, const ordered_json& v) {
    if (GoIsEmpty(f, v)) return;  // omitempty on every generated field
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    out += f.proto_name;
    out += "\":";
    GoValue(f, v, out);
  });
  out.push_back('}');
}

std::string EncodeProtoJson(std::string_view message_name, const ordered_json& canonical) {
  const MessageSchema* m = FindMessage(message_name);
  assert(m != nullptr && "EncodeProtoJson: unknown message name");
  if (m == nullptr) return std::string();
  return EncodeProtoJson(*m, canonical);
}

std::string EncodeProtoJson(const MessageSchema& schema, const ordered_json& canonical) {
  std::string out;
  out.reserve(256);
  AppendProtoJson(schema, canonical, out);
  return out;
}

std::string EncodeGoJson(std::string_view message_name, const ordered_json& canonical) {
  const MessageSchema* m = FindMessage(message_name);
  assert(m != nullptr && "EncodeGoJson: unknown message name");
  std::string out;
  if (m == nullptr) return out;
  AppendGoJson(*m, canonical, out);
  return out;
}

}  // namespace kuscia::api
