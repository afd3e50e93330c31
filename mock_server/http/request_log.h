// One line per request (method, path, HTTP status, status.code, milliseconds), written off the hot path.
//
// A synchronous write per request cost 7–14% of throughput in measurements (performance notes), so lines
// go into a buffer that a background thread flushes. The token never reaches this class.
//
//   RequestLog log(stderr);
//   log.Record("POST", "/api/v1/job/create", 200, 0, 1.3);
#pragma once

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace kuscia::mock::http {

class RequestLog {
 public:
  explicit RequestLog(std::FILE* sink);
  ~RequestLog();  // flushes what is buffered
  RequestLog(const RequestLog&) = delete;
  RequestLog& operator=(const RequestLog&) = delete;

  // `api_code` is the response's status.code when the body carried one.
  void Record(std::string_view method, std::string_view path, int http_status, std::optional<int> api_code,
              double milliseconds);
  // A free-form line (start-up, shutdown).
  void Line(std::string_view text);
  void Flush();

 private:
  void FlushLoop();

  std::FILE* sink_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string buffer_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace kuscia::mock::http
