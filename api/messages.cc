#include "api/messages.h"

#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

namespace kuscia::api {
namespace internal {
namespace {

std::string_view ProtoPackage(Package p) {
  return p == Package::kCommon ? "kuscia.proto.api.v1alpha1" : "kuscia.proto.api.v1alpha1.kusciaapi";
}
std::string_view GoPackage(Package p) { return p == Package::kCommon ? "v1alpha1" : "kusciaapi"; }

// protoc-gen-go names a nested type Parent_Child.
std::string GoName(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c == '.') c = '_';
  }
  return out;
}

}  // namespace

void AddMessage(SchemaTables& tables, Package package, std::string name, std::initializer_list<FieldDef> fields) {
  MessageSchema& m = tables.messages.emplace_back();
  m.full_name = std::string(ProtoPackage(package)) + "." + name;
  m.go_name = GoName(name);
  m.go_package = std::string(GoPackage(package));
  m.name = std::move(name);
  for (const FieldDef& def : fields) {
    FieldSchema& f = m.fields.emplace_back();
    f.proto_name = def.name;
    f.json_name = ProtoJsonName(def.name);
    f.kind = def.kind;
    f.repeated = def.repeated;
    f.optional = def.optional;
    f.type_name = def.type;
  }
}

void AddEnum(SchemaTables& tables, Package package, std::string name, std::initializer_list<EnumValue> values) {
  EnumSchema& e = tables.enums.emplace_back();
  e.go_type = std::string(GoPackage(package)) + "." + GoName(name);
  e.name = std::move(name);
  e.values = values;
}

}  // namespace internal

namespace {

struct Registry {
  internal::SchemaTables tables;
  std::unordered_map<std::string_view, const MessageSchema*> by_name;
  std::unordered_map<std::string_view, const MessageSchema*> by_full_name;
  std::unordered_map<std::string_view, const EnumSchema*> enums_by_name;
  std::vector<const MessageSchema*> all;

  Registry() {
    internal::AddCommonMessages(tables);
    internal::AddJobMessages(tables);
    internal::AddHealthMessages(tables);
    internal::AddDomainMessages(tables);
    internal::AddDomainRouteMessages(tables);
    internal::AddDomainDataMessages(tables);
    internal::AddDomainDataSourceMessages(tables);
    for (const EnumSchema& e : tables.enums) enums_by_name.emplace(e.name, &e);
    for (MessageSchema& m : tables.messages) {
      const bool inserted = by_name.emplace(m.name, &m).second;
      Require(inserted, "duplicate message " + m.name);
      by_full_name.emplace(m.full_name, &m);
      all.push_back(&m);
    }
    // Resolve references only after every table exists, so tables may refer forward.
    for (MessageSchema& m : tables.messages) {
      for (int i = 0; i < static_cast<int>(m.fields.size()); ++i) {
        FieldSchema& f = m.fields[i];
        m.index_by_proto_name.emplace(f.proto_name, i);
        m.index_by_json_name.emplace(f.json_name, i);
        if (f.kind == FieldKind::kMessage) {
          auto it = by_name.find(f.type_name);
          Require(it != by_name.end(), m.name + "." + f.proto_name + ": unknown message " + f.type_name);
          f.message = it->second;
        } else if (f.kind == FieldKind::kEnum) {
          auto it = enums_by_name.find(f.type_name);
          Require(it != enums_by_name.end(), m.name + "." + f.proto_name + ": unknown enum " + f.type_name);
          f.enumeration = it->second;
        }
      }
    }
  }

  // A broken table is a programming error found by the first test that touches the registry.
  static void Require(bool ok, const std::string& what) {
    if (!ok) {
      std::fprintf(stderr, "kuscia::api message tables: %s\n", what.c_str());
      std::abort();
    }
  }
};

const Registry& GetRegistry() {
  static const Registry registry;
  return registry;
}

}  // namespace

const EnumValue* EnumSchema::FindByName(std::string_view value_name) const {
  for (const EnumValue& v : values) {
    if (v.name == value_name) return &v;
  }
  return nullptr;
}

const EnumValue* EnumSchema::FindByNumber(std::int64_t number) const {
  for (const EnumValue& v : values) {
    if (v.number == number) return &v;
  }
  return nullptr;
}

const FieldSchema* MessageSchema::FindByProtoOrJsonName(std::string_view key) const {
  // protojson tries the JSON name first, then the proto name.
  if (auto it = index_by_json_name.find(key); it != index_by_json_name.end()) return &fields[it->second];
  if (auto it = index_by_proto_name.find(key); it != index_by_proto_name.end()) return &fields[it->second];
  return nullptr;
}

const FieldSchema* MessageSchema::FindByProtoName(std::string_view key) const {
  int i = IndexOf(key);
  return i < 0 ? nullptr : &fields[i];
}

int MessageSchema::IndexOf(std::string_view proto_name) const {
  auto it = index_by_proto_name.find(proto_name);
  return it == index_by_proto_name.end() ? -1 : it->second;
}

const MessageSchema* FindMessage(std::string_view name) {
  const Registry& r = GetRegistry();
  auto it = r.by_name.find(name);
  return it == r.by_name.end() ? nullptr : it->second;
}

const MessageSchema* FindMessageByFullName(std::string_view full_name) {
  const Registry& r = GetRegistry();
  auto it = r.by_full_name.find(full_name);
  return it == r.by_full_name.end() ? nullptr : it->second;
}

const EnumSchema* FindEnum(std::string_view name) {
  const Registry& r = GetRegistry();
  auto it = r.enums_by_name.find(name);
  return it == r.enums_by_name.end() ? nullptr : it->second;
}

const std::vector<const MessageSchema*>& AllMessages() { return GetRegistry().all; }

std::string ProtoJsonName(std::string_view proto_name) {
  std::string out;
  out.reserve(proto_name.size());
  bool upper_next = false;
  for (char c : proto_name) {
    if (c == '_') {
      upper_next = true;
    } else if (upper_next && c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c - 'a' + 'A'));
      upper_next = false;
    } else {
      out.push_back(c);
      upper_next = false;
    }
  }
  return out;
}

namespace {

std::string GoScalarType(const FieldSchema& f) {
  switch (f.kind) {
    case FieldKind::kString: return "string";
    case FieldKind::kBool: return "bool";
    case FieldKind::kInt32: return "int32";
    case FieldKind::kInt64: return "int64";
    case FieldKind::kUint64: return "uint64";
    case FieldKind::kFloat: return "float32";
    case FieldKind::kDouble: return "float64";
    case FieldKind::kEnum: return f.enumeration ? f.enumeration->go_type : f.type_name;
    case FieldKind::kMessage: return f.message ? f.message->go_package + "." + f.message->go_name : f.type_name;
    case FieldKind::kStringMap: return "string";
    case FieldKind::kAny: return "anypb.Any";
  }
  return "";
}

bool IsPointerElement(const FieldSchema& f) {
  return f.kind == FieldKind::kMessage || f.kind == FieldKind::kAny;
}

}  // namespace

std::string GoFieldTypeString(const FieldSchema& field) {
  if (field.kind == FieldKind::kStringMap) return "map[string]string";
  if (field.repeated) return std::string("[]") + (IsPointerElement(field) ? "*" : "") + GoScalarType(field);
  return GoScalarType(field);  // singular pointers (messages, optional scalars) are dereferenced first
}

std::string GoElementTypeString(const FieldSchema& field) { return GoScalarType(field); }

}  // namespace kuscia::api
