// The canonical message form (docs/design.md): every declared field present, in declaration order.
#include <cassert>
#include <cstdint>

#include "api/json_codec.h"
#include "api/json_internal.h"

namespace kuscia::api {
namespace {

using nlohmann::ordered_json;

ordered_json ZeroValue(const FieldSchema& f) {
  if (f.optional) return nullptr;
  if (f.repeated) return ordered_json::array();
  switch (f.kind) {
    case FieldKind::kString: return "";
    case FieldKind::kBool: return false;
    case FieldKind::kInt32:
    case FieldKind::kInt64: return std::int64_t{0};
    case FieldKind::kUint64: return std::uint64_t{0};
    case FieldKind::kFloat:
    case FieldKind::kDouble: return 0.0;
    case FieldKind::kEnum: {
      const EnumValue* zero = f.enumeration ? f.enumeration->FindByNumber(0) : nullptr;
      if (zero != nullptr) return zero->name;
      return std::int64_t{0};
    }
    case FieldKind::kStringMap: return ordered_json::object();
    case FieldKind::kMessage:
    case FieldKind::kAny: return nullptr;
  }
  return nullptr;
}

ordered_json CanonicalScalar(const FieldSchema& f, ordered_json v) {
  if (f.kind == FieldKind::kEnum && v.is_number_integer()) {
    const EnumValue* named = f.enumeration ? f.enumeration->FindByNumber(v.get<std::int64_t>()) : nullptr;
    if (named != nullptr) return named->name;
  }
  if (f.kind == FieldKind::kMessage) {
    if (!v.is_object()) return nullptr;
    return Canonicalize(*f.message, std::move(v));
  }
  return v;
}

ordered_json CanonicalValue(const FieldSchema& f, ordered_json v) {
  if (f.repeated) {
    if (!v.is_array()) return ordered_json::array();
    for (ordered_json& element : v) {
      // A JSON null element of a repeated message (Go's nil pointer) stays null.
      if (!element.is_null()) element = CanonicalScalar(f, std::move(element));
    }
    return v;
  }
  if (f.kind == FieldKind::kStringMap) return v.is_object() ? std::move(v) : ordered_json::object();
  return CanonicalScalar(f, std::move(v));
}

std::string PointerPart(std::string_view key) {
  std::string out = "/";
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Status Mismatch(const std::string& pointer, std::string_view expected, const ordered_json& got) {
  return InvalidArgument(pointer + ": expected " + std::string(expected) + ", got " + std::string(got.type_name()) +
                         " " + got.dump());
}

Status ValidateMessage(const MessageSchema& m, const ordered_json& value, const std::string& pointer);

Status ValidateScalar(const FieldSchema& f, const ordered_json& v, const std::string& pointer) {
  switch (f.kind) {
    case FieldKind::kString:
      return v.is_string() ? OkStatus() : Mismatch(pointer, "a string", v);
    case FieldKind::kBool:
      return v.is_boolean() ? OkStatus() : Mismatch(pointer, "a boolean", v);
    case FieldKind::kInt32:
    case FieldKind::kInt64:
      return v.is_number_integer() ? OkStatus() : Mismatch(pointer, "an integer", v);
    case FieldKind::kUint64:
      return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0)
                 ? OkStatus()
                 : Mismatch(pointer, "a non-negative integer", v);
    case FieldKind::kFloat:
    case FieldKind::kDouble:
      return v.is_number() ? OkStatus() : Mismatch(pointer, "a number", v);
    case FieldKind::kEnum:
      if (v.is_number_integer()) return OkStatus();
      if (v.is_string() && f.enumeration && f.enumeration->FindByName(v.get_ref<const std::string&>())) {
        return OkStatus();
      }
      return Mismatch(pointer, "a value name of enum " + f.type_name + " or an integer", v);
    case FieldKind::kMessage:
      if (v.is_null()) return OkStatus();
      if (!v.is_object()) return Mismatch(pointer, "an object or null (message " + f.type_name + ")", v);
      return ValidateMessage(*f.message, v, pointer);
    case FieldKind::kAny:
      if (v.is_null()) return OkStatus();
      if (!v.is_object() || !v.contains("@type") || !v["@type"].is_string()) {
        return Mismatch(pointer, "an object with a string \"@type\" (google.protobuf.Any)", v);
      }
      return OkStatus();
    case FieldKind::kStringMap: break;
  }
  return OkStatus();
}

Status ValidateMessage(const MessageSchema& m, const ordered_json& value, const std::string& pointer) {
  if (!value.is_object()) return Mismatch(pointer.empty() ? "/" : pointer, "an object (message " + m.name + ")", value);
  for (const auto& [key, v] : value.items()) {
    const std::string here = pointer + PointerPart(key);
    const FieldSchema* f = m.FindByProtoName(key);
    if (f == nullptr) {
      return InvalidArgument(here + ": message " + m.name + " declares no field '" + key +
                             "' (canonical keys are proto names such as '" +
                             (m.fields.empty() ? std::string("-") : m.fields.front().proto_name) + "')");
    }
    if (v.is_null() && (f->optional || f->kind == FieldKind::kMessage || f->kind == FieldKind::kAny)) continue;
    if (f->kind == FieldKind::kStringMap) {
      if (!v.is_object()) return Mismatch(here, "an object of strings", v);
      for (const auto& [map_key, map_value] : v.items()) {
        if (!map_value.is_string()) return Mismatch(here + PointerPart(map_key), "a string", map_value);
      }
      continue;
    }
    if (f->repeated) {
      if (!v.is_array()) return Mismatch(here, "an array", v);
      for (std::size_t i = 0; i < v.size(); ++i) {
        KC_RETURN_IF_ERROR(ValidateScalar(*f, v[i], here + "/" + std::to_string(i)));
      }
      continue;
    }
    KC_RETURN_IF_ERROR(ValidateScalar(*f, v, here));
  }
  return OkStatus();
}

}  // namespace

ordered_json Canonicalize(const MessageSchema& schema, ordered_json partial) {
  ordered_json out = ordered_json::object();
  auto& members = static_cast<internal::OrderedMembers&>(out.get_ref<internal::OrderedObject&>());
  members.reserve(schema.fields.size());
  if (!partial.is_object()) partial = ordered_json::object();
  std::size_t cursor = 0;
  for (const FieldSchema& f : schema.fields) {
    auto* found = const_cast<ordered_json*>(internal::FindMember(partial, f.proto_name, cursor));
    if (found == nullptr || found->is_null()) {
      members.emplace_back(f.proto_name, ZeroValue(f));
    } else {
      members.emplace_back(f.proto_name, CanonicalValue(f, std::move(*found)));
    }
  }
  return out;
}

ordered_json Canonicalize(std::string_view message_name, const ordered_json& partial) {
  const MessageSchema* m = FindMessage(message_name);
  assert(m != nullptr && "Canonicalize: unknown message name");
  if (m == nullptr) return partial;
  return Canonicalize(*m, partial);
}

Status ValidateCanonical(std::string_view message_name, const ordered_json& value) {
  const MessageSchema* m = FindMessage(message_name);
  if (m == nullptr) return InvalidArgument("no schema for message '" + std::string(message_name) + "'");
  return ValidateMessage(*m, value, "");
}

}  // namespace kuscia::api
