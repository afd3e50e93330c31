#include "harness/client/json_object_splitter.h"

#include <utility>

namespace kuscia::harness {
namespace {

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string Printable(std::string_view text, size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (text.size() > max) out += "...";
  return out;
}

}  // namespace

void JsonObjectSplitter::Fail(std::string message) {
  error_ = std::move(message);
  partial_.clear();
  depth_ = 0;
}

size_t JsonObjectSplitter::Feed(std::string_view bytes, size_t limit) {
  if (failed() || (limit != 0 && count_ >= limit)) return 0;
  // Only braces and brackets outside strings decide where an object ends; the text of a complete object is
  // then parsed by nlohmann, which rejects everything else that is wrong inside it.
  size_t span_start = 0;  // where the current object's bytes begin in this piece
  for (size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if (depth_ == 0) {
      if (IsJsonWhitespace(c)) continue;
      if (c != '{') {
        Fail("byte " + std::to_string(offset_ + i) + " ('" + Printable(bytes.substr(i), 40) +
             "') does not start a JSON object; the stream must be concatenated objects");
        offset_ += i;
        return i;
      }
      depth_ = 1;
      object_start_ = offset_ + i;
      span_start = i;
      continue;
    }
    if (in_string_) {
      if (escaped_) escaped_ = false;
      else if (c == '\\') escaped_ = true;
      else if (c == '"') in_string_ = false;
      continue;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if (c == '}' || c == ']') {
      if (--depth_ > 0) continue;
      partial_.append(bytes.substr(span_start, i + 1 - span_start));
      nlohmann::json object = nlohmann::json::parse(partial_, nullptr, /*allow_exceptions=*/false);
      if (object.is_discarded() || !object.is_object()) {
        Fail("the object at byte " + std::to_string(object_start_) + " is not valid JSON: " + Printable(partial_, 80));
        offset_ += i + 1;
        return i + 1;
      }
      objects_.push_back(std::move(object));
      ++count_;
      partial_.clear();
      end_of_last_ = offset_ + i + 1;
      if (limit != 0 && count_ >= limit) {
        offset_ += i + 1;
        return i + 1;
      }
    }
  }
  if (depth_ > 0) partial_.append(bytes.substr(span_start));
  offset_ += bytes.size();
  return bytes.size();
}

std::vector<nlohmann::json> JsonObjectSplitter::TakeObjects() {
  std::vector<nlohmann::json> taken = std::move(objects_);
  objects_.clear();
  return taken;
}

}  // namespace kuscia::harness
