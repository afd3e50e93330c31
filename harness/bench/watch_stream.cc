#include "harness/bench/watch_stream.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

namespace kuscia::bench {

namespace {

// The head of a streamed answer is small; anything larger is not the watch we asked for.
constexpr size_t kMaxHeadBytes = 16 * 1024;
constexpr size_t kMaxLineBytes = 1024;
// One watch event is a job status: kilobytes. A runaway object means the framing was misread.
constexpr size_t kMaxObjectBytes = 8 * 1024 * 1024;

bool HeaderIs(std::string_view line, std::string_view name, std::string_view* value) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != std::tolower(static_cast<unsigned char>(name[i]))) {
      return false;
    }
  }
  std::string_view rest = line.substr(name.size() + 1);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  *value = rest;
  return true;
}

bool ContainsTokenIgnoringCase(std::string_view text, std::string_view token) {
  auto it = std::search(text.begin(), text.end(), token.begin(), token.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != text.end();
}

}  // namespace

DecodeStatus WatchStreamDecoder::Fail(std::string why) {
  stage_ = Stage::kFailed;
  error_ = std::move(why);
  return DecodeStatus::kMalformed;
}

DecodeStatus WatchStreamDecoder::ParseHead() {
  std::string_view head(line_);
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 || status_line[8] != ' ') {
    return Fail("not an HTTP/1.x status line: '" + std::string(status_line.substr(0, 80)) + "'");
  }
  std::string_view code = status_line.substr(9, 3);
  auto [p, ec] = std::from_chars(code.data(), code.data() + code.size(), status_);
  if (ec != std::errc() || p != code.data() + code.size()) {
    return Fail("bad status code in '" + std::string(status_line.substr(0, 80)) + "'");
  }
  size_t at = line_end + 2;
  while (at < head.size()) {
    size_t end = head.find("\r\n", at);
    std::string_view line = head.substr(at, end - at);
    at = end + 2;
    std::string_view value;
    if (HeaderIs(line, "Transfer-Encoding", &value) && ContainsTokenIgnoringCase(value, "chunked")) chunked_ = true;
  }
  line_.clear();
  stage_ = chunked_ ? Stage::kChunkSize : Stage::kNotAStream;
  return DecodeStatus::kOk;
}

DecodeStatus WatchStreamDecoder::FeedJson(std::string_view data, const ObjectCallback& on_object) {
  for (char c : data) {
    if (depth_ == 0) {
      // Between objects: Go writes none, but whitespace would be harmless to a streaming JSON reader.
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
      if (c != '{') return Fail(std::string("expected '{' to start the next event, got '") + c + "'");
    }
    object_.push_back(c);
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      continue;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if (c == '}' || c == ']') {
      if (--depth_ == 0) {
        on_object(object_);
        object_.clear();
      }
    }
    if (object_.size() > kMaxObjectBytes) return Fail("an event larger than 8 MiB: the framing was misread");
  }
  return DecodeStatus::kOk;
}

DecodeStatus WatchStreamDecoder::Feed(std::string_view bytes, const ObjectCallback& on_object) {
  while (!bytes.empty()) {
    switch (stage_) {
      case Stage::kHead: {
        // Append up to the blank line only, so the body bytes after it are decoded below.
        size_t before = line_.size();
        line_.append(bytes);
        size_t blank = line_.find("\r\n\r\n", before >= 3 ? before - 3 : 0);
        if (blank == std::string::npos) {
          if (line_.size() > kMaxHeadBytes) return Fail("response head larger than 16 KiB");
          return DecodeStatus::kOk;
        }
        size_t used = blank + 4 - before;
        line_.resize(blank + 2);  // keep the last header's CRLF for ParseHead's line split
        bytes.remove_prefix(used);
        if (ParseHead() == DecodeStatus::kMalformed) return DecodeStatus::kMalformed;
        break;
      }
      case Stage::kChunkSize:
      case Stage::kTrailers: {
        size_t newline = bytes.find('\n');
        line_.append(bytes.substr(0, newline));
        if (line_.size() > kMaxLineBytes) return Fail("a chunk-size or trailer line longer than 1 KiB");
        if (newline == std::string_view::npos) return DecodeStatus::kOk;
        bytes.remove_prefix(newline + 1);
        if (!line_.empty() && line_.back() == '\r') line_.pop_back();
        if (stage_ == Stage::kTrailers) {
          if (line_.empty()) stage_ = Stage::kEnded;
          line_.clear();
          break;
        }
        std::string_view size_text(line_);
        size_text = size_text.substr(0, size_text.find(';'));  // chunk extensions
        uint64_t size = 0;
        auto [p, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
        if (ec != std::errc() || p != size_text.data() + size_text.size() || size_text.empty()) {
          return Fail("bad chunk size line '" + line_.substr(0, 40) + "'");
        }
        line_.clear();
        chunk_left_ = size;
        stage_ = size == 0 ? Stage::kTrailers : Stage::kChunkData;
        break;
      }
      case Stage::kChunkData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(chunk_left_, bytes.size()));
        if (FeedJson(bytes.substr(0, take), on_object) == DecodeStatus::kMalformed) return DecodeStatus::kMalformed;
        bytes.remove_prefix(take);
        chunk_left_ -= take;
        if (chunk_left_ == 0) stage_ = Stage::kChunkDataEnd;
        break;
      }
      case Stage::kChunkDataEnd: {
        // The CRLF after a chunk's data, possibly split across reads.
        char c = bytes.front();
        bytes.remove_prefix(1);
        if (c == '\n') {
          stage_ = Stage::kChunkSize;
        } else if (c != '\r') {
          return Fail("chunk data longer than its declared size");
        }
        break;
      }
      case Stage::kEnded:
        return Fail("bytes after the end of the stream");
      case Stage::kNotAStream:
        return DecodeStatus::kOk;  // the body of a non-streamed answer; the caller looks at status()
      case Stage::kFailed:
        return DecodeStatus::kMalformed;
    }
  }
  return stage_ == Stage::kFailed ? DecodeStatus::kMalformed : DecodeStatus::kOk;
}

void HeartbeatStats::Merge(const HeartbeatStats& other) {
  received += other.received;
  unjudged += other.unjudged;
  on_time += other.on_time;
  late += other.late;
  early += other.early;
  missing += other.missing;
  streams_with_heartbeat += other.streams_with_heartbeat;
  lateness.Merge(other.lateness);
}

int64_t HeartbeatTracker::IntervalsIn(std::chrono::nanoseconds span) const {
  std::chrono::nanoseconds beyond = span - tolerance_;
  if (beyond.count() <= 0) return 0;
  return (beyond.count() + interval_.count() - 1) / interval_.count();
}

void HeartbeatTracker::OnHeartbeat(TimePoint arrived, HeartbeatStats& stats, TimePoint judging_since) {
  std::chrono::nanoseconds gap = arrived - last_;
  bool judged = last_ >= judging_since;
  last_ = arrived;
  ++stats.received;
  if (!seen_heartbeat_) {
    seen_heartbeat_ = true;
    ++stats.streams_with_heartbeat;
  }
  if (!judged) {
    ++stats.unjudged;
    return;
  }
  std::chrono::nanoseconds past_due = gap - interval_;
  stats.lateness.Record(past_due.count() > 0 ? static_cast<uint64_t>(past_due.count()) : 0);
  if (past_due > tolerance_) {
    ++stats.late;
  } else if (past_due < -tolerance_) {
    ++stats.early;
  } else {
    ++stats.on_time;
  }
  stats.missing += static_cast<uint64_t>(std::max<int64_t>(0, IntervalsIn(gap) - 2));
}

void HeartbeatTracker::Finish(TimePoint end, HeartbeatStats& stats, TimePoint judging_since) const {
  stats.missing += static_cast<uint64_t>(std::max<int64_t>(0, IntervalsIn(end - std::max(last_, judging_since)) - 1));
}

WatchObject ParseWatchObject(std::string_view object) {
  WatchObject parsed;
  if (object == R"({"type":4})") {
    parsed.type = WatchEventType::kHeartbeat;
    return parsed;
  }
  nlohmann::json doc = nlohmann::json::parse(object, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return parsed;
  int64_t type = 0;
  if (auto it = doc.find("type"); it != doc.end()) {
    if (!it->is_number_integer()) return parsed;
    type = it->get<int64_t>();
  }
  if (type < 0 || type > 4) return parsed;
  parsed.type = static_cast<WatchEventType>(type);
  if (auto it = doc.find("object"); it != doc.end() && it->is_object()) {
    if (auto id = it->find("job_id"); id != it->end() && id->is_string()) parsed.job_id = id->get<std::string>();
  }
  return parsed;
}

}  // namespace kuscia::bench
