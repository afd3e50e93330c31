// The client side of a WatchJob stream (/api/v1/job/watch, reference §5.1.10), without I/O:
//  - WatchStreamDecoder takes the response bytes as they arrive (head, chunked framing, then JSON objects
//    concatenated with no separator, split anywhere) and hands out one whole object at a time;
//  - HeartbeatTracker judges the `{"type":4}` heartbeats of one stream against the interval the server
//    promises (a heartbeat after `interval` of silence, the timer reset by every event).
//
//   WatchStreamDecoder decoder;
//   DecodeStatus status = decoder.Feed(bytes, [&](std::string_view object) { ... });
//   if (decoder.head_complete() && decoder.status() != 200) ...
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "harness/bench/histogram.h"

namespace kuscia::bench {

enum class DecodeStatus {
  kOk,         // everything so far is well formed (the stream may have ended: see ended())
  kMalformed,  // not a chunked stream of JSON objects; error() says why
};

class WatchStreamDecoder {
 public:
  using ObjectCallback = std::function<void(std::string_view object)>;

  // Decodes `bytes`; calls on_object for every JSON object completed by them, in order.
  DecodeStatus Feed(std::string_view bytes, const ObjectCallback& on_object);

  bool head_complete() const { return stage_ != Stage::kHead; }
  int status() const { return status_; }
  // Transfer-Encoding: chunked. A 200 without it is an answer, not a stream (e.g. an out-of-range timeout).
  bool chunked() const { return chunked_; }
  // The terminating zero-size chunk arrived: the server ended the stream normally.
  bool ended() const { return stage_ == Stage::kEnded; }
  const std::string& error() const { return error_; }

 private:
  enum class Stage { kHead, kChunkSize, kChunkData, kChunkDataEnd, kTrailers, kEnded, kNotAStream, kFailed };
  DecodeStatus Fail(std::string why);
  DecodeStatus ParseHead();
  DecodeStatus FeedJson(std::string_view data, const ObjectCallback& on_object);

  Stage stage_ = Stage::kHead;
  std::string line_;  // the head until its blank line, then the current chunk-size or trailer line
  int status_ = 0;
  bool chunked_ = false;
  uint64_t chunk_left_ = 0;
  // The JSON object being assembled, and where the scan stands in it.
  std::string object_;
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
  std::string error_;
};

// What the heartbeats of one or more streams looked like. Merge() sums streams.
struct HeartbeatStats {
  uint64_t received = 0;
  // Not judged: the previous object arrived while the client was still opening connections, so its
  // arrival time says more about the busy client than about the server.
  uint64_t unjudged = 0;
  uint64_t on_time = 0;   // arrived within `tolerance` of `interval` after the previous object
  uint64_t late = 0;      // later than interval + tolerance after the previous object
  uint64_t early = 0;     // sooner than interval - tolerance: the server's silence timer is wrong
  uint64_t missing = 0;   // whole heartbeats that never came (see HeartbeatTracker)
  uint64_t streams_with_heartbeat = 0;
  LatencyHistogram lateness;  // nanoseconds past `interval` (0 for early or exact ones)

  void Merge(const HeartbeatStats& other);
};

// One stream's heartbeat timing. Times are the client's arrival times. A heartbeat is due `interval` after
// the previous object (or the response head); a silence long enough for more beats counts the beats that
// never came as missing: a gap of g holds max(0, ceil((g - tolerance) / interval) - 2) missing beats before
// a heartbeat that ends it, and a final silence s holds max(0, ceil((s - tolerance) / interval) - 1).
// Only gaps that start at or after `judging_since` are judged (the bench passes the moment every stream
// was open: before it, one busy client thread reads late and its arrival times would blame the server);
// a final silence is counted from judging_since at the earliest.
class HeartbeatTracker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  HeartbeatTracker(std::chrono::nanoseconds interval, std::chrono::nanoseconds tolerance)
      : interval_(interval), tolerance_(tolerance) {}

  void Start(TimePoint head_arrived) { last_ = head_arrived; }
  // Any other object resets the server's silence timer.
  void OnEvent(TimePoint arrived) { last_ = arrived; }
  void OnHeartbeat(TimePoint arrived, HeartbeatStats& stats, TimePoint judging_since = TimePoint::min());
  // The run ends (the stream is still open): heartbeats that should have come by `end` are missing.
  void Finish(TimePoint end, HeartbeatStats& stats, TimePoint judging_since = TimePoint::min()) const;

 private:
  // How many intervals fit in `span` after taking the tolerance off, rounded up.
  int64_t IntervalsIn(std::chrono::nanoseconds span) const;

  std::chrono::nanoseconds interval_;
  std::chrono::nanoseconds tolerance_;
  TimePoint last_{};  // arrival of the previous object
  bool seen_heartbeat_ = false;
};

// Go's EventType numbers; `type` is omitted for ADDED (0).
enum class WatchEventType { kAdded = 0, kModified = 1, kDeleted = 2, kError = 3, kHeartbeat = 4, kUnknown = -1 };

struct WatchObject {
  WatchEventType type = WatchEventType::kUnknown;  // kUnknown: not JSON, or a type number outside 0-4
  std::string job_id;                              // object.job_id of a job event
};

// `{"type":4}`, the exact bytes Go writes for a heartbeat, is recognised without a JSON parse.
WatchObject ParseWatchObject(std::string_view object);

}  // namespace kuscia::bench
