// ResponseParser: an incremental HTTP/1.1 response parser for the load generator. It reuses its buffers
// across responses (no allocation once warm) and understands exactly what the bench needs: the status
// code, Content-Length or chunked bodies (or a body that ends with the connection), and whether the
// server will close the connection. Also: the Kuscia envelope's `status.code`, scanned without a JSON parse.
//
//   ResponseParser parser;
//   parser.Reset();
//   switch (parser.Feed(data, n)) { case ParseState::kComplete: use(parser.status(), parser.body()); ... }
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kuscia::bench {

enum class ParseState {
  kNeedMore,   // feed more bytes (or call FeedEof when the peer closed)
  kComplete,   // one whole response is in; status(), body(), close() are valid
  kMalformed,  // not an HTTP/1.x response we understand; error() says why
};

class ResponseParser {
 public:
  void Reset();
  ParseState Feed(const char* data, size_t size);
  // The peer closed the connection: completes a body delimited by the connection's end, else malformed.
  ParseState FeedEof();

  int status() const { return status_; }
  const std::string& body() const { return body_; }
  // The server will close the connection after this response (Connection: close, or HTTP/1.0).
  bool close() const { return close_; }
  // True once any byte of the response arrived (tells "closed before answering" from "cut mid-response").
  bool started() const { return started_; }
  const std::string& error() const { return error_; }

 private:
  enum class Stage { kHead, kBody, kBodyToEof, kChunkSize, kChunkData, kChunkDataEnd, kTrailers, kDone };
  ParseState ParseHead();
  ParseState Fail(std::string why);
  ParseState ParseChunks(const char* data, size_t size);

  Stage stage_ = Stage::kHead;
  std::string head_;
  std::string body_;
  std::string line_;
  int status_ = 0;
  uint64_t remaining_ = 0;
  bool close_ = false;
  bool started_ = false;
  std::string error_;
};

// The envelope's `status.code` of a Kuscia JSON answer ({"status":{"code":N,...},...}), found by scanning
// the first bytes; nullopt when the body is not such an envelope (401's empty body, gin's 404 text).
std::optional<int64_t> ScanApiCode(std::string_view body);

}  // namespace kuscia::bench
