#include "harness/bench/response_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

namespace kuscia::bench {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool ContainsTokenIgnoreCase(std::string_view value, std::string_view token) {
  for (size_t i = 0; i + token.size() <= value.size(); ++i) {
    if (EqualsIgnoreCase(value.substr(i, token.size()), token)) return true;
  }
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

void ResponseParser::Reset() {
  stage_ = Stage::kHead;
  head_.clear();
  body_.clear();
  line_.clear();
  status_ = 0;
  remaining_ = 0;
  close_ = false;
  started_ = false;
  error_.clear();
}

ParseState ResponseParser::Fail(std::string why) {
  error_ = std::move(why);
  return ParseState::kMalformed;
}

ParseState ResponseParser::Feed(const char* data, size_t size) {
  if (size > 0) started_ = true;
  if (stage_ == Stage::kHead) {
    size_t old = head_.size();
    head_.append(data, size);
    size_t from = old >= 3 ? old - 3 : 0;
    size_t end = head_.find("\r\n\r\n", from);
    if (end == std::string::npos) {
      // Fail fast on a peer that is not speaking HTTP (a TLS alert on a plain connection) instead of
      // waiting for a blank line that never comes.
      size_t checked = std::min<size_t>(head_.size(), 5);
      if (head_.compare(0, checked, "HTTP/", checked) != 0) {
        return Fail("not an HTTP/1.x status line: the response starts with bytes that are not 'HTTP/'");
      }
      if (head_.size() > 64 * 1024) return Fail("response headers exceed 64 KiB");
      return ParseState::kNeedMore;
    }
    size_t body_start = end + 4;
    std::string rest = head_.substr(body_start);
    head_.resize(end + 2);
    ParseState head_state = ParseHead();
    if (head_state != ParseState::kNeedMore) return head_state;
    if (stage_ == Stage::kDone) return ParseState::kComplete;
    if (rest.empty()) return ParseState::kNeedMore;
    return Feed(rest.data(), rest.size());
  }
  switch (stage_) {
    case Stage::kBody: {
      size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, size));
      body_.append(data, take);
      remaining_ -= take;
      if (remaining_ == 0) {
        stage_ = Stage::kDone;
        return ParseState::kComplete;
      }
      return ParseState::kNeedMore;
    }
    case Stage::kBodyToEof:
      body_.append(data, size);
      return ParseState::kNeedMore;
    case Stage::kDone:
      return size == 0 ? ParseState::kComplete : Fail("bytes after the response (the bench never pipelines)");
    default:
      return ParseChunks(data, size);
  }
}

ParseState ResponseParser::ParseHead() {
  std::string_view head(head_);
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ') {
    return Fail("not an HTTP/1.x status line: '" + std::string(status_line.substr(0, 40)) + "'");
  }
  bool http10 = status_line[7] == '0';
  auto [ptr, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status_);
  if (ec != std::errc() || ptr != status_line.data() + 12) return Fail("bad status code in the status line");
  close_ = http10;
  bool chunked = false;
  bool has_length = false;
  uint64_t length = 0;
  size_t pos = line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, end - pos);
    pos = end + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Fail("header line without a colon");
    std::string_view name = line.substr(0, colon);
    std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "Content-Length")) {
      auto [p, e] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (e != std::errc() || p != value.data() + value.size()) return Fail("bad Content-Length");
      has_length = true;
    } else if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
      chunked = ContainsTokenIgnoreCase(value, "chunked");
    } else if (EqualsIgnoreCase(name, "Connection")) {
      if (ContainsTokenIgnoreCase(value, "close")) close_ = true;
      if (http10 && ContainsTokenIgnoreCase(value, "keep-alive")) close_ = false;
    }
  }
  bool no_body = (status_ >= 100 && status_ < 200) || status_ == 204 || status_ == 304;
  if (no_body || (has_length && length == 0 && !chunked)) {
    stage_ = Stage::kDone;
  } else if (chunked) {
    stage_ = Stage::kChunkSize;
  } else if (has_length) {
    stage_ = Stage::kBody;
    remaining_ = length;
  } else {
    stage_ = Stage::kBodyToEof;
    close_ = true;
  }
  return ParseState::kNeedMore;
}

ParseState ResponseParser::ParseChunks(const char* data, size_t size) {
  size_t i = 0;
  while (i < size) {
    switch (stage_) {
      case Stage::kChunkSize:
      case Stage::kChunkDataEnd:
      case Stage::kTrailers: {
        const char* nl = static_cast<const char*>(std::memchr(data + i, '\n', size - i));
        size_t stop = nl ? static_cast<size_t>(nl - data) : size;
        line_.append(data + i, stop - i);
        i = stop;
        if (!nl) return ParseState::kNeedMore;
        ++i;
        if (!line_.empty() && line_.back() == '\r') line_.pop_back();
        if (stage_ == Stage::kChunkDataEnd) {
          if (!line_.empty()) return Fail("chunk data not followed by CRLF");
          stage_ = Stage::kChunkSize;
        } else if (stage_ == Stage::kTrailers) {
          if (line_.empty()) {
            stage_ = Stage::kDone;
            line_.clear();
            return i == size ? ParseState::kComplete : Fail("bytes after the response (the bench never pipelines)");
          }
        } else {
          uint64_t chunk = 0;
          std::string_view text(line_);
          text = text.substr(0, text.find(';'));
          auto [p, e] = std::from_chars(text.data(), text.data() + text.size(), chunk, 16);
          if (e != std::errc() || text.empty()) return Fail("bad chunk size line");
          (void)p;
          remaining_ = chunk;
          stage_ = chunk == 0 ? Stage::kTrailers : Stage::kChunkData;
        }
        line_.clear();
        break;
      }
      case Stage::kChunkData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, size - i));
        body_.append(data + i, take);
        remaining_ -= take;
        i += take;
        if (remaining_ == 0) stage_ = Stage::kChunkDataEnd;
        break;
      }
      default:
        return Fail("internal parser stage error");
    }
  }
  return ParseState::kNeedMore;
}

ParseState ResponseParser::FeedEof() {
  if (stage_ == Stage::kBodyToEof) {
    stage_ = Stage::kDone;
    return ParseState::kComplete;
  }
  if (stage_ == Stage::kDone) return ParseState::kComplete;
  return Fail(started_ ? "the connection closed in the middle of the response"
                       : "the connection closed before any response byte");
}

std::optional<int64_t> ScanApiCode(std::string_view body) {
  // Kuscia (and the fake) put `status` first; tolerate whitespace by searching a bounded prefix.
  std::string_view prefix = body.substr(0, 256);
  size_t status = prefix.find("\"status\"");
  if (status == std::string_view::npos) return std::nullopt;
  size_t code = prefix.find("\"code\"", status);
  if (code == std::string_view::npos) return std::nullopt;
  size_t i = code + 6;
  while (i < prefix.size() && (prefix[i] == ' ' || prefix[i] == ':' || prefix[i] == '\n' || prefix[i] == '\t')) ++i;
  if (i < prefix.size() && prefix[i] == '"') ++i;  // a code written as a string
  int64_t value = 0;
  auto [p, e] = std::from_chars(prefix.data() + i, prefix.data() + prefix.size(), value);
  if (e != std::errc()) return std::nullopt;
  (void)p;
  return value;
}

}  // namespace kuscia::bench
