// The Kuscia JSON codec: request bodies in, canonical messages (docs/design.md) out, and canonical
// messages back to the exact bytes Kuscia writes. Reference §2.2 (decoding), §2.4 and §5.1.10 (encoding).
//
//   KC_ASSIGN_OR_RETURN(auto req, api::DecodeJsonRequest(body, "CreateJobRequest"));
//   // req["job_id"], req["tasks"][0]["parties"] ... every declared field is present.
//   std::string bytes = api::EncodeProtoJson("CreateJobResponse", response);
//
// Decode failures are InvalidArgument whose message is the exact text Kuscia puts in status.message
// ("EOF", "unexpected EOF", `json: unknown field "jobId"`, ...). An unknown message name is a
// programming error: the decoders return InvalidArgument naming it; the encoders assert and return "".
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/message_schema.h"
#include "api/status.h"

namespace kuscia::api {

// Decodes a request body exactly as Kuscia's JSONProtoBinder does (reference §2.2): pass 1 is protojson
// with DiscardUnknown; if it fails, pass 2 is encoding/json with DisallowUnknownFields into the generated
// Go struct, and pass 2's outcome (error or success) is what counts. The result is canonical.
Result<nlohmann::ordered_json> DecodeJsonRequest(std::string_view body, std::string_view message_name);
// The same with the schema already looked up (callers that decode the same message on every request).
Result<nlohmann::ordered_json> DecodeJsonRequest(std::string_view body, const MessageSchema& schema);

// gin's ShouldBind with JSON (the watch and log-stream routes): encoding/json only, unknown fields ignored,
// 64-bit integers must be JSON numbers, an empty body is the error "EOF". The result is canonical.
Result<nlohmann::ordered_json> DecodeGoJsonRequest(std::string_view body, std::string_view message_name);

// protojson with UseProtoNames + EmitUnpopulated: declaration order, every zero value, null for unset
// messages, [] and {}, enum names, int64/uint64 as strings, sorted map keys, no HTML escaping, compact,
// no trailing newline. Fields missing from `canonical` are written as zero values.
std::string EncodeProtoJson(std::string_view message_name, const nlohmann::ordered_json& canonical);
std::string EncodeProtoJson(const MessageSchema& schema, const nlohmann::ordered_json& canonical);
void AppendProtoJson(const MessageSchema& schema, const nlohmann::ordered_json& canonical, std::string& out);

// encoding/json of the generated Go struct (watch and log streams, reference §5.1.10): omitempty on every
// field, enums and 64-bit integers as numbers, < > & escaped as \u003c \u003e \u0026, declaration order.
std::string EncodeGoJson(std::string_view message_name, const nlohmann::ordered_json& canonical);
void AppendGoJson(const MessageSchema& schema, const nlohmann::ordered_json& canonical, std::string& out);

// Fills every missing field with its zero value, recursively, in declaration order, so services may read
// any field without checking. Keys the schema does not declare are dropped (ValidateCanonical reports them).
nlohmann::ordered_json Canonicalize(std::string_view message_name, const nlohmann::ordered_json& partial);
nlohmann::ordered_json Canonicalize(const MessageSchema& schema, nlohmann::ordered_json partial);

// Checks that `value` only uses declared keys with values of the right JSON type (missing keys are fine).
// The error names the JSON pointer of the first problem, e.g. "/data/tasks/0/priority: expected an integer".
Status ValidateCanonical(std::string_view message_name, const nlohmann::ordered_json& value);

}  // namespace kuscia::api
