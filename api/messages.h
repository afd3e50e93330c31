// The message tables themselves (the data behind api/message_schema.h), one function per .proto file.
// Only the registry in messages.cc calls these; everyone else uses FindMessage / FindEnum.
//
//   SchemaTables tables;
//   AddCommonMessages(tables);   // common.proto: RequestHeader, Status, Partition, DataColumn, FileFormat
//   AddJobMessages(tables);      // job.proto
//
// Field order follows the reference's key lists (kuscia-api-reference.md §5, §7); where the reference is
// silent it follows the .proto declaration order of secretflow/kuscia.
#pragma once

#include <deque>
#include <initializer_list>
#include <string>

#include "api/message_schema.h"

namespace kuscia::api::internal {

// Deques keep addresses stable while the tables grow, so FieldSchema can point at them.
struct SchemaTables {
  std::deque<MessageSchema> messages;
  std::deque<EnumSchema> enums;
};

enum class Package { kCommon, kKusciaApi };

// One field as written in a table: Str("job_id"), Msg("header", "RequestHeader"), Rep(Msg(...)).
struct FieldDef {
  std::string name;
  FieldKind kind;
  std::string type;  // enum or message name
  bool repeated = false;
  bool optional = false;
};

inline FieldDef Str(std::string n) { return {std::move(n), FieldKind::kString, ""}; }
inline FieldDef Bool(std::string n) { return {std::move(n), FieldKind::kBool, ""}; }
inline FieldDef Int32(std::string n) { return {std::move(n), FieldKind::kInt32, ""}; }
inline FieldDef Int64(std::string n) { return {std::move(n), FieldKind::kInt64, ""}; }
inline FieldDef Uint64(std::string n) { return {std::move(n), FieldKind::kUint64, ""}; }
inline FieldDef Float(std::string n) { return {std::move(n), FieldKind::kFloat, ""}; }
inline FieldDef Enum(std::string n, std::string t) { return {std::move(n), FieldKind::kEnum, std::move(t)}; }
inline FieldDef Msg(std::string n, std::string t) { return {std::move(n), FieldKind::kMessage, std::move(t)}; }
inline FieldDef StrMap(std::string n) { return {std::move(n), FieldKind::kStringMap, ""}; }
inline FieldDef AnyList(std::string n) { return {std::move(n), FieldKind::kAny, "", true}; }
inline FieldDef Rep(FieldDef f) { f.repeated = true; return f; }
inline FieldDef Opt(FieldDef f) { f.optional = true; return f; }

void AddMessage(SchemaTables& tables, Package package, std::string name, std::initializer_list<FieldDef> fields);
void AddEnum(SchemaTables& tables, Package package, std::string name,
             std::initializer_list<EnumValue> values);

void AddCommonMessages(SchemaTables& tables);
void AddJobMessages(SchemaTables& tables);
void AddHealthMessages(SchemaTables& tables);
void AddDomainMessages(SchemaTables& tables);
void AddDomainRouteMessages(SchemaTables& tables);
void AddDomainDataMessages(SchemaTables& tables);
void AddDomainDataSourceMessages(SchemaTables& tables);

}  // namespace kuscia::api::internal
