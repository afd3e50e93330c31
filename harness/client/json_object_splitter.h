// Splits a byte stream of concatenated JSON objects — Kuscia's WatchJob body, `{...}{"type":4}{...}` with
// no separator (reference §5.1.10) — into parsed objects, fed in whatever pieces the network delivers: an
// object may span pieces and a piece may hold several. Whitespace between objects is tolerated (a
// json.Encoder would put newlines there); anything else between objects is an error.
//
//   JsonObjectSplitter splitter;
//   splitter.Feed(R"({"type":4}{"object":{"job_)");   // count() == 1, mid_object()
//   splitter.Feed(R"(id":"j1"}})");                     // count() == 2
//   std::vector<nlohmann::json> events = splitter.TakeObjects();
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kuscia::harness {

class JsonObjectSplitter {
 public:
  // Scans the next piece of the stream. Stops early once `limit` objects in total are complete (0: no
  // limit), so a caller that wants exactly N objects knows where the N-th ended. Returns how many bytes of
  // `bytes` it consumed: all of them, unless it stopped at the limit or at an error. After an error, error()
  // says what and where, and later pieces are ignored; the objects completed before it are kept.
  size_t Feed(std::string_view bytes, size_t limit = 0);

  // Objects completed so far (including those already taken).
  size_t count() const { return count_; }
  // The objects completed and not yet taken, in stream order.
  const std::vector<nlohmann::json>& objects() const { return objects_; }
  std::vector<nlohmann::json> TakeObjects();
  // Offset in the whole stream just past the last complete object (0 before the first).
  uint64_t end_of_last_object() const { return end_of_last_; }
  // True while an object has started and not yet ended (bytes of it are buffered).
  bool mid_object() const { return depth_ > 0; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  void Fail(std::string message);

  std::vector<nlohmann::json> objects_;
  size_t count_ = 0;
  uint64_t offset_ = 0;       // bytes consumed from the start of the stream
  uint64_t end_of_last_ = 0;
  uint64_t object_start_ = 0;  // stream offset of the current object's '{'
  std::string partial_;        // the current object's bytes so far
  int depth_ = 0;              // open '{' and '[' of the current object
  bool in_string_ = false;
  bool escaped_ = false;       // the previous byte inside a string was an unescaped backslash
  std::string error_;
};

}  // namespace kuscia::harness
