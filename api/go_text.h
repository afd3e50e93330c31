// Small text routines that reproduce Go's exact output, shared by the codec and the envelope: UTF-8
// decoding with Go's replacement rules, strconv.Quote (used by `%q` in Kubernetes and encoding/json
// messages), and the string/float writers of protojson and encoding/json.
//
//   api::GoQuote("a\"b")                  -> "\"a\\\"b\""
//   std::string out; api::AppendGoJsonString("<a&b>", out);   // "\u003ca\u0026b\u003e"
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kuscia::api {

// Decodes one UTF-8 sequence at s[i] like Go's utf8.DecodeRune: an invalid or overlong sequence, an
// encoded surrogate or a value above U+10FFFF yields U+FFFD with length 1. Requires i < s.size().
std::size_t DecodeUtf8Rune(std::string_view s, std::size_t i, char32_t* rune);
void AppendUtf8(char32_t rune, std::string& out);
bool IsValidUtf8(std::string_view s);

// strconv.Quote: "..." with Go escapes; printable Unicode stays raw (unicode.IsPrint, approximated by the
// ranges that matter: controls, format characters, separators and private use are escaped).
std::string GoQuote(std::string_view s);
// The quoteChar helper of encoding/json's scanner errors: 'x', '\n', '\x01', '"', '\''.
std::string GoQuoteChar(unsigned char c);

// protojson's string writer: escapes '"', '\\' and controls (\b \f \n \r \t, else \u00xx); no HTML
// escaping; raw UTF-8. Invalid UTF-8 (protojson would refuse to marshal) is written as U+FFFD.
void AppendProtoJsonString(std::string_view s, std::string& out);
// encoding/json's string writer with HTML escaping: additionally < > & as \u003c \u003e \u0026,
// U+2028/U+2029 escaped, invalid UTF-8 as the escape \ufffd.
void AppendGoJsonString(std::string_view s, std::string& out);

// The float writer shared by protojson and encoding/json: shortest round-trip digits, 'e' form below
// 1e-6 or from 1e21 up ("1e-7", "1e+21"). bits is 32 or 64. NaN and infinities are written as protojson
// does ("NaN", "Infinity", "-Infinity" quoted); encoding/json cannot encode them and callers decide.
void AppendGoFloat(double value, int bits, std::string& out);

}  // namespace kuscia::api
