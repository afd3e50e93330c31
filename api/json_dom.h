// A raw JSON tree for the request decoders, plus a port of encoding/json's scanner so that syntax errors
// carry Go's exact text. Internal to kuscia::api; services use api/json_codec.h.
//
//   auto dom = internal::ParseJson(body, internal::JsonDialect::kGoFirstValue);
//   if (!dom.ok()) return dom.status();   // e.g. "invalid character '}' after object key"
//
// Unlike nlohmann::json the tree keeps what the decoders need: duplicate keys in order, the raw text of
// numbers, and strings decoded with the dialect's rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/status.h"

namespace kuscia::api::internal {

struct JsonNode {
  enum class Type : std::uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string text;               // number: raw literal; string: decoded value
  std::vector<std::string> keys;  // object keys, parallel to `items`
  std::vector<JsonNode> items;    // array elements or object values
};

enum class JsonDialect {
  // Go encoding/json Decoder: reads the first value only (trailing bytes ignored), invalid UTF-8 and bad
  // surrogate escapes become U+FFFD; errors are Go's texts ("EOF", "unexpected EOF", "invalid character...").
  kGoFirstValue,
  // protojson: the whole body must be one value; invalid UTF-8 or unpaired surrogates are errors. Error
  // texts are not protojson's (the binder discards them).
  kProtojson,
};

// Containers nested deeper than this are validated but not materialised (no Kuscia message is that deep,
// and it keeps recursion in the decoders and destructors bounded).
inline constexpr int kMaxMaterialisedDepth = 64;

Result<JsonNode> ParseJson(std::string_view body, JsonDialect dialect);

// Runs encoding/json's scanner over the first JSON value of `body`, as Decoder.Decode does. On success
// returns the length of that value; on failure the exact Go error text.
Result<std::size_t> GoScanFirstValue(std::string_view body);

// "number", "string", "bool", "array", "object" (encoding/json's UnmarshalTypeError.Value); numbers that
// were the wrong shape for an integer are described as "number <literal>" by the caller.
std::string_view GoValueKind(const JsonNode& node);

}  // namespace kuscia::api::internal
