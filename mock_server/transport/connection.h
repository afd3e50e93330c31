// The connection state machine of the transport: one object per accepted socket, driven on its loop
// thread, plus the ResponseWriter handed to the handler. Internal, and included by http_server.cc only,
// so Beast/Asio stay in one translation unit (compile time on two cores).
//
// A connection moves through phases, always on its own loop thread:
//   kHandshake -> kReading -> kHandling -> (kResponding | kStreaming -> kResponding) -> kBetween -> ...
// and finally kClosing (FIN sent, draining) -> kClosed. While the handler owns the request, a read-ahead
// stays pending so a peer that leaves is noticed (OnClose for watch streams) and pipelined bytes are kept.
//
//   auto connection = std::make_shared<Connection<TlsStream>>(worker, shared, tls, std::move(socket));
//   connection->Start(id);   // on the worker's loop
#pragma once

#include "mock_server/transport/http_server.h"

#include <array>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "mock_server/transport/response_format.h"
#include "mock_server/transport/tls_context.h"

namespace kuscia::mock::transport::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Executor = asio::io_context::executor_type;
using TlsStream = beast::ssl_stream<tcp::socket>;

inline constexpr size_t kReadAheadBytes = 16 * 1024;
// Go closes with closeWriteAndWait: FIN, then up to 500 ms for the peer, so unread request bytes do not
// turn the close into an RST that could destroy the response in flight.
inline constexpr auto kCloseLinger = std::chrono::milliseconds(500);

// An immutable protocol configuration; new connections take the current one (UpdateTls swaps it).
struct TlsConfig {
  ProtocolMode mode = ProtocolMode::kMtls;
  std::shared_ptr<asio::ssl::context> ssl;  // null for notls
};


inline void LogHandlerException(const char* where, const char* what) {
  std::fprintf(stderr, "kuscia-mock transport: %s threw: %s; closing the connection\n", where, what);
}

class ConnectionCore;

// One event loop and its thread. Connections hold it by shared_ptr so a writer kept by the engine after
// Stop() never outlives the io_context its socket belongs to.
struct Worker {
  asio::io_context io{1};
  std::optional<asio::executor_work_guard<Executor>> guard;
  std::thread thread;
  std::mutex stop_mutex;
  bool stopped = false;  // guarded by stop_mutex: no foreign posts once set
  std::atomic<size_t> open{0};
  // Loop thread only. Strong references: a connection lives until it is closed, whoever holds it.
  std::unordered_map<ConnectionCore*, std::shared_ptr<ConnectionCore>> connections;

  // Runs `fn` on the loop: inline when already there, posted otherwise, dropped once stopped.
  template <class Fn>
  void Run(Fn&& fn) {
    if (io.get_executor().running_in_this_thread()) {
      fn();
      return;
    }
    std::lock_guard lock(stop_mutex);
    if (stopped) return;
    asio::post(io, std::forward<Fn>(fn));
  }
};

// What connections need from the server; shared so it outlives HttpServer while writers are held.
struct Shared {
  ServerOptions options;
  std::shared_ptr<RequestHandler> handler;
  mutable std::atomic<uint64_t> next_connection_id{1};
  mutable std::mutex tls_mutex;
  std::shared_ptr<const TlsConfig> tls;

  std::shared_ptr<const TlsConfig> CurrentTls() const {
    std::lock_guard lock(tls_mutex);
    return tls;
  }
  void Report(HandshakeFailure failure) const {
    if (!options.on_handshake_failure) return;
    try {
      options.on_handshake_failure(failure);
    } catch (const std::exception& e) {
      LogHandlerException("on_handshake_failure", e.what());
    }
  }
};

inline std::string FormatEndpoint(const tcp::endpoint& endpoint) {
  std::string address = endpoint.address().to_string();
  if (endpoint.address().is_v6()) address = "[" + address + "]";
  return address + ":" + std::to_string(endpoint.port());
}

// A request the parser rejected (as opposed to a peer that left mid-request).
inline bool IsHttpSyntaxError(const beast::error_code& ec) {
  static const boost::system::error_category& http_category = beast::error_code(http::error::bad_method).category();
  return ec.category() == http_category && ec != http::error::end_of_stream && ec != http::error::partial_message;
}

inline bool IsPeerGone(const beast::error_code& ec) {
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || ec == http::error::end_of_stream;
}

// One piece of queued output: owned bytes, a shared body, or a static literal.
struct OutPiece {
  std::string owned;
  std::shared_ptr<const std::string> shared;
  std::string_view literal;
  asio::const_buffer buffer() const {
    if (shared) return asio::buffer(*shared);
    if (!literal.empty()) return asio::buffer(literal.data(), literal.size());
    return asio::buffer(owned);
  }
};

class Writer;

class ConnectionCore : public std::enable_shared_from_this<ConnectionCore> {
 public:
  enum class Phase { kHandshake, kReading, kHandling, kResponding, kStreaming, kBetween, kFinalReply, kClosing, kClosed };

  ConnectionCore(std::shared_ptr<Worker> worker, std::shared_ptr<const Shared> shared,
                 std::shared_ptr<const TlsConfig> tls)
      : worker_(std::move(worker)), shared_(std::move(shared)), tls_(std::move(tls)), timer_(worker_->io) {}
  virtual ~ConnectionCore() = default;

  Worker& worker() { return *worker_; }
  bool closed() const { return closed_.load(std::memory_order_acquire); }

  // Registers with the loop and begins the TLS handshake or the first read. Loop thread.
  void Start(uint64_t id) {
    info_.id = id;
    beast::error_code ec;
    tcp::endpoint remote = Lowest().remote_endpoint(ec);
    info_.remote_address = ec ? "unknown" : FormatEndpoint(remote);
    worker_->connections.emplace(this, shared_from_this());
    worker_->open.fetch_add(1, std::memory_order_relaxed);
    StartSession();
  }

  // Hard close: drops queued output, cancels timers, runs the OnClose callbacks. Loop thread.
  void CloseNow(bool reset) {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    closed_.store(true, std::memory_order_release);
    beast::error_code ignored;
    if (reset) Lowest().set_option(asio::socket_base::linger(true, 0), ignored);
    Lowest().close(ignored);
    timer_.cancel();
    for (const auto& t : run_after_timers_) t->cancel();
    run_after_timers_.clear();
    out_.clear();
    auto callbacks = std::move(on_close_);
    on_close_.clear();
    auto self = shared_from_this();  // the registry may hold the last reference
    worker_->connections.erase(this);
    worker_->open.fetch_sub(1, std::memory_order_relaxed);
    for (auto& callback : callbacks) RunUserCallback("an OnClose callback", callback);
  }

  // ResponseWriter operations, on the loop. `seq` names the request; stale writers are ignored.
  void DoSend(uint64_t seq, HttpResponse response);
  void DoStartStream(uint64_t seq, int status, internal::HeaderList headers);
  void DoWriteChunk(uint64_t seq, std::string data);
  void DoEndStream(uint64_t seq);
  void DoWriteRaw(uint64_t seq, std::string bytes);
  void DoAbort(uint64_t seq, bool reset) {
    if (seq != seq_ || phase_ == Phase::kClosed) return;
    if (reset) {
      CloseNow(true);
      return;
    }
    if (phase_ == Phase::kClosing) return;
    // A FIN after what was already queued, so "raw bytes then close" faults cut exactly where asked.
    phase_ = Phase::kFinalReply;
    if (writing_ || !out_.empty()) {
      finish_after_flush_ = false;
      close_after_flush_ = true;
      ArmDeadline(options().read_timeout);  // bounds a peer that never reads
      Flush();
      return;
    }
    GracefulClose();
  }
  void DoOnClose(uint64_t seq, std::function<void()> callback) {
    if (phase_ == Phase::kClosed) {
      asio::post(worker_->io, [callback = std::move(callback)] { RunUserCallback("an OnClose callback", callback); });
      return;
    }
    if (seq == seq_) on_close_.push_back(std::move(callback));
  }
  void DoRunAfter(std::chrono::milliseconds delay, std::function<void()> callback);

 protected:
  // Supplied per stream type.
  virtual tcp::socket& Lowest() = 0;
  virtual void StartSession() = 0;
  virtual void AsyncReadHeader() = 0;   // -> OnHeader
  virtual void AsyncReadBody() = 0;     // -> OnBody
  virtual void AsyncReadAhead() = 0;    // -> OnReadAhead
  virtual void AsyncWriteBuffers() = 0; // writes write_buffers_ -> OnWritten
  virtual void StartShutdown() = 0;     // FIN / close_notify, then CloseNow

  const ServerOptions& options() const { return shared_->options; }

  static void RunUserCallback(const char* what, const std::function<void()>& callback) {
    try {
      callback();
    } catch (const std::exception& e) {
      LogHandlerException(what, e.what());
    }
  }

  void ReportHandshakeFailure(HandshakeFailure failure) { shared_->Report(std::move(failure)); }

  // After the handshake (or at once for plain HTTP): the connection is ready for requests.
  void BeginRequests(std::string tls_version, std::optional<PeerCertificate> client_certificate) {
    info_.tls_version = std::move(tls_version);
    info_.client_certificate = std::move(client_certificate);
    shared_info_ = std::make_shared<const ConnectionInfo>(std::move(info_));
    first_request_ = true;
    ReadRequest();
  }

  void ReadRequest() {
    if (buffer_.size() == 0 && !first_request_) {
      // Go: the idle timeout covers the wait for the next request's first byte.
      phase_ = Phase::kBetween;
      ArmDeadline(options().idle_timeout);
      StartReadAhead();
      return;
    }
    first_request_ = false;
    phase_ = Phase::kReading;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options().max_header_bytes));
    parser_->body_limit(options().max_body_bytes);
    ArmDeadline(options().read_timeout);
    AsyncReadHeader();
  }

  void OnHeader(beast::error_code ec) {
    if (phase_ != Phase::kReading) return;
    if (ec) {
      OnReadError(ec);
      return;
    }
    auto& message = parser_->get();
    if (message.version() == 11 && message.find(http::field::host) == message.end()) {
      ReplyErrorAndClose(internal::GoRequestErrorAnswer("400 Bad Request: missing required Host header"));
      return;
    }
    if (parser_->is_done()) {
      DispatchRequest();
      return;
    }
    auto expect = message.find(http::field::expect);
    if (message.version() == 11 && expect != message.end() && beast::iequals(expect->value(), "100-continue")) {
      // curl waits up to 1 s for this before sending a body > 1 KiB.
      QueueLiteral("HTTP/1.1 100 Continue\r\n\r\n");
      Flush();
    }
    AsyncReadBody();
  }

  void OnBody(beast::error_code ec) {
    if (phase_ != Phase::kReading) return;
    if (ec) {
      OnReadError(ec);
      return;
    }
    DispatchRequest();
  }

  // The Content-Length the client declared, for the 413 text. Beast reports body_limit while it is still
  // reading that header, before is_header_done(), and then the value is not available: the text names only
  // the limit.
  std::optional<size_t> DeclaredContentLength() const {
    if (!parser_->is_header_done()) return std::nullopt;
    if (auto length = parser_->content_length()) return static_cast<size_t>(*length);
    return std::nullopt;
  }

  void OnReadError(const beast::error_code& ec) {
    if (ec == http::error::header_limit) {
      ReplyErrorAndClose(internal::GoRequestErrorAnswer("431 Request Header Fields Too Large"));
    } else if (ec == http::error::body_limit) {
      std::optional<size_t> declared = DeclaredContentLength();
      ReplyErrorAndClose(internal::BodyTooLargeAnswer(declared, options().max_body_bytes,
                                                       parser_->get().version() == 10 ? 0 : 1));
    } else if (IsHttpSyntaxError(ec)) {
      ReplyErrorAndClose(internal::GoRequestErrorAnswer("400 Bad Request"));
    } else {
      CloseNow(false);  // the peer left or reset; Go closes silently, and so on timeouts
    }
  }

  void DispatchRequest() {
    phase_ = Phase::kHandling;
    DisarmDeadline();  // Go clears the read deadline once the handler runs (WriteTimeout 0: streams live)
    auto& message = parser_->get();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    size_t question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    request.headers.reserve(8);
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.connection = shared_info_;
    http_minor_ = message.version() == 10 ? 0 : 1;
    request.http_minor_version = http_minor_;
    keep_alive_ = message.keep_alive();
    close_after_response_ = !keep_alive_;
    head_request_ = message.method() == http::verb::head;
    chunked_stream_ = false;
    parser_.reset();
    ++seq_;

    std::shared_ptr<ResponseWriter> writer = MakeWriter();
    try {
      shared_->handler->Handle(std::move(request), std::move(writer));
    } catch (const std::exception& e) {
      LogHandlerException("RequestHandler::Handle", e.what());
      CloseNow(false);
      return;
    }
    if (phase_ == Phase::kHandling || phase_ == Phase::kStreaming) StartReadAhead();
  }

  std::shared_ptr<ResponseWriter> MakeWriter();

  void StartReadAhead() {
    if (read_ahead_pending_) return;
    // A peer that floods pipelined bytes while its request is handled is simply not read further.
    if (buffer_.size() > options().max_header_bytes + kReadAheadBytes) return;
    read_ahead_pending_ = true;
    AsyncReadAhead();
  }

  void OnReadAhead(const beast::error_code& ec) {
    read_ahead_pending_ = false;
    if (phase_ == Phase::kClosed) return;
    if (phase_ == Phase::kClosing) {
      StartShutdown();
      return;
    }
    if (ec) {
      if (IsPeerGone(ec) && (phase_ == Phase::kHandling || phase_ == Phase::kResponding)) {
        close_after_response_ = true;  // a half-closed peer still gets its answer (Go writes it too)
        return;
      }
      CloseNow(false);
      return;
    }
    if (phase_ == Phase::kBetween) {
      ReadRequest();
      return;
    }
    StartReadAhead();
  }

  void FinishResponse() {
    if (close_after_response_) {
      GracefulClose();
      return;
    }
    on_close_.clear();  // the response completed on a kept-alive connection
    phase_ = Phase::kBetween;
    if (read_ahead_pending_) {
      ArmDeadline(buffer_.size() == 0 ? options().idle_timeout : options().read_timeout);
      return;  // OnReadAhead continues with the next request
    }
    ReadRequest();
  }

  void ReplyErrorAndClose(std::string answer) {
    phase_ = Phase::kFinalReply;
    ArmDeadline(options().read_timeout);  // bounds a peer that never reads the answer
    Queue(std::move(answer));
    close_after_flush_ = true;
    Flush();
  }

  void GracefulClose() {
    if (phase_ == Phase::kClosing || phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosing;
    ArmDeadline(kCloseLinger);
    if (read_ahead_pending_) {
      beast::error_code ignored;
      Lowest().cancel(ignored);  // OnReadAhead then starts the shutdown
      return;
    }
    StartShutdown();
  }

  // Plain FIN, then discard what the peer still sends until it closes or the linger deadline passes.
  void ShutdownPlain() {
    beast::error_code ignored;
    Lowest().shutdown(tcp::socket::shutdown_send, ignored);
    DrainUntilPeerCloses();
  }

  void DrainUntilPeerCloses() {
    Lowest().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
      if (self->phase_ == Phase::kClosed) return;
      if (ec) {
        self->CloseNow(false);
        return;
      }
      char scratch[4096];
      size_t n = self->Lowest().receive(asio::buffer(scratch), 0, ec);
      if (ec || n == 0) {
        self->CloseNow(false);
        return;
      }
      self->DrainUntilPeerCloses();
    });
  }

  // Output queue. Pieces queued while a write is in flight go out in the next batch.
  void Queue(std::string bytes) {
    queued_bytes_ += bytes.size();
    out_.push_back(OutPiece{std::move(bytes), nullptr, {}});
  }
  void QueueShared(std::shared_ptr<const std::string> bytes) {
    queued_bytes_ += bytes->size();
    out_.push_back(OutPiece{{}, std::move(bytes), {}});
  }
  void QueueLiteral(std::string_view bytes) {
    queued_bytes_ += bytes.size();
    out_.push_back(OutPiece{{}, nullptr, bytes});
  }

  void Flush() {
    if (writing_ || out_.empty() || phase_ == Phase::kClosed) return;
    writing_ = true;
    sending_.swap(out_);
    write_buffers_.clear();
    for (const OutPiece& piece : sending_) {
      if (piece.buffer().size() != 0) write_buffers_.push_back(piece.buffer());
    }
    AsyncWriteBuffers();
  }

  void OnWritten(const beast::error_code& ec) {
    writing_ = false;
    for (const OutPiece& piece : sending_) queued_bytes_ -= piece.buffer().size();
    sending_.clear();
    if (phase_ == Phase::kClosed) return;
    if (ec) {
      CloseNow(false);
      return;
    }
    if (!out_.empty()) {
      Flush();
      return;
    }
    if (close_after_flush_) {
      close_after_flush_ = false;
      GracefulClose();
    } else if (finish_after_flush_) {
      finish_after_flush_ = false;
      FinishResponse();
    }
  }

  // A lazy deadline: one wait stays armed and re-arms itself when the deadline moved later, so the
  // common keep-alive path costs no timer cancellations.
  void ArmDeadline(Clock::duration timeout) {
    deadline_ = Clock::now() + timeout;
    if (timer_waiting_ && timer_expiry_ <= deadline_) return;
    timer_expiry_ = deadline_;
    timer_waiting_ = true;
    timer_.expires_at(timer_expiry_);
    timer_.async_wait([self = shared_from_this(), generation = ++timer_generation_](beast::error_code) {
      self->OnDeadline(generation);
    });
  }
  void DisarmDeadline() { deadline_ = Clock::time_point::max(); }

  void OnDeadline(uint64_t generation) {
    if (generation != timer_generation_) return;  // superseded by an earlier deadline
    timer_waiting_ = false;
    if (phase_ == Phase::kClosed || deadline_ == Clock::time_point::max()) return;
    if (Clock::now() < deadline_) {
      ArmDeadline(deadline_ - Clock::now());
      return;
    }
    if (phase_ == Phase::kHandshake) {
      ReportHandshakeFailure({info_.remote_address, "other", "no TLS handshake within the read timeout"});
    }
    CloseNow(false);
  }

  std::shared_ptr<Worker> worker_;
  std::shared_ptr<const Shared> shared_;
  std::shared_ptr<const TlsConfig> tls_;
  Phase phase_ = Phase::kHandshake;
  std::atomic<bool> closed_{false};
  ConnectionInfo info_;  // filled until the handshake ends, then moved into shared_info_
  std::shared_ptr<const ConnectionInfo> shared_info_;

  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool first_request_ = true;
  bool read_ahead_pending_ = false;

  uint64_t seq_ = 0;  // the current request
  int http_minor_ = 1;
  bool keep_alive_ = true;
  bool close_after_response_ = false;
  bool head_request_ = false;
  bool chunked_stream_ = false;
  std::vector<std::function<void()>> on_close_;

  std::vector<OutPiece> out_, sending_;
  std::vector<asio::const_buffer> write_buffers_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool finish_after_flush_ = false;
  bool close_after_flush_ = false;

  asio::steady_timer timer_;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point timer_expiry_{};
  bool timer_waiting_ = false;
  uint64_t timer_generation_ = 0;
  std::unordered_set<std::shared_ptr<asio::steady_timer>> run_after_timers_;
};

inline void ConnectionCore::DoSend(uint64_t seq, HttpResponse response) {
  if (seq != seq_ || phase_ != Phase::kHandling) return;
  close_after_response_ = close_after_response_ || response.close_connection;
  bool with_body = internal::StatusAllowsBody(response.status);
  size_t body_size = response.shared_body ? response.shared_body->size() : response.body.size();
  std::string head;
  head.reserve(160 + response.headers.size() * 48);
  internal::HeadFraming framing;
  if (with_body) framing.content_length = body_size;
  framing.close = close_after_response_;
  framing.keep_alive_http10 = http_minor_ == 0 && !close_after_response_;
  internal::AppendResponseHead(head, response.status, http_minor_, response.headers, framing);
  Queue(std::move(head));
  if (with_body && !head_request_ && body_size != 0) {
    if (response.shared_body) {
      QueueShared(std::move(response.shared_body));
    } else {
      Queue(std::move(response.body));
    }
  }
  phase_ = Phase::kResponding;
  finish_after_flush_ = true;
  Flush();
}

inline void ConnectionCore::DoStartStream(uint64_t seq, int status, internal::HeaderList headers) {
  if (seq != seq_ || phase_ != Phase::kHandling) return;
  // HTTP/1.0 has no chunked coding: the body ends when the connection closes.
  chunked_stream_ = http_minor_ == 1;
  if (!chunked_stream_) close_after_response_ = true;
  std::string head;
  internal::HeadFraming framing;
  framing.chunked = chunked_stream_;
  framing.close = close_after_response_;
  internal::AppendResponseHead(head, status, http_minor_, headers, framing);
  Queue(std::move(head));
  phase_ = head_request_ ? Phase::kResponding : Phase::kStreaming;
  if (head_request_) finish_after_flush_ = true;
  Flush();
}

inline void ConnectionCore::DoWriteChunk(uint64_t seq, std::string data) {
  if (seq != seq_ || phase_ != Phase::kStreaming || data.empty()) return;
  if (chunked_stream_) {
    Queue(internal::ChunkPrefix(data.size()));
    Queue(std::move(data));
    QueueLiteral("\r\n");
  } else {
    Queue(std::move(data));
  }
  if (queued_bytes_ > options().max_stream_queue_bytes) {
    // The consumer stopped reading: close rather than drop events silently.
    CloseNow(false);
    return;
  }
  Flush();
}

inline void ConnectionCore::DoEndStream(uint64_t seq) {
  if (seq != seq_ || phase_ != Phase::kStreaming) return;
  if (chunked_stream_) QueueLiteral("0\r\n\r\n");
  phase_ = Phase::kResponding;
  finish_after_flush_ = true;
  if (!writing_ && out_.empty()) {
    FinishResponse();
    return;
  }
  Flush();
}

inline void ConnectionCore::DoWriteRaw(uint64_t seq, std::string bytes) {
  if (seq != seq_ || bytes.empty()) return;
  if (phase_ != Phase::kHandling && phase_ != Phase::kStreaming && phase_ != Phase::kResponding) return;
  Queue(std::move(bytes));
  Flush();
}

inline void ConnectionCore::DoRunAfter(std::chrono::milliseconds delay, std::function<void()> callback) {
  if (phase_ == Phase::kClosed) return;
  auto timer = std::make_shared<asio::steady_timer>(worker_->io, delay);
  run_after_timers_.insert(timer);
  timer->async_wait([self = shared_from_this(), timer, callback = std::move(callback)](beast::error_code ec) {
    self->run_after_timers_.erase(timer);
    if (ec || self->phase_ == Phase::kClosed) return;
    RunUserCallback("a RunAfter callback", callback);
  });
}

// The handler's view of one request. Every call hops to the connection's loop.
class Writer final : public ResponseWriter {
 public:
  Writer(std::shared_ptr<ConnectionCore> connection, uint64_t seq)
      : connection_(std::move(connection)), seq_(seq) {}

  void Send(HttpResponse response) override {
    if (started_.exchange(true)) return;
    done_ = true;
    Run([seq = seq_, response = std::move(response)](ConnectionCore& c) mutable { c.DoSend(seq, std::move(response)); });
  }
  void StartStream(int status, std::vector<std::pair<std::string, std::string>> headers) override {
    if (started_.exchange(true)) return;
    Run([seq = seq_, status, headers = std::move(headers)](ConnectionCore& c) mutable {
      c.DoStartStream(seq, status, std::move(headers));
    });
  }
  void WriteChunk(std::string data) override {
    if (done_) return;
    Run([seq = seq_, data = std::move(data)](ConnectionCore& c) mutable { c.DoWriteChunk(seq, std::move(data)); });
  }
  void EndStream() override {
    if (done_.exchange(true)) return;
    Run([seq = seq_](ConnectionCore& c) { c.DoEndStream(seq); });
  }
  void Abort(bool reset) override {
    done_ = true;
    Run([seq = seq_, reset](ConnectionCore& c) { c.DoAbort(seq, reset); });
  }
  bool IsClosed() const override { return done_ || connection_->closed(); }
  void OnClose(std::function<void()> callback) override {
    Run([seq = seq_, callback = std::move(callback)](ConnectionCore& c) mutable { c.DoOnClose(seq, std::move(callback)); });
  }
  void RunAfter(std::chrono::milliseconds delay, std::function<void()> callback) override {
    Run([delay, callback = std::move(callback)](ConnectionCore& c) mutable { c.DoRunAfter(delay, std::move(callback)); });
  }
  void WriteRaw(std::string bytes) override {
    Run([seq = seq_, bytes = std::move(bytes)](ConnectionCore& c) mutable { c.DoWriteRaw(seq, std::move(bytes)); });
  }

 private:
  // Posted work holds the connection weakly: the writer keeps it alive, and a strong reference inside
  // the io_context queue could form a cycle (queue -> connection -> worker -> queue) after Stop().
  template <class Fn>
  void Run(Fn&& fn) {
    connection_->worker().Run([weak = std::weak_ptr<ConnectionCore>(connection_), fn = std::forward<Fn>(fn)]() mutable {
      if (auto connection = weak.lock()) fn(*connection);
    });
  }

  std::shared_ptr<ConnectionCore> connection_;
  uint64_t seq_;
  std::atomic<bool> started_{false};
  std::atomic<bool> done_{false};
};

inline std::shared_ptr<ResponseWriter> ConnectionCore::MakeWriter() {
  return std::make_shared<Writer>(shared_from_this(), seq_);
}

template <class Stream>
class Connection final : public ConnectionCore {
 public:
  Connection(std::shared_ptr<Worker> worker, std::shared_ptr<const Shared> shared,
             std::shared_ptr<const TlsConfig> tls, tcp::socket socket)
      : ConnectionCore(std::move(worker), std::move(shared), std::move(tls)), stream_(MakeStream(std::move(socket))) {}

 private:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Stream MakeStream(tcp::socket socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *tls_->ssl);
    } else {
      return socket;
    }
  }
  std::shared_ptr<Connection> Self() { return std::static_pointer_cast<Connection>(shared_from_this()); }

  tcp::socket& Lowest() override { return beast::get_lowest_layer(stream_); }

  void StartSession() override {
    if constexpr (kTls) {
      ArmDeadline(options().read_timeout);
      Lowest().async_wait(tcp::socket::wait_read, [self = Self()](beast::error_code ec) { self->OnFirstByte(ec); });
    } else {
      BeginRequests("", std::nullopt);
    }
  }

  // TLS ports: a ClientHello starts with a handshake record (0x16). Anything else is answered or
  // dropped the way Go does, without involving OpenSSL.
  void OnFirstByte(beast::error_code ec) {
    if (phase_ != Phase::kHandshake) return;
    unsigned char first = 0;
    size_t n = ec ? 0 : Lowest().receive(asio::buffer(&first, 1), tcp::socket::message_peek, ec);
    if (ec || n == 0) {
      ReportHandshakeFailure({info_.remote_address, "other", "EOF: the peer closed before sending a ClientHello"});
      CloseNow(false);
      return;
    }
    if (first == 0x16) {
      if constexpr (kTls) {
        stream_.async_handshake(asio::ssl::stream_base::server,
                                [self = Self()](beast::error_code hec) { self->OnHandshake(hec); });
      }
      return;
    }
    asio::async_read(Lowest(), asio::buffer(probe_), [self = Self()](beast::error_code, size_t got) {
      self->OnNotTls(got);
    });
  }

  void OnNotTls(size_t got) {
    if (phase_ != Phase::kHandshake) return;
    std::string_view first_bytes(probe_.data(), got);
    std::string printable;
    for (char c : first_bytes) printable += (c >= 0x20 && c < 0x7f) ? c : '.';
    bool http = internal::LooksLikeHttp(first_bytes);
    ReportHandshakeFailure({info_.remote_address, "not_tls",
                            "first record does not look like a TLS handshake (starts with \"" + printable + "\")" +
                                (http ? "; answered with Go's 400 for plain HTTP" : "")});
    if (!http) {
      CloseNow(false);
      return;
    }
    phase_ = Phase::kFinalReply;
    asio::async_write(Lowest(), asio::buffer(internal::kPlainHttpOnTlsPortAnswer.data(),
                                             internal::kPlainHttpOnTlsPortAnswer.size()),
                      [self = Self()](beast::error_code wec, size_t) {
                        if (self->phase_ == Phase::kClosed) return;
                        if (wec) {
                          self->CloseNow(false);
                          return;
                        }
                        self->GracefulClose();
                      });
  }

  void OnHandshake(beast::error_code ec) {
    if (phase_ != Phase::kHandshake) return;
    if constexpr (kTls) {
      SSL* ssl = stream_.native_handle();
      if (ec) {
        unsigned long openssl_error =
            ec.category() == asio::error::get_ssl_category() ? static_cast<unsigned long>(ec.value()) : 0;
        ReportHandshakeFailure(
            internal::ClassifyHandshakeFailure(ssl, openssl_error, info_.remote_address, ec.message()));
        CloseNow(false);
        return;
      }
      tls_established_ = true;
      BeginRequests(internal::NegotiatedTlsVersion(ssl), internal::PeerCertificateOf(ssl));
    }
  }

  void AsyncReadHeader() override {
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = Self()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }
  void AsyncReadBody() override {
    http::async_read(stream_, buffer_, *parser_, [self = Self()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }
  void AsyncReadAhead() override {
    stream_.async_read_some(buffer_.prepare(kReadAheadBytes), [self = Self()](beast::error_code ec, size_t n) {
      self->buffer_.commit(n);
      self->OnReadAhead(ec);
    });
  }
  void AsyncWriteBuffers() override {
    asio::async_write(stream_, write_buffers_, [self = Self()](beast::error_code ec, size_t) { self->OnWritten(ec); });
  }

  void StartShutdown() override {
    if constexpr (kTls) {
      if (tls_established_ && !tls_shutdown_started_) {
        // close_notify first (Go's tls.Conn.Close sends it); the peer's reply or the linger ends it.
        tls_shutdown_started_ = true;
        stream_.async_shutdown([self = Self()](beast::error_code) {
          if (self->phase_ != Phase::kClosed) self->ShutdownPlain();
        });
        return;
      }
    }
    ShutdownPlain();
  }

  Stream stream_;
  std::array<char, 5> probe_{};
  bool tls_established_ = false;
  bool tls_shutdown_started_ = false;
};

}  // namespace kuscia::mock::transport::internal
