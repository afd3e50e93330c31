#include "api/json_dom.h"

#include "api/go_text.h"

namespace kuscia::api::internal {
namespace {

bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsHex(unsigned char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// A port of encoding/json's scanner (scanner.go): one state per Go step function, the same error
// contexts, the same delayed end-of-value detection.
class GoScanner {
 public:
  enum class Op { kContinue, kEnd, kEndContainer, kError };

  Op Step(unsigned char c) {
    switch (state_) {
      case S::kBeginValueOrEmpty:
        if (IsSpace(c)) return Op::kContinue;
        if (c == ']') return EndValue(c);
        return BeginValue(c);
      case S::kBeginValue: return BeginValue(c);
      case S::kBeginStringOrEmpty:
        if (IsSpace(c)) return Op::kContinue;
        if (c == '}') {
          stack_.back() = P::kObjectValue;
          return EndValue(c);
        }
        return BeginString(c);
      case S::kBeginString: return BeginString(c);
      case S::kEndValue: return EndValue(c);
      case S::kEndTop: return EndTop(c);
      case S::kInString:
        if (c == '"') return Go(S::kEndValue);
        if (c == '\\') return Go(S::kInStringEsc);
        if (c < 0x20) return Error(c, "in string literal");
        return Op::kContinue;
      case S::kInStringEsc:
        switch (c) {
          case 'b': case 'f': case 'n': case 'r': case 't': case '\\': case '/': case '"':
            return Go(S::kInString);
          case 'u': return Go(S::kEscU);
          default: return Error(c, "in string escape code");
        }
      case S::kEscU: return Hex(c, S::kEscU1);
      case S::kEscU1: return Hex(c, S::kEscU12);
      case S::kEscU12: return Hex(c, S::kEscU123);
      case S::kEscU123: return Hex(c, S::kInString);
      case S::kNeg:
        if (c == '0') return Go(S::kZero);
        if (c >= '1' && c <= '9') return Go(S::kOne);
        return Error(c, "in numeric literal");
      case S::kOne:
        if (IsDigit(c)) return Op::kContinue;
        return Zero(c);
      case S::kZero: return Zero(c);
      case S::kDot:
        if (IsDigit(c)) return Go(S::kDot0);
        return Error(c, "after decimal point in numeric literal");
      case S::kDot0:
        if (IsDigit(c)) return Op::kContinue;
        if (c == 'e' || c == 'E') return Go(S::kE);
        return EndValue(c);
      case S::kE:
        if (c == '+' || c == '-') return Go(S::kESign);
        return ESign(c);
      case S::kESign: return ESign(c);
      case S::kE0:
        if (IsDigit(c)) return Op::kContinue;
        return EndValue(c);
      case S::kLiteral: return Literal(c);
    }
    return Op::kContinue;
  }

  const std::string& error() const { return error_; }
  bool InString() const { return state_ == S::kInString; }

 private:
  enum class S {
    kBeginValue, kBeginValueOrEmpty, kBeginStringOrEmpty, kBeginString, kEndValue, kEndTop, kInString,
    kInStringEsc, kEscU, kEscU1, kEscU12, kEscU123, kNeg, kOne, kZero, kDot, kDot0, kE, kESign, kE0, kLiteral,
  };
  enum class P { kObjectKey, kObjectValue, kArrayValue };
  static constexpr std::size_t kMaxNestingDepth = 10000;

  Op Go(S next) {
    state_ = next;
    return Op::kContinue;
  }

  Op Error(unsigned char c, std::string_view context) {
    if (error_.empty()) error_ = "invalid character " + GoQuoteChar(c) + " " + std::string(context);
    return Op::kError;
  }

  Op Push(unsigned char c, P p, S next) {
    stack_.push_back(p);
    if (stack_.size() > kMaxNestingDepth) return Error(c, "exceeded max depth");
    return Go(next);
  }

  Op BeginValue(unsigned char c) {
    if (IsSpace(c)) return Op::kContinue;
    switch (c) {
      case '{': return Push(c, P::kObjectKey, S::kBeginStringOrEmpty);
      case '[': return Push(c, P::kArrayValue, S::kBeginValueOrEmpty);
      case '"': return Go(S::kInString);
      case '-': return Go(S::kNeg);
      case '0': return Go(S::kZero);
      case 't': return StartLiteral("true");
      case 'f': return StartLiteral("false");
      case 'n': return StartLiteral("null");
      default: break;
    }
    if (c >= '1' && c <= '9') return Go(S::kOne);
    return Error(c, "looking for beginning of value");
  }

  Op BeginString(unsigned char c) {
    if (IsSpace(c)) return Op::kContinue;
    if (c == '"') return Go(S::kInString);
    return Error(c, "looking for beginning of object key string");
  }

  Op EndValue(unsigned char c) {
    if (stack_.empty()) {
      state_ = S::kEndTop;
      return EndTop(c);
    }
    if (IsSpace(c)) return Go(S::kEndValue);
    switch (stack_.back()) {
      case P::kObjectKey:
        if (c == ':') {
          stack_.back() = P::kObjectValue;
          return Go(S::kBeginValue);
        }
        return Error(c, "after object key");
      case P::kObjectValue:
        if (c == ',') {
          stack_.back() = P::kObjectKey;
          return Go(S::kBeginString);
        }
        if (c == '}') return Pop();
        return Error(c, "after object key:value pair");
      case P::kArrayValue:
        if (c == ',') return Go(S::kBeginValue);
        if (c == ']') return Pop();
        return Error(c, "after array element");
    }
    return Op::kContinue;
  }

  Op Pop() {
    stack_.pop_back();
    state_ = stack_.empty() ? S::kEndTop : S::kEndValue;
    return Op::kEndContainer;
  }

  Op EndTop(unsigned char c) {
    // Go records "after top-level value" for the next call; the Decoder never makes it.
    (void)c;
    return Op::kEnd;
  }

  Op Hex(unsigned char c, S next) {
    if (IsHex(c)) return Go(next);
    return Error(c, "in \\u hexadecimal character escape");
  }

  Op Zero(unsigned char c) {
    if (c == '.') return Go(S::kDot);
    if (c == 'e' || c == 'E') return Go(S::kE);
    return EndValue(c);
  }

  Op ESign(unsigned char c) {
    if (IsDigit(c)) return Go(S::kE0);
    return Error(c, "in exponent of numeric literal");
  }

  Op StartLiteral(std::string_view word) {
    literal_ = word;
    literal_pos_ = 1;
    return Go(S::kLiteral);
  }

  Op Literal(unsigned char c) {
    const char want = literal_[literal_pos_];
    if (c != static_cast<unsigned char>(want)) {
      return Error(c, "in literal " + std::string(literal_) + " (expecting " +
                          GoQuoteChar(static_cast<unsigned char>(want)) + ")");
    }
    if (++literal_pos_ == literal_.size()) state_ = S::kEndValue;
    return Op::kContinue;
  }

  S state_ = S::kBeginValue;
  std::vector<P> stack_;
  std::string_view literal_;
  std::size_t literal_pos_ = 0;
  std::string error_;
};

// Builds the tree from a span the scanner has already accepted, so only string contents can fail.
class DomBuilder {
 public:
  DomBuilder(std::string_view text, JsonDialect dialect) : s_(text), dialect_(dialect) {}

  Status Build(JsonNode* root) {
    struct Frame {
      JsonNode* node;  // null when not materialised
      bool is_object;
    };
    std::vector<Frame> stack;
    JsonNode* slot = root;
    std::string scratch;
    for (;;) {
      SkipSpace();
      const auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '{' || c == '[') {
        JsonNode* node = (slot != nullptr && stack.size() < static_cast<std::size_t>(kMaxMaterialisedDepth))
                             ? slot
                             : nullptr;
        if (node) node->type = c == '{' ? JsonNode::Type::kObject : JsonNode::Type::kArray;
        ++pos_;
        stack.push_back({node, c == '{'});
        SkipSpace();
        if (s_[pos_] == '}' || s_[pos_] == ']') {
          ++pos_;
          stack.pop_back();
        } else {
          KC_RETURN_IF_ERROR(OpenMember(node, c == '{', &slot, scratch));
          continue;
        }
      } else if (c == '"') {
        std::string* out = slot ? &slot->text : &scratch;
        out->clear();
        KC_RETURN_IF_ERROR(ReadString(*out));
        if (slot) slot->type = JsonNode::Type::kString;
      } else if (c == 't' || c == 'f' || c == 'n') {
        if (slot) {
          slot->type = c == 'n' ? JsonNode::Type::kNull : JsonNode::Type::kBool;
          slot->boolean = c == 't';
        }
        pos_ += c == 'f' ? 5 : 4;
      } else {
        const std::size_t start = pos_;
        while (pos_ < s_.size() && (IsDigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '-' ||
                                    s_[pos_] == '+' || s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E')) {
          ++pos_;
        }
        if (slot) {
          slot->type = JsonNode::Type::kNumber;
          slot->text.assign(s_.substr(start, pos_ - start));
        }
      }
      // The value is complete: close finished containers, or open the next member.
      for (;;) {
        if (stack.empty()) return OkStatus();
        SkipSpace();
        const char next = s_[pos_++];
        if (next == ',') {
          const Frame& top = stack.back();
          KC_RETURN_IF_ERROR(OpenMember(top.node, top.is_object, &slot, scratch));
          break;
        }
        stack.pop_back();  // '}' or ']'
      }
    }
  }

 private:
  // Positions at the next member's value: reads the key first when in an object.
  Status OpenMember(JsonNode* container, bool is_object, JsonNode** slot, std::string& scratch) {
    if (is_object) {
      SkipSpace();
      std::string* key = container ? &container->keys.emplace_back() : &scratch;
      key->clear();
      KC_RETURN_IF_ERROR(ReadString(*key));
      SkipSpace();
      ++pos_;  // ':'
    }
    *slot = container ? &container->items.emplace_back() : nullptr;
    return OkStatus();
  }

  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }

  static int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
  }

  // Reads 4 hex digits of a \u escape at s_[at] (just after "\u"), or -1.
  int ReadU4(std::size_t at) const {
    if (at + 4 > s_.size()) return -1;
    int v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      if (!IsHex(static_cast<unsigned char>(s_[at + k]))) return -1;
      v = v * 16 + HexValue(s_[at + k]);
    }
    return v;
  }

  Status Invalid(std::string_view what) const {
    return InvalidArgument(std::string(what) + " at offset " + std::to_string(pos_));
  }

  // Decodes the string literal at pos_ (which is '"'); leaves pos_ after the closing quote.
  Status ReadString(std::string& out) {
    ++pos_;
    const bool go = dialect_ == JsonDialect::kGoFirstValue;
    for (;;) {
      const std::size_t run = pos_;
      while (s_[pos_] != '"' && s_[pos_] != '\\' && static_cast<unsigned char>(s_[pos_]) < 0x80) ++pos_;
      out.append(s_.substr(run, pos_ - run));
      const auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return OkStatus();
      }
      if (c >= 0x80) {
        char32_t r;
        const std::size_t n = DecodeUtf8Rune(s_, pos_, &r);
        if (r == 0xFFFD && n == 1) {
          if (!go) return Invalid("invalid UTF-8 in string");
          AppendUtf8(0xFFFD, out);
        } else {
          out.append(s_.substr(pos_, n));
        }
        pos_ += n;
        continue;
      }
      // Backslash escape.
      const char e = s_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case 'b': out.push_back('\b'); continue;
        case 'f': out.push_back('\f'); continue;
        case 'n': out.push_back('\n'); continue;
        case 'r': out.push_back('\r'); continue;
        case 't': out.push_back('\t'); continue;
        case 'u': break;
        default: out.push_back(e); continue;  // '"', '\\', '/'
      }
      auto rune = static_cast<char32_t>(ReadU4(pos_));
      pos_ += 4;
      if (rune >= 0xD800 && rune <= 0xDFFF) {
        const bool has_next = pos_ + 1 < s_.size() && s_[pos_] == '\\' && s_[pos_ + 1] == 'u';
        const int low = has_next ? ReadU4(pos_ + 2) : -1;
        if (rune < 0xDC00 && low >= 0xDC00 && low < 0xE000) {
          rune = 0x10000 + ((rune - 0xD800) << 10) + (static_cast<char32_t>(low) - 0xDC00);
          pos_ += 6;
        } else {
          if (!go) return Invalid("invalid surrogate escape in string");
          rune = 0xFFFD;
        }
      }
      AppendUtf8(rune, out);
    }
  }

  std::string_view s_;
  JsonDialect dialect_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<std::size_t> GoScanFirstValue(std::string_view body) {
  GoScanner scanner;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (scanner.InString()) {
      // Fast path: ordinary string bytes do not change the scanner's state.
      while (i < body.size() && static_cast<unsigned char>(body[i]) >= 0x20 && body[i] != '"' && body[i] != '\\') ++i;
      if (i == body.size()) break;
    }
    switch (scanner.Step(static_cast<unsigned char>(body[i]))) {
      case GoScanner::Op::kEnd: return i;  // the end is seen one byte late
      case GoScanner::Op::kEndContainer:
        if (scanner.Step(' ') == GoScanner::Op::kEnd) return i + 1;
        break;
      case GoScanner::Op::kError: return InvalidArgument(scanner.error());
      case GoScanner::Op::kContinue: break;
    }
  }
  // At EOF the Decoder feeds one space to finish a number or literal.
  if (scanner.Step(' ') == GoScanner::Op::kEnd) return body.size();
  for (char c : body) {
    if (!IsSpace(static_cast<unsigned char>(c))) return InvalidArgument("unexpected EOF");
  }
  return InvalidArgument("EOF");
}

Result<JsonNode> ParseJson(std::string_view body, JsonDialect dialect) {
  KC_ASSIGN_OR_RETURN(std::size_t end, GoScanFirstValue(body));
  if (dialect == JsonDialect::kProtojson) {
    for (std::size_t i = end; i < body.size(); ++i) {
      if (!IsSpace(static_cast<unsigned char>(body[i]))) {
        return InvalidArgument("unexpected content after the top-level value at offset " + std::to_string(i));
      }
    }
  }
  JsonNode root;
  DomBuilder builder(body.substr(0, end), dialect);
  KC_RETURN_IF_ERROR(builder.Build(&root));
  return root;
}

std::string_view GoValueKind(const JsonNode& node) {
  switch (node.type) {
    case JsonNode::Type::kNull: return "null";
    case JsonNode::Type::kBool: return "bool";
    case JsonNode::Type::kNumber: return "number";
    case JsonNode::Type::kString: return "string";
    case JsonNode::Type::kArray: return "array";
    case JsonNode::Type::kObject: return "object";
  }
  return "";
}

}  // namespace kuscia::api::internal
