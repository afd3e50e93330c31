#include "mock_server/http/request_log.h"

#include <chrono>
#include <cstdio>

namespace kuscia::mock::http {
namespace {
constexpr size_t kFlushThresholdBytes = 64 * 1024;
constexpr auto kFlushInterval = std::chrono::milliseconds(100);
}  // namespace

RequestLog::RequestLog(std::FILE* sink) : sink_(sink), flusher_([this] { FlushLoop(); }) {}

RequestLog::~RequestLog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  flusher_.join();
}

void RequestLog::Record(std::string_view method, std::string_view path, int http_status,
                        std::optional<int> api_code, double milliseconds) {
  char tail[96];
  if (api_code) {
    std::snprintf(tail, sizeof tail, " %d code=%d %.1fms\n", http_status, *api_code, milliseconds);
  } else {
    std::snprintf(tail, sizeof tail, " %d %.1fms\n", http_status, milliseconds);
  }
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    buffer_.append(method).append(" ").append(path).append(tail);
    wake = buffer_.size() >= kFlushThresholdBytes;
  }
  if (wake) wake_.notify_one();
}

void RequestLog::Line(std::string_view text) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    buffer_.append(text).append("\n");
  }
  wake_.notify_one();
}

void RequestLog::Flush() {
  std::string pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending.swap(buffer_);
  }
  if (!pending.empty()) {
    std::fwrite(pending.data(), 1, pending.size(), sink_);
    std::fflush(sink_);
  }
}

void RequestLog::FlushLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait_for(lock, kFlushInterval, [this] { return stopping_ || buffer_.size() >= kFlushThresholdBytes; });
    std::string pending;
    pending.swap(buffer_);
    bool stop = stopping_;
    lock.unlock();
    if (!pending.empty()) {
      std::fwrite(pending.data(), 1, pending.size(), sink_);
      std::fflush(sink_);
    }
    if (stop) return;
    lock.lock();
  }
}

}  // namespace kuscia::mock::http
