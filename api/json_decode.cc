// Request decoding, reference §2.2. Pass 1 emulates protojson.UnmarshalOptions{DiscardUnknown: true};
// pass 2 emulates encoding/json's Decoder (DisallowUnknownFields) filling the generated Go struct.
//
// Kuscia runs pass 2 on the struct pass 1 left half-filled. Pass 2 starts empty here: every key pass 1
// consumed before failing is consumed again by pass 2 with the same or a stronger effect (Go overwrites
// scalars, reuses slice elements and map entries, and clears on null), so the two are indistinguishable.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <vector>

#include "api/go_text.h"
#include "api/json_codec.h"
#include "api/json_dom.h"
#include "api/json_internal.h"

namespace kuscia::api {
namespace {

using internal::JsonNode;
using nlohmann::ordered_json;
using NodeType = JsonNode::Type;

// ---------------------------------------------------------------------------------------------------
// Numbers

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int BitsOf(FieldKind kind) {
  return (kind == FieldKind::kInt32 || kind == FieldKind::kEnum || kind == FieldKind::kFloat) ? 32 : 64;
}

// strconv.ParseInt / ParseUint with a bit size: decimal digits, an optional sign, nothing else.
bool ParseGoInt(std::string_view s, int bits, std::int64_t* out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return false;
  if (bits == 32 && (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())) {
    return false;
  }
  *out = v;
  return true;
}

bool ParseGoUint(std::string_view s, std::uint64_t* out) {
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return false;
  *out = v;
  return true;
}

// strconv.ParseFloat for a valid JSON number: only overflow is an error (underflow rounds to zero).
bool ParseGoFloat(std::string_view s, int bits, double* out) {
  if (bits == 32) {
    float f = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), f);
    if (ptr != s.data() + s.size()) return false;
    if (ec == std::errc::result_out_of_range) {
      const std::string copy(s);
      f = std::strtof(copy.c_str(), nullptr);
      if (std::isinf(f)) return false;
    } else if (ec != std::errc()) {
      return false;
    }
    *out = f;
    return true;
  }
  double d = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ptr != s.data() + s.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    const std::string copy(s);
    d = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(d)) return false;
  } else if (ec != std::errc()) {
    return false;
  }
  *out = d;
  return true;
}

// protojson's numberParts + normalizeToIntString: integers may be written 1.0, 1e2 or 100E-2.
bool NormalizeProtoInt(std::string_view raw, std::string* out) {
  bool neg = false;
  if (!raw.empty() && raw[0] == '-') {
    neg = true;
    raw.remove_prefix(1);
  }
  std::string_view intp, frac, exp;
  std::size_t i = 0;
  if (i < raw.size() && raw[i] == '0') {
    ++i;  // a leading zero is not part of the integer digits
  } else {
    while (i < raw.size() && IsDigit(raw[i])) ++i;
    intp = raw.substr(0, i);
  }
  if (i < raw.size() && raw[i] == '.') {
    const std::size_t start = ++i;
    while (i < raw.size() && IsDigit(raw[i])) ++i;
    frac = raw.substr(start, i - start);
    while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  }
  if (i < raw.size() && (raw[i] == 'e' || raw[i] == 'E')) exp = raw.substr(i + 1);

  if (intp.empty() && frac.empty()) {
    *out = "0";
    return true;
  }
  std::int64_t e = 0;
  if (!exp.empty() && !ParseGoInt(exp, 32, &e)) return false;
  std::string num;
  if (e >= 0) {
    if (static_cast<std::int64_t>(frac.size()) > e) return false;
    if (static_cast<std::int64_t>(intp.size()) + e > 20) return false;
    num.append(intp).append(frac).append(static_cast<std::size_t>(e - static_cast<std::int64_t>(frac.size())), '0');
  } else {
    if (!frac.empty()) return false;
    const std::int64_t index = static_cast<std::int64_t>(intp.size()) + e;
    if (index < 0) return false;
    for (auto k = static_cast<std::size_t>(index); k < intp.size(); ++k) {
      if (intp[k] != '0') return false;
    }
    num = intp.substr(0, static_cast<std::size_t>(index));
  }
  *out = neg ? "-" + num : num;
  return true;
}

bool IsUnicodeSpace(char32_t r) {
  return r == ' ' || (r >= '\t' && r <= '\r') || r == 0x85 || r == 0xA0 || r == 0x1680 ||
         (r >= 0x2000 && r <= 0x200A) || r == 0x2028 || r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000;
}

bool IsNotDelim(char c) {
  return c == '-' || c == '+' || c == '.' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         IsDigit(c);
}

// protojson reads numbers inside strings with its own JSON decoder: no surrounding space, then one number
// token that must be followed by a delimiter or the end ("12 3" reads as 12; "12x" fails).
bool NumberTokenInString(std::string_view s, std::string_view* token) {
  if (s.empty()) return false;
  char32_t first;
  DecodeUtf8Rune(s, 0, &first);
  std::size_t last_start = s.size() - 1;
  while (last_start > 0 && (static_cast<unsigned char>(s[last_start]) & 0xC0) == 0x80) --last_start;
  char32_t last;
  DecodeUtf8Rune(s, last_start, &last);
  if (IsUnicodeSpace(first) || IsUnicodeSpace(last)) return false;
  std::size_t i = 0;
  if (s[i] == '-') ++i;
  if (i >= s.size()) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < s.size() && IsDigit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i < s.size() && IsNotDelim(s[i])) return false;
  *token = s.substr(0, i);
  return true;
}

ordered_json EnumCanonical(const EnumSchema* e, std::int64_t number) {
  if (e != nullptr) {
    if (const EnumValue* v = e->FindByNumber(number)) return v->name;
  }
  return number;
}

// ---------------------------------------------------------------------------------------------------
// Pass 1: protojson

enum class ProtoScalar { kOk, kDiscard, kFail };

ProtoScalar ProtoDecodeScalar(const FieldSchema& f, const JsonNode& v, ordered_json* out) {
  switch (f.kind) {
    case FieldKind::kString:
      if (v.type != NodeType::kString) return ProtoScalar::kFail;
      *out = v.text;
      return ProtoScalar::kOk;
    case FieldKind::kBool:
      if (v.type != NodeType::kBool) return ProtoScalar::kFail;
      *out = v.boolean;
      return ProtoScalar::kOk;
    case FieldKind::kInt32:
    case FieldKind::kInt64:
    case FieldKind::kUint64: {
      std::string_view raw;
      if (v.type == NodeType::kNumber) {
        raw = v.text;
      } else if (v.type != NodeType::kString || !NumberTokenInString(v.text, &raw)) {
        return ProtoScalar::kFail;
      }
      std::string normal;
      if (!NormalizeProtoInt(raw, &normal)) return ProtoScalar::kFail;
      if (f.kind == FieldKind::kUint64) {
        std::uint64_t u;
        if (!ParseGoUint(normal, &u)) return ProtoScalar::kFail;
        *out = u;
      } else {
        std::int64_t n;
        if (!ParseGoInt(normal, BitsOf(f.kind), &n)) return ProtoScalar::kFail;
        *out = n;
      }
      return ProtoScalar::kOk;
    }
    case FieldKind::kFloat:
    case FieldKind::kDouble: {
      std::string_view raw;
      if (v.type == NodeType::kNumber) {
        raw = v.text;
      } else if (v.type == NodeType::kString) {
        if (v.text == "NaN") {
          *out = std::numeric_limits<double>::quiet_NaN();
          return ProtoScalar::kOk;
        }
        if (v.text == "Infinity" || v.text == "-Infinity") {
          *out = (v.text[0] == '-' ? -1 : 1) * std::numeric_limits<double>::infinity();
          return ProtoScalar::kOk;
        }
        if (!NumberTokenInString(v.text, &raw)) return ProtoScalar::kFail;
      } else {
        return ProtoScalar::kFail;
      }
      double d;
      if (!ParseGoFloat(raw, BitsOf(f.kind), &d)) return ProtoScalar::kFail;
      *out = d;
      return ProtoScalar::kOk;
    }
    case FieldKind::kEnum: {
      if (v.type == NodeType::kString) {
        const EnumValue* ev = f.enumeration ? f.enumeration->FindByName(v.text) : nullptr;
        if (ev == nullptr) return ProtoScalar::kDiscard;  // unknown names are dropped with DiscardUnknown
        *out = ev->name;
        return ProtoScalar::kOk;
      }
      std::string normal;
      std::int64_t n;
      if (v.type != NodeType::kNumber || !NormalizeProtoInt(v.text, &normal) || !ParseGoInt(normal, 32, &n)) {
        return ProtoScalar::kFail;
      }
      *out = EnumCanonical(f.enumeration, n);
      return ProtoScalar::kOk;
    }
    case FieldKind::kMessage:
    case FieldKind::kStringMap:
    case FieldKind::kAny: break;
  }
  return ProtoScalar::kFail;
}

bool ProtoDecodeMessage(const MessageSchema& m, const JsonNode& obj, ordered_json& out);

bool ProtoDecodeField(const FieldSchema& f, const JsonNode& v, ordered_json& out) {
  if (f.kind == FieldKind::kAny) {
    // An Any needs a type resolver; requests never carry one. An empty list (Status.details) is fine.
    if (!f.repeated || v.type != NodeType::kArray || !v.items.empty()) return false;
    out = ordered_json::array();
    return true;
  }
  if (f.kind == FieldKind::kStringMap) {
    if (v.type != NodeType::kObject) return false;
    ordered_json map = ordered_json::object();
    for (std::size_t i = 0; i < v.keys.size(); ++i) {
      if (map.contains(v.keys[i])) return false;  // duplicate map key
      if (v.items[i].type != NodeType::kString) return false;  // includes null (the binder's comment)
      internal::AppendMember(map, v.keys[i], v.items[i].text);
    }
    out = std::move(map);
    return true;
  }
  if (f.repeated) {
    if (v.type != NodeType::kArray) return false;
    ordered_json list = ordered_json::array();
    for (const JsonNode& item : v.items) {
      if (f.kind == FieldKind::kMessage) {
        if (item.type != NodeType::kObject) return false;
        ordered_json element = ordered_json::object();
        if (!ProtoDecodeMessage(*f.message, item, element)) return false;
        list.push_back(std::move(element));
        continue;
      }
      ordered_json element;
      switch (ProtoDecodeScalar(f, item, &element)) {
        case ProtoScalar::kOk: list.push_back(std::move(element)); break;
        case ProtoScalar::kDiscard: break;
        case ProtoScalar::kFail: return false;
      }
    }
    out = std::move(list);
    return true;
  }
  if (f.kind == FieldKind::kMessage) {
    if (v.type != NodeType::kObject) return false;
    ordered_json message = ordered_json::object();
    if (!ProtoDecodeMessage(*f.message, v, message)) return false;
    out = std::move(message);
    return true;
  }
  ordered_json scalar;
  switch (ProtoDecodeScalar(f, v, &scalar)) {
    case ProtoScalar::kOk: out = std::move(scalar); return true;
    case ProtoScalar::kDiscard: return true;
    case ProtoScalar::kFail: return false;
  }
  return false;
}

bool ProtoDecodeMessage(const MessageSchema& m, const JsonNode& obj, ordered_json& out) {
  std::vector<bool> seen(m.fields.size(), false);
  for (std::size_t i = 0; i < obj.keys.size(); ++i) {
    const FieldSchema* f = m.FindByProtoOrJsonName(obj.keys[i]);
    if (f == nullptr) continue;  // DiscardUnknown
    const auto index = static_cast<std::size_t>(f - m.fields.data());
    if (seen[index]) return false;  // "duplicate field", also across proto/json spellings
    seen[index] = true;
    const JsonNode& v = obj.items[i];
    if (v.type == NodeType::kNull) continue;  // null means "not set"
    ordered_json value;
    if (!ProtoDecodeField(*f, v, value)) return false;
    if (!value.is_null()) internal::AppendMember(out, f->proto_name, std::move(value));
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Pass 2: encoding/json

// encoding/json's foldName: ASCII case folding plus the two non-ASCII runes that fold onto ASCII letters.
bool GoFoldEqual(std::string_view key, std::string_view name) {
  std::size_t k = 0, n = 0;
  auto upper = [](char32_t c) -> char32_t { return (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c; };
  while (k < key.size() && n < name.size()) {
    char32_t rk;
    const std::size_t len = DecodeUtf8Rune(key, k, &rk);
    if (rk == 0x17F) rk = 'S';   // LATIN SMALL LETTER LONG S
    if (rk == 0x212A) rk = 'K';  // KELVIN SIGN
    if (upper(rk) != upper(static_cast<unsigned char>(name[n]))) return false;
    k += len;
    ++n;
  }
  return k == key.size() && n == name.size();
}

class GoDecoder {
 public:
  explicit GoDecoder(bool disallow_unknown) : disallow_unknown_(disallow_unknown) {}

  Status DecodeTop(const MessageSchema& m, const JsonNode& node, ordered_json& out) {
    bool ok = true;
    if (node.type == NodeType::kObject) {
      ok = DecodeStruct(m, node, out);
    } else if (node.type != NodeType::kNull) {
      ok = TypeError(std::string(internal::GoValueKind(node)), m.go_package + "." + m.go_name);
    }
    if (ok) return OkStatus();
    if (unsupported_) return Unimplemented(error_);
    return InvalidArgument(error_);
  }

 private:
  bool DecodeStruct(const MessageSchema& m, const JsonNode& obj, ordered_json& out) {
    if (!out.is_object()) out = ordered_json::object();
    for (std::size_t i = 0; i < obj.keys.size(); ++i) {
      const FieldSchema* f = m.FindByProtoName(obj.keys[i]);
      if (f == nullptr) {
        for (const FieldSchema& candidate : m.fields) {
          if (GoFoldEqual(obj.keys[i], candidate.proto_name)) {
            f = &candidate;
            break;
          }
        }
      }
      if (f == nullptr) {
        if (!disallow_unknown_) continue;
        error_ = "json: unknown field " + GoQuote(obj.keys[i]);
        return false;
      }
      const MessageSchema* saved_struct = struct_;
      struct_ = &m;
      field_stack_.push_back(f->proto_name);
      const bool ok = DecodeField(*f, obj.items[i], out);
      field_stack_.pop_back();
      struct_ = saved_struct;
      if (!ok) return false;
    }
    return true;
  }

  bool DecodeField(const FieldSchema& f, const JsonNode& v, ordered_json& obj) {
    if (v.type == NodeType::kNull) {
      // null clears pointers, slices and maps; it leaves plain scalars alone.
      if (f.repeated) {
        internal::MemberSlot(obj, f.proto_name) = ordered_json::array();
      } else if (f.kind == FieldKind::kStringMap) {
        internal::MemberSlot(obj, f.proto_name) = ordered_json::object();
      } else if (f.kind == FieldKind::kMessage || f.kind == FieldKind::kAny || f.optional) {
        internal::MemberSlot(obj, f.proto_name) = nullptr;
      }
      return true;
    }
    ordered_json& slot = internal::MemberSlot(obj, f.proto_name);
    if (f.kind == FieldKind::kStringMap) {
      if (v.type != NodeType::kObject) return TypeError(std::string(internal::GoValueKind(v)), "map[string]string");
      if (!slot.is_object()) slot = ordered_json::object();
      for (std::size_t i = 0; i < v.keys.size(); ++i) {
        const JsonNode& item = v.items[i];
        if (item.type != NodeType::kNull && item.type != NodeType::kString) {
          return TypeError(std::string(internal::GoValueKind(item)), "string");
        }
        internal::MemberSlot(slot, v.keys[i]) = item.type == NodeType::kString ? item.text : std::string();
      }
      return true;
    }
    if (f.repeated) {
      if (v.type != NodeType::kArray) return TypeError(std::string(internal::GoValueKind(v)), GoFieldTypeString(f));
      // Go reuses existing slice elements (merging into existing structs) and truncates to the new length.
      ordered_json old = slot.is_array() ? std::move(slot) : ordered_json::array();
      ordered_json list = ordered_json::array();
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        ordered_json element = i < old.size() ? std::move(old[i]) : NewElement(f);
        if (!DecodeValue(f, v.items[i], element)) return false;
        list.push_back(std::move(element));
      }
      slot = std::move(list);
      return true;
    }
    return DecodeValue(f, v, slot);
  }

  static ordered_json NewElement(const FieldSchema& f) {
    switch (f.kind) {
      case FieldKind::kString: return "";
      case FieldKind::kBool: return false;
      case FieldKind::kUint64: return std::uint64_t{0};
      case FieldKind::kFloat:
      case FieldKind::kDouble: return 0.0;
      case FieldKind::kEnum: return EnumCanonical(f.enumeration, 0);
      case FieldKind::kInt32:
      case FieldKind::kInt64: return std::int64_t{0};
      default: return nullptr;
    }
  }

  // One value into `slot`: a singular field, a slice element (v may be null) or nothing else.
  bool DecodeValue(const FieldSchema& f, const JsonNode& v, ordered_json& slot) {
    auto type = [&f] { return GoElementTypeString(f); };
    auto kind = [&v] { return std::string(internal::GoValueKind(v)); };
    if (v.type == NodeType::kNull) {
      if (f.kind == FieldKind::kMessage || f.kind == FieldKind::kAny) slot = nullptr;
      return true;
    }
    switch (f.kind) {
      case FieldKind::kAny:
        unsupported_ = true;
        error_ = "decoding google.protobuf.Any is not supported";
        return false;
      case FieldKind::kMessage:
        if (v.type != NodeType::kObject) return TypeError(kind(), type());
        return DecodeStruct(*f.message, v, slot);
      case FieldKind::kString:
        if (v.type != NodeType::kString) return TypeError(kind(), type());
        slot = v.text;
        return true;
      case FieldKind::kBool:
        if (v.type != NodeType::kBool) return TypeError(kind(), type());
        slot = v.boolean;
        return true;
      case FieldKind::kInt32:
      case FieldKind::kInt64:
      case FieldKind::kEnum: {
        if (v.type != NodeType::kNumber) return TypeError(kind(), type());
        std::int64_t n;
        if (!ParseGoInt(v.text, BitsOf(f.kind), &n)) return TypeError("number " + v.text, type());
        if (f.kind == FieldKind::kEnum) {
          slot = EnumCanonical(f.enumeration, n);
        } else {
          slot = n;
        }
        return true;
      }
      case FieldKind::kUint64: {
        if (v.type != NodeType::kNumber) return TypeError(kind(), type());
        std::uint64_t u;
        if (!ParseGoUint(v.text, &u)) return TypeError("number " + v.text, type());
        slot = u;
        return true;
      }
      case FieldKind::kFloat:
      case FieldKind::kDouble: {
        if (v.type != NodeType::kNumber) return TypeError(kind(), type());
        double d;
        if (!ParseGoFloat(v.text, BitsOf(f.kind), &d)) return TypeError("number " + v.text, type());
        slot = d;
        return true;
      }
      case FieldKind::kStringMap: break;  // handled by DecodeField
    }
    return true;
  }

  // UnmarshalTypeError.Error(), with the context encoding/json adds (innermost struct, field path).
  bool TypeError(const std::string& value, const std::string& type) {
    error_ = "json: cannot unmarshal " + value;
    if (struct_ != nullptr) {
      error_ += " into Go struct field " + struct_->go_name + ".";
      for (std::size_t i = 0; i < field_stack_.size(); ++i) {
        if (i > 0) error_ += ".";
        error_ += field_stack_[i];
      }
    } else {
      error_ += " into Go value";
    }
    error_ += " of type " + type;
    return false;
  }

  bool disallow_unknown_;
  bool unsupported_ = false;
  std::string error_;
  const MessageSchema* struct_ = nullptr;
  std::vector<std::string_view> field_stack_;
};

Result<ordered_json> DecodeGo(std::string_view body, const MessageSchema& m, bool disallow_unknown) {
  KC_ASSIGN_OR_RETURN(JsonNode dom, internal::ParseJson(body, internal::JsonDialect::kGoFirstValue));
  ordered_json out = ordered_json::object();
  GoDecoder decoder(disallow_unknown);
  KC_RETURN_IF_ERROR(decoder.DecodeTop(m, dom, out));
  return Canonicalize(m, std::move(out));
}

Status UnknownMessage(std::string_view name) {
  return InvalidArgument("no schema for message '" + std::string(name) +
                         "'; add it to api/messages_*.cc or fix the name");
}

}  // namespace

Result<ordered_json> DecodeJsonRequest(std::string_view body, std::string_view message_name) {
  const MessageSchema* m = FindMessage(message_name);
  if (m == nullptr) return UnknownMessage(message_name);
  return DecodeJsonRequest(body, *m);
}

Result<ordered_json> DecodeJsonRequest(std::string_view body, const MessageSchema& schema) {
  Result<JsonNode> dom = internal::ParseJson(body, internal::JsonDialect::kProtojson);
  if (dom.ok() && dom->type == NodeType::kObject) {
    ordered_json partial = ordered_json::object();
    if (ProtoDecodeMessage(schema, *dom, partial)) return Canonicalize(schema, std::move(partial));
  }
  return DecodeGo(body, schema, /*disallow_unknown=*/true);
}

Result<ordered_json> DecodeGoJsonRequest(std::string_view body, std::string_view message_name) {
  const MessageSchema* m = FindMessage(message_name);
  if (m == nullptr) return UnknownMessage(message_name);
  return DecodeGo(body, *m, /*disallow_unknown=*/false);
}

}  // namespace kuscia::api
