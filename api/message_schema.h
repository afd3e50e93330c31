// Message schemas as data: every Kuscia API message the fake speaks, described once, so that decoding,
// encoding, canonicalisation and the scenario runner all read the same tables (reference §5).
//
//   const api::MessageSchema* job = api::FindMessage("QueryJobResponseData");
//   for (const api::FieldSchema& f : job->fields) Use(f.proto_name, f.json_name, f.kind);
//
// Field order is the `.proto` declaration order, which is the key order protojson and encoding/json emit.
// Lookups are hash lookups into tables built once, on first use (thread-safe static initialisation).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kuscia::api {

struct MessageSchema;
struct EnumSchema;

// The JSON-relevant kind of a proto field. `repeated` is a separate flag on FieldSchema.
enum class FieldKind : std::uint8_t {
  kString,
  kBool,
  kInt32,
  kInt64,    // protojson: JSON string; encoding/json: number
  kUint64,   // protojson: JSON string; encoding/json: number
  kFloat,    // float32
  kDouble,   // float64
  kEnum,     // canonical form: the value's name; an unknown number stays a number
  kMessage,  // canonical form: object, or null when unset
  kStringMap,  // map<string,string>; canonical form: object of strings
  kAny,      // google.protobuf.Any (only Status.details); canonical form: {"@type": url, <fields>...}
};

struct FieldSchema {
  std::string proto_name;  // `job_id`; also the Go json tag, so encoding/json matches against it
  std::string json_name;   // `jobId` (protoc's lowerCamel rule); protojson accepts it on input
  FieldKind kind = FieldKind::kString;
  bool repeated = false;
  bool optional = false;        // proto3 `optional`: canonical null means "not set" and is never emitted
  std::string type_name;        // enum or message name for kEnum / kMessage
  const MessageSchema* message = nullptr;  // resolved when the registry is built
  const EnumSchema* enumeration = nullptr; // resolved when the registry is built
};

struct EnumValue {
  std::string name;
  std::int32_t number;
};

struct EnumSchema {
  std::string name;        // registry name, e.g. "ApproveResult", "JobState.State"
  std::string go_type;     // reflect type string used in Go error texts, e.g. "kusciaapi.ApproveResult"
  std::vector<EnumValue> values;

  const EnumValue* FindByName(std::string_view value_name) const;
  const EnumValue* FindByNumber(std::int64_t number) const;
};

struct MessageSchema {
  std::string name;        // registry name, e.g. "CreateJobRequest", "Transit.Domain"
  std::string full_name;   // proto full name, e.g. "kuscia.proto.api.v1alpha1.Status" (for Any type URLs)
  std::string go_name;     // Go struct name used in encoding/json errors, e.g. "Task", "Transit_Domain"
  std::string go_package;  // Go package name: "kusciaapi" or "v1alpha1"
  std::vector<FieldSchema> fields;

  // protojson lookup: the lowerCamel json name or the proto name. Null when unknown.
  const FieldSchema* FindByProtoOrJsonName(std::string_view key) const;
  // Exact proto-name lookup (canonical keys).
  const FieldSchema* FindByProtoName(std::string_view key) const;
  // Position of a field in `fields`, or -1.
  int IndexOf(std::string_view proto_name) const;

  // Filled when the registry is built.
  std::unordered_map<std::string_view, int> index_by_proto_name;
  std::unordered_map<std::string_view, int> index_by_json_name;
};

// Null when the message or enum is not described.
const MessageSchema* FindMessage(std::string_view name);
const EnumSchema* FindEnum(std::string_view name);
// Finds a message by its proto full name (for Any type URLs).
const MessageSchema* FindMessageByFullName(std::string_view full_name);
// Every described message, in registration order (stable; used by tests and the scenario runner).
const std::vector<const MessageSchema*>& AllMessages();

// protoc's JSON name rule: drop '_' and upper-case the following letter ("job_id" -> "jobId").
std::string ProtoJsonName(std::string_view proto_name);

// The Go reflect type string of a field as encoding/json prints it after dereferencing pointers
// (e.g. "[]*kusciaapi.Task", "map[string]string", "int32", "kusciaapi.ApproveResult").
std::string GoFieldTypeString(const FieldSchema& field);
// The Go type string of one element of a repeated field, or of a map value, after dereferencing.
std::string GoElementTypeString(const FieldSchema& field);

}  // namespace kuscia::api
