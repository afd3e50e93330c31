#include "api/go_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace kuscia::api {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr char kLowerHex[] = "0123456789abcdef";

bool InRange(unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; }

// unicode.IsPrint approximated: letters, marks, numbers, punctuation, symbols and ASCII space are
// printable; controls, format characters, non-ASCII spaces/separators, surrogates and private use are not.
bool GoIsPrint(char32_t r) {
  if (r < 0x20 || r == 0x7F) return false;
  if (r < 0x7F) return true;
  if (r <= 0xA0 || r == 0xAD) return false;
  struct Range { char32_t lo, hi; };
  static constexpr Range kNotPrintable[] = {
      {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},   {0x070F, 0x070F},   {0x0890, 0x0891},
      {0x08E2, 0x08E2},   {0x1680, 0x1680},   {0x180E, 0x180E},   {0x2000, 0x200F},   {0x2028, 0x202F},
      {0x205F, 0x2064},   {0x2066, 0x206F},   {0x3000, 0x3000},   {0xD800, 0xF8FF},   {0xFEFF, 0xFEFF},
      {0xFFF9, 0xFFFB},   {0xFFFE, 0xFFFF},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD}, {0x13430, 0x1343F},
      {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xF0000, 0x10FFFF},
  };
  for (const Range& range : kNotPrintable) {
    if (r >= range.lo && r <= range.hi) return false;
  }
  return true;
}

void AppendHex(std::uint32_t value, int digits, std::string& out) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out.push_back(kLowerHex[(value >> shift) & 0xF]);
}

// The JSON escape both encoders share for an ASCII byte they do not write raw (a quote, a backslash, a
// control character, and for encoding/json also < > &).
void AppendEscapedAscii(unsigned char c, std::string& out) {
  switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      out += "\\u00";
      AppendHex(c, 2, out);
  }
}

// strconv's appendEscapedRune for a rune that is not printed raw (or is the quote or backslash).
void AppendGoEscapedRune(char32_t r, char quote, std::string& out) {
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out.push_back('\\');
    out.push_back(static_cast<char>(r));
    return;
  }
  if (GoIsPrint(r)) {
    AppendUtf8(r, out);
    return;
  }
  switch (r) {
    case '\a': out += "\\a"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\v': out += "\\v"; return;
    default: break;
  }
  if (r < ' ' || r == 0x7F) {
    out += "\\x";
    AppendHex(r, 2, out);
  } else if (r < 0x10000) {
    out += "\\u";
    AppendHex(r, 4, out);
  } else {
    out += "\\U";
    AppendHex(r, 8, out);
  }
}

}  // namespace

std::size_t DecodeUtf8Rune(std::string_view s, std::size_t i, char32_t* rune) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const std::size_t left = s.size() - i;
  auto cont = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  *rune = kReplacement;
  if (b0 < 0x80) {
    *rune = b0;
    return 1;
  }
  if (InRange(b0, 0xC2, 0xDF)) {
    if (left < 2 || !InRange(cont(1), 0x80, 0xBF)) return 1;
    *rune = ((b0 & 0x1Fu) << 6) | (cont(1) & 0x3Fu);
    return 2;
  }
  if (InRange(b0, 0xE0, 0xEF)) {
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
    if (left < 3 || !InRange(cont(1), lo, hi) || !InRange(cont(2), 0x80, 0xBF)) return 1;
    *rune = ((b0 & 0x0Fu) << 12) | ((cont(1) & 0x3Fu) << 6) | (cont(2) & 0x3Fu);
    return 3;
  }
  if (InRange(b0, 0xF0, 0xF4)) {
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (left < 4 || !InRange(cont(1), lo, hi) || !InRange(cont(2), 0x80, 0xBF) || !InRange(cont(3), 0x80, 0xBF)) {
      return 1;
    }
    *rune = ((b0 & 0x07u) << 18) | ((cont(1) & 0x3Fu) << 12) | ((cont(2) & 0x3Fu) << 6) | (cont(3) & 0x3Fu);
    return 4;
  }
  return 1;
}

void AppendUtf8(char32_t r, std::string& out) {
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = kReplacement;
  if (r < 0x80) {
    out.push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (r >> 6)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (r >> 12)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (r >> 18)));
    out.push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t r;
    const std::size_t n = DecodeUtf8Rune(s, i, &r);
    if (r == kReplacement && n == 1) return false;
    i += n;
  }
  return true;
}

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    char32_t r;
    const std::size_t n = DecodeUtf8Rune(s, i, &r);
    if (r == kReplacement && n == 1) {
      out += "\\x";
      AppendHex(static_cast<unsigned char>(s[i]), 2, out);
    } else {
      AppendGoEscapedRune(r, '"', out);
    }
    i += n;
  }
  out.push_back('"');
  return out;
}

std::string GoQuoteChar(unsigned char c) {
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  // Go converts the byte to the rune U+00xx and quotes that rune.
  std::string out = "'";
  AppendGoEscapedRune(c, '"', out);
  out.push_back('\'');
  return out;
}

void AppendProtoJsonString(std::string_view s, std::string& out) {
  out.push_back('"');
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      char32_t r;
      const std::size_t n = DecodeUtf8Rune(s, i, &r);
      if (!(r == kReplacement && n == 1)) {
        i += n;
        continue;
      }
      out.append(s.substr(run_start, i - run_start));
      AppendUtf8(kReplacement, out);
      run_start = ++i;
      continue;
    }
    out.append(s.substr(run_start, i - run_start));
    AppendEscapedAscii(c, out);
    run_start = ++i;
  }
  out.append(s.substr(run_start));
  out.push_back('"');
}

void AppendGoJsonString(std::string_view s, std::string& out) {
  out.push_back('"');
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
        ++i;
        continue;
      }
      out.append(s.substr(run_start, i - run_start));
      AppendEscapedAscii(c, out);
      run_start = ++i;
      continue;
    }
    char32_t r;
    const std::size_t n = DecodeUtf8Rune(s, i, &r);
    if (r == kReplacement && n == 1) {
      out.append(s.substr(run_start, i - run_start));
      out += "\\ufffd";
      run_start = ++i;
      continue;
    }
    if (r == 0x2028 || r == 0x2029) {
      out.append(s.substr(run_start, i - run_start));
      out += r == 0x2028 ? "\\u2028" : "\\u2029";
      i += n;
      run_start = i;
      continue;
    }
    i += n;
  }
  out.append(s.substr(run_start));
  out.push_back('"');
}

void AppendGoFloat(double value, int bits, std::string& out) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return;
  }
  char buf[64];
  std::to_chars_result res;
  if (bits == 32) {
    const auto f = static_cast<float>(value);
    const float abs = std::fabs(f);
    const bool exp_form = abs != 0 && (abs < 1e-6f || abs >= 1e21f);
    res = std::to_chars(buf, buf + sizeof buf, f, exp_form ? std::chars_format::scientific : std::chars_format::fixed);
  } else {
    const double abs = std::fabs(value);
    const bool exp_form = abs != 0 && (abs < 1e-6 || abs >= 1e21);
    res = std::to_chars(buf, buf + sizeof buf, value,
                        exp_form ? std::chars_format::scientific : std::chars_format::fixed);
  }
  std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
  // Go writes a one-digit negative exponent without the padding zero: 1e-07 -> 1e-7.
  const std::size_t n = text.size();
  if (n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0') {
    out.append(text.substr(0, n - 2));
    out.push_back(text[n - 1]);
    return;
  }
  out.append(text);
}

}  // namespace kuscia::api
