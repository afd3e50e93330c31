// The connection state machine of the transport: one object per accepted socket, driven on its loop
// thread, plus the ResponseWriter handed to the handler. Internal, and included by http_server.cc only,
// so Beast/Asio stay in one translation unit (compile time on two cores).
//
// A connection moves through phases, always on its own loop thread:
//   kHandshake -> kReading -> kHandling -> (kResponding | kStreaming -> kResponding) -> kBetween -> ...
// and finally kClosing (FIN sent, draining) -> kClosed. While the handler owns the request, a read-ahead
// stays pending so a peer that leaves is noticed (OnClose for watch streams) and pipelined bytes are kept.
//
// Asio is only the reactor here (accept, timers, "the socket is readable/writable"); OpenSSL works
// directly on the non-blocking socket and Beast's parser is fed by hand. asio::ssl::stream would add two
// 17 KB record buffers and a 2 x 17 KB BIO pair to every connection, and a Beast stream a 16 KB read
// buffer: about 88 KB per idle connection. Here an idle connection keeps no I/O buffer at all (reads and
// writes go through one scratch buffer per loop thread; the idle sweep frees the rest), and a TLS 1.3
// connection leaves OpenSSL after its handshake: Tls13RecordLayer protects its records, and the ~19 KB
// of OpenSSL state are freed (ServerOptions::own_tls13_record_layer).
//
//   auto connection = std::make_shared<Connection>(worker, shared, tls, std::move(socket));
//   connection->Start(id);   // on the worker's loop
#pragma once

#include "mock_server/transport/http_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "mock_server/transport/io_result.h"
#include "mock_server/transport/response_format.h"
#include "mock_server/transport/tls13_records.h"
#include "mock_server/transport/tls_context.h"

namespace kuscia::mock::transport::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Executor = asio::io_context::executor_type;

// Bytes a connection may buffer beyond the header limit while its request is being handled (pipelining).
inline constexpr size_t kReadAheadBytes = 16 * 1024;
// One TLS record's plaintext: SSL_read never returns more per call.
inline constexpr size_t kReadScratchBytes = 16 * 1024;
// A request buffer larger than this is freed between requests instead of kept for the next one.
inline constexpr size_t kKeptInputCapacity = 1024;
// Go closes with closeWriteAndWait: FIN, then up to 500 ms for the peer, so unread request bytes do not
// turn the close into an RST that could destroy the response in flight.
inline constexpr auto kCloseLinger = std::chrono::milliseconds(500);

struct SslDeleter {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using SslPtr = std::unique_ptr<SSL, SslDeleter>;

// An immutable protocol configuration; new connections take the current one (UpdateTls swaps it).
struct TlsConfig {
  ProtocolMode mode = ProtocolMode::kMtls;
  std::shared_ptr<SSL_CTX> ctx;  // null for notls
};

inline void LogHandlerException(const char* where, const char* what) {
  std::fprintf(stderr, "kuscia-mock transport: %s threw: %s; closing the connection\n", where, what);
}

class Connection;

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
  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections;
  // Loop thread only: every read lands here first, every write is assembled here, so a connection owns
  // buffers only while bytes are actually waiting.
  std::array<char, kReadScratchBytes> read_scratch{};
  std::string write_scratch;
  // Counts the idle-buffer sweeps (ServerOptions::idle_buffer_sweep apart); connections compare it with
  // the count at their latest I/O.
  uint64_t sweep = 0;
  std::optional<asio::steady_timer> sweep_timer;
  // Loop thread only. Cleared by Stop(): a sweep whose timer fired before the cancel still runs, and must
  // not arm the next one, or run() would never return.
  bool sweeping = true;
  std::atomic<uint64_t> buffer_releases{0};
  std::atomic<uint64_t> record_layer_takeovers{0};

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

// OpenSSL's words for an error code, as Asio's SSL error category words them ("reason (library)").
inline std::string OpenSslErrorText(unsigned long error) {
  const char* reason = ERR_reason_error_string(error);
  if (reason == nullptr) return "TLS error " + std::to_string(error);
  std::string text = reason;
  if (const char* library = ERR_lib_error_string(error)) text += std::string(" (") + library + ")";
  return text;
}

// One piece of queued output: owned bytes, a shared body, or a static literal.
struct OutPiece {
  std::string owned;
  std::shared_ptr<const std::string> shared;
  std::string_view literal;
  std::string_view bytes() const {
    if (shared) return *shared;
    if (!literal.empty()) return literal;
    return owned;
  }
};

class Writer;

class Connection final : public std::enable_shared_from_this<Connection> {
 public:
  enum class Phase { kHandshake, kReading, kHandling, kResponding, kStreaming, kBetween, kFinalReply, kClosing, kClosed };

  Connection(std::shared_ptr<Worker> worker, std::shared_ptr<const Shared> shared,
             std::shared_ptr<const TlsConfig> tls, tcp::socket socket)
      : worker_(std::move(worker)),
        shared_(std::move(shared)),
        tls_(std::move(tls)),
        socket_(std::move(socket)),
        timer_(worker_->io) {}

  Worker& worker() { return *worker_; }
  bool closed() const { return closed_.load(std::memory_order_acquire); }

  // Registers with the loop and begins the TLS handshake or the first read. Loop thread.
  void Start(uint64_t id) {
    info_.id = id;
    beast::error_code ec;
    tcp::endpoint remote = socket_.remote_endpoint(ec);
    info_.remote_address = ec ? "unknown" : FormatEndpoint(remote);
    worker_->connections.emplace(this, shared_from_this());
    worker_->open.fetch_add(1, std::memory_order_relaxed);
    socket_.non_blocking(true, ec);
    if (ec) {
      CloseNow(false);
      return;
    }
    if (tls_->mode == ProtocolMode::kNoTls) {
      BeginRequests("", std::nullopt);
      return;
    }
    ArmDeadline(options().read_timeout);
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code wec) {
      self->OnFirstByte(wec);
    });
  }

  // Hard close: drops queued output, cancels timers, runs the OnClose callbacks. Loop thread.
  void CloseNow(bool reset) {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    closed_.store(true, std::memory_order_release);
    beast::error_code ignored;
    if (reset) {
      socket_.set_option(asio::socket_base::linger(true, 0), ignored);
    } else {
      SendCloseNotify();
    }
    socket_.close(ignored);
    timer_.cancel();
    for (const auto& t : run_after_timers_) t->cancel();
    run_after_timers_.clear();
    out_.clear();
    unsent_.clear();
    input_.clear();
    ssl_.reset();
    tap_.reset();
    records_.reset();
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

  // Called by the worker's periodic sweep: a connection with no I/O since the previous sweep gives back
  // its cipher contexts and record buffer (own record layer) or OpenSSL's record buffers (17 KB each way),
  // so idle keep-alive connections and quiet watch streams hold almost nothing. Neither frees a buffer
  // that still holds bytes. Loop thread.
  void ReleaseIdleBuffers() {
    if ((!ssl_ && !records_) || buffers_released_ || writing_ || phase_ == Phase::kHandshake) return;
    if (io_sweep_ + 1 >= worker_->sweep) return;
    buffers_released_ = records_ ? records_->ReleaseIdleMemory() : SSL_free_buffers(ssl_.get()) == 1;
    if (buffers_released_) worker_->buffer_releases.fetch_add(1, std::memory_order_relaxed);
  }

 private:
  const ServerOptions& options() const { return shared_->options; }

  static void RunUserCallback(const char* what, const std::function<void()>& callback) {
    try {
      callback();
    } catch (const std::exception& e) {
      LogHandlerException(what, e.what());
    }
  }

  void ReportHandshakeFailure(HandshakeFailure failure) { shared_->Report(std::move(failure)); }

  // ---- TLS ports: the first byte, the handshake ----

  // A ClientHello starts with a handshake record (0x16). Anything else is answered or dropped the way
  // Go does, without involving OpenSSL.
  void OnFirstByte(beast::error_code ec) {
    if (phase_ != Phase::kHandshake) return;
    unsigned char first = 0;
    size_t n = ec ? 0 : socket_.receive(asio::buffer(&first, 1), tcp::socket::message_peek, ec);
    if (ec == asio::error::would_block) {
      socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code wec) {
        self->OnFirstByte(wec);
      });
      return;
    }
    if (ec || n == 0) {
      ReportHandshakeFailure({info_.remote_address, "other", "EOF: the peer closed before sending a ClientHello"});
      CloseNow(false);
      return;
    }
    if (first != 0x16) {
      asio::async_read(socket_, asio::buffer(probe_), [self = shared_from_this()](beast::error_code, size_t got) {
        self->OnNotTls(got);
      });
      return;
    }
    ssl_.reset(SSL_new(tls_->ctx.get()));
    if (!ssl_ || SSL_set_fd(ssl_.get(), socket_.native_handle()) != 1) {
      ReportHandshakeFailure({info_.remote_address, "other", "could not set up TLS: " + OpenSslErrorText(ERR_get_error())});
      CloseNow(false);
      return;
    }
    // Partial and moved writes: a record that would block is retried from a copy of the unsent bytes.
    // OpenSSL's 17 KB record buffers are kept while the connection is busy (SSL_MODE_RELEASE_BUFFERS
    // would free and allocate both on every request, ~10% of the CPU) and freed by ReleaseIdleBuffers.
    SSL_set_mode(ssl_.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (options().own_tls13_record_layer) {
      // Reads records exactly during the handshake, so that a TLS 1.3 connection can leave OpenSSL after it.
      tap_ = std::make_unique<Tls13HandshakeTap>();
      tap_->Attach(ssl_.get());
    } else {
      // Read whole socket buffers, not a 5-byte record header and then the record: half the syscalls.
      SSL_set_read_ahead(ssl_.get(), 1);
    }
    SSL_set_accept_state(ssl_.get());
    ContinueHandshake();
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
    ArmDeadline(options().read_timeout);
    QueueLiteral(internal::kPlainHttpOnTlsPortAnswer);
    close_after_flush_ = true;
    Flush();
  }

  void ContinueHandshake() {
    if (phase_ != Phase::kHandshake) return;
    ERR_clear_error();
    int result = SSL_do_handshake(ssl_.get());
    if (result == 1) {
      std::string version = internal::NegotiatedTlsVersion(ssl_.get());
      std::optional<PeerCertificate> client_certificate = internal::PeerCertificateOf(ssl_.get());
      if (tap_) {
        records_ = tap_->TakeOver(ssl_.get());
        tap_.reset();
        if (records_) {
          ssl_.reset();  // the SSL object, session and client certificate: ~19 KB
          worker_->record_layer_takeovers.fetch_add(1, std::memory_order_relaxed);
        }
      }
      BeginRequests(std::move(version), std::move(client_certificate));
      return;
    }
    int error = SSL_get_error(ssl_.get(), result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      WaitThen(error == SSL_ERROR_WANT_READ ? tcp::socket::wait_read : tcp::socket::wait_write,
               [](Connection& c) { c.ContinueHandshake(); });
      return;
    }
    int saved_errno = errno;
    unsigned long openssl_error = ERR_peek_last_error();
    std::string text;
    if (openssl_error != 0) {
      text = OpenSslErrorText(openssl_error);
    } else if (error == SSL_ERROR_SYSCALL && saved_errno != 0) {
      text = std::strerror(saved_errno);
    } else {
      text = "EOF: the peer closed during the handshake";
    }
    ReportHandshakeFailure(
        internal::ClassifyHandshakeFailure(ssl_.get(), openssl_error, info_.remote_address, std::move(text)));
    // OpenSSL has sent its alert; a FIN after it (not an RST for the client's unread flight) lets the
    // client read the alert, as it does from Go, which has read the whole flight by then.
    GracefulClose();
  }

  // Waits until the socket is ready, then runs `next` unless the connection closed meanwhile.
  template <class Next>
  void WaitThen(tcp::socket::wait_type what, Next next) {
    socket_.async_wait(what, [self = shared_from_this(), next](beast::error_code ec) {
      if (self->phase_ == Phase::kClosed || ec == asio::error::operation_aborted) return;
      next(*self);
    });
  }

  // ---- non-blocking I/O on the socket (TLS or plain) ----

  IoResult ReceiveSome(char* data, size_t size) {
    if (records_) return records_->Receive(socket_.native_handle(), data, size);
    if (ssl_) {
      ERR_clear_error();
      size_t got = 0;
      int result = SSL_read_ex(ssl_.get(), data, size, &got);
      return result == 1 ? IoResult{Io::kProgress, got} : OpenSslOutcome(result, /*reading=*/true);
    }
    for (;;) {
      ssize_t got = ::recv(socket_.native_handle(), data, size, 0);
      if (got > 0) return {Io::kProgress, static_cast<size_t>(got)};
      if (got == 0) return {Io::kEof};
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {Io::kWantRead};
      return {Io::kError, 0, std::strerror(errno)};
    }
  }

  IoResult SendSome(const char* data, size_t size) {
    if (records_) return records_->Send(socket_.native_handle(), data, size);
    if (ssl_) {
      ERR_clear_error();
      size_t written = 0;
      int result = SSL_write_ex(ssl_.get(), data, size, &written);
      return result == 1 ? IoResult{Io::kProgress, written} : OpenSslOutcome(result, /*reading=*/false);
    }
    for (;;) {
      ssize_t sent = ::send(socket_.native_handle(), data, size, MSG_NOSIGNAL);
      if (sent >= 0) return {Io::kProgress, static_cast<size_t>(sent)};
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {Io::kWantWrite};
      return {Io::kError, 0, std::strerror(errno)};
    }
  }

  // What an SSL_read_ex or SSL_write_ex that returned `result` came to. A read that meets the end of the
  // stream is a peer that left; a write that does is an error. After a fatal error OpenSSL has sent its
  // alert (or the socket is gone), and no close_notify may follow.
  IoResult OpenSslOutcome(int result, bool reading) {
    int saved_errno = errno;
    switch (SSL_get_error(ssl_.get(), result)) {
      case SSL_ERROR_WANT_READ:
        return {Io::kWantRead};
      case SSL_ERROR_WANT_WRITE:
        return {Io::kWantWrite};
      case SSL_ERROR_ZERO_RETURN:
        return {Io::kEof};  // close_notify
      case SSL_ERROR_SYSCALL:
        close_notify_done_ = true;
        if (saved_errno != 0) return {Io::kError, 0, std::strerror(saved_errno)};
        return reading ? IoResult{Io::kEof} : IoResult{Io::kError, 0, "connection closed"};
      default: {
        close_notify_done_ = true;
        unsigned long error = ERR_peek_last_error();
        // OpenSSL 3 reports a TCP FIN without close_notify this way (Asio: stream_truncated).
        if (reading && ERR_GET_REASON(error) == SSL_R_UNEXPECTED_EOF_WHILE_READING) return {Io::kEof};
        return {Io::kError, 0, OpenSslErrorText(error)};
      }
    }
  }

  // close_notify, once and best effort: Go's tls.Conn.Close sends it on every close after a handshake.
  void SendCloseNotify() {
    if (close_notify_done_) return;
    if (records_) {
      close_notify_done_ = true;
      records_->SendCloseNotify(socket_.native_handle());
    } else if (ssl_ && SSL_is_init_finished(ssl_.get())) {
      close_notify_done_ = true;
      ERR_clear_error();
      SSL_shutdown(ssl_.get());
    }
  }

  // Reads what the socket (and OpenSSL's buffer) holds into input_, up to `limit` buffered bytes.
  // Returns kWantRead/kWantWrite when it stopped because nothing more is there, kProgress when it
  // stopped at the limit, kEof or kError when the peer is gone.
  IoResult FillInput(size_t limit) {
    std::array<char, kReadScratchBytes>& scratch = worker_->read_scratch;
    input_drained_ = false;
    while (input_.size() - input_offset_ < limit) {
      IoResult result = ReceiveSome(scratch.data(), scratch.size());
      if (result.io != Io::kProgress) {
        input_drained_ = true;
        return result;
      }
      io_sweep_ = worker_->sweep;
      buffers_released_ = false;
      if (input_offset_ == input_.size()) {
        input_.clear();
        input_offset_ = 0;
      }
      input_.append(scratch.data(), result.bytes);
    }
    return {Io::kProgress};
  }

  size_t Buffered() const { return input_.size() - input_offset_; }

  void ConsumeInput(size_t bytes) {
    input_offset_ += bytes;
    if (input_offset_ == input_.size()) {
      input_offset_ = 0;
      if (input_.capacity() > kKeptInputCapacity) {
        std::string().swap(input_);
      } else {
        input_.clear();
      }
    }
  }

  // Waits until there is input to read (OnInputReady). A fill that stopped at its limit may have left
  // whole records in OpenSSL's buffer, which no socket readiness would announce: then it runs at once.
  void AwaitInput(Io want) {
    if (read_wait_pending_) return;
    read_wait_pending_ = true;
    if ((ssl_ || records_) && !input_drained_) {
      asio::post(worker_->io, [self = shared_from_this()] { self->OnInputReady({}); });
      return;
    }
    socket_.async_wait(want == Io::kWantWrite ? tcp::socket::wait_write : tcp::socket::wait_read,
                       [self = shared_from_this()](beast::error_code ec) { self->OnInputReady(ec); });
  }

  // ---- requests ----

  // After the handshake (or at once for plain HTTP): the connection is ready for requests.
  void BeginRequests(std::string tls_version, std::optional<PeerCertificate> client_certificate) {
    info_.tls_version = std::move(tls_version);
    info_.client_certificate = std::move(client_certificate);
    shared_info_ = std::make_shared<const ConnectionInfo>(std::move(info_));
    ArmDeadline(options().read_timeout);
    StartRequest();
  }

  void StartRequest() {
    phase_ = Phase::kReading;
    parser_.emplace();
    parser_->eager(true);
    parser_->header_limit(static_cast<std::uint32_t>(options().max_header_bytes));
    parser_->body_limit(options().max_body_bytes);
    header_checked_ = false;
    ReadMore();
  }

  // Reading a request: parse what is buffered, read what is there, parse again, else wait for more.
  void ReadMore() {
    if (Buffered() != 0) {
      ParseInput();
      if (phase_ != Phase::kReading) return;
    }
    size_t before = Buffered();
    // The parser stops at its own header and body limits long before this one.
    IoResult result = FillInput(options().max_header_bytes + options().max_body_bytes + kReadAheadBytes);
    if (Buffered() != before) {
      ParseInput();
      if (phase_ != Phase::kReading) return;
    }
    if (result.io == Io::kEof || result.io == Io::kError) {
      CloseNow(false);  // the peer left or reset mid-request (or before one): no answer, as from Go
      return;
    }
    AwaitInput(result.io == Io::kWantWrite ? Io::kWantWrite : Io::kWantRead);
  }

  // Feeds buffered bytes to the parser until it completes the request, fails, or needs more bytes.
  void ParseInput() {
    for (;;) {
      beast::error_code ec;
      size_t used = parser_->put(asio::buffer(input_.data() + input_offset_, Buffered()), ec);
      ConsumeInput(used);
      if (ec && ec != http::error::need_more) {
        OnParseError(ec);
        return;
      }
      if (!CheckHeader()) return;
      if (parser_->is_done()) {
        DispatchRequest();
        return;
      }
      if (ec == http::error::need_more || used == 0 || Buffered() == 0) return;
    }
  }

  // Once per request, as soon as the header is complete: the Host rule, and 100-continue.
  // Returns false when the connection is answering an error instead.
  bool CheckHeader() {
    if (header_checked_ || !parser_->is_header_done()) return true;
    header_checked_ = true;
    auto& message = parser_->get();
    if (message.version() == 11 && message.find(http::field::host) == message.end()) {
      ReplyErrorAndClose(internal::GoRequestErrorAnswer("400 Bad Request: missing required Host header"));
      return false;
    }
    if (parser_->is_done()) return true;
    auto expect = message.find(http::field::expect);
    if (message.version() == 11 && expect != message.end() && beast::iequals(expect->value(), "100-continue")) {
      // curl waits up to 1 s for this before sending a body > 1 KiB.
      QueueLiteral("HTTP/1.1 100 Continue\r\n\r\n");
      Flush();
    }
    return true;
  }

  // The Content-Length the client declared, for the 413 text. Beast reports body_limit while it is still
  // reading that header, before is_header_done(), and then the value is not available: the text names only
  // the limit.
  std::optional<size_t> DeclaredContentLength() const {
    if (!parser_->is_header_done()) return std::nullopt;
    if (auto length = parser_->content_length()) return static_cast<size_t>(*length);
    return std::nullopt;
  }

  void OnParseError(const beast::error_code& ec) {
    if (ec == http::error::header_limit) {
      ReplyErrorAndClose(internal::GoRequestErrorAnswer("431 Request Header Fields Too Large"));
    } else if (ec == http::error::body_limit) {
      std::optional<size_t> declared = DeclaredContentLength();
      ReplyErrorAndClose(internal::BodyTooLargeAnswer(declared, options().max_body_bytes,
                                                       parser_->get().version() == 10 ? 0 : 1));
    } else if (IsHttpSyntaxError(ec)) {
      ReplyErrorAndClose(internal::GoRequestErrorAnswer("400 Bad Request"));
    } else {
      CloseNow(false);
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

  // While a request is handled (or between requests): watch for the peer leaving, keep pipelined bytes.
  void StartReadAhead() {
    // A peer that floods pipelined bytes while its request is handled is simply not read further.
    if (Buffered() > options().max_header_bytes + kReadAheadBytes) return;
    AwaitInput(Io::kWantRead);
  }

  void OnInputReady(const beast::error_code& ec) {
    read_wait_pending_ = false;
    if (phase_ == Phase::kClosed) return;
    if (phase_ == Phase::kClosing) {
      StartShutdown();
      return;
    }
    if (ec) {
      CloseNow(false);
      return;
    }
    if (phase_ == Phase::kReading) {
      ReadMore();
      return;
    }
    if (phase_ == Phase::kFinalReply) return;  // the answer is going out; the linger ends it
    IoResult result = FillInput(options().max_header_bytes + kReadAheadBytes);
    if (result.io == Io::kEof || result.io == Io::kError) {
      if (result.io == Io::kEof && (phase_ == Phase::kHandling || phase_ == Phase::kResponding)) {
        close_after_response_ = true;  // a half-closed peer still gets its answer (Go writes it too)
        return;
      }
      if (phase_ == Phase::kBetween && Buffered() != 0) {
        close_after_response_ = true;
        ArmDeadline(options().read_timeout);
        StartRequest();  // pipelined bytes then EOF: answer what arrived
        return;
      }
      CloseNow(false);
      return;
    }
    if (phase_ == Phase::kBetween) {
      if (Buffered() != 0) {
        ArmDeadline(options().read_timeout);
        StartRequest();
      } else {
        AwaitInput(result.io);
      }
      return;
    }
    // At the limit, reading stops until the next request begins.
    if (result.io != Io::kProgress) AwaitInput(result.io);
  }

  void FinishResponse() {
    if (close_after_response_) {
      GracefulClose();
      return;
    }
    on_close_.clear();  // the response completed on a kept-alive connection
    if (Buffered() != 0) {
      ArmDeadline(options().read_timeout);
      StartRequest();
      return;
    }
    // Go: the idle timeout covers the wait for the next request's first byte.
    phase_ = Phase::kBetween;
    ArmDeadline(options().idle_timeout);
    AwaitInput(Io::kWantRead);
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
    if (read_wait_pending_) {
      beast::error_code ignored;
      socket_.cancel(ignored);  // OnInputReady then starts the shutdown
      return;
    }
    StartShutdown();
  }

  void StartShutdown() {
    SendCloseNotify();  // first, as Go's tls.Conn does; a peer too slow to take it just gets the FIN
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    DrainUntilPeerCloses();
  }

  // After our FIN: discard what the peer still sends until it closes or the linger deadline passes.
  void DrainUntilPeerCloses() {
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
      if (self->phase_ == Phase::kClosed) return;
      if (ec) {
        self->CloseNow(false);
        return;
      }
      std::array<char, kReadScratchBytes>& scratch = self->worker_->read_scratch;
      for (;;) {
        size_t n = self->socket_.receive(asio::buffer(scratch), 0, ec);
        if (ec == asio::error::would_block) break;
        if (ec || n == 0) {
          self->CloseNow(false);
          return;
        }
      }
      self->DrainUntilPeerCloses();
    });
  }

  // ---- output ----

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

  // Writes everything queued as one TLS record stream (head and body in one record, one send). What the
  // socket does not take at once is kept in unsent_ and finished when it is writable. The completion is
  // always posted, never run inside the call, so a handler answering inline does not recurse.
  void Flush() {
    if (writing_ || out_.empty() || phase_ == Phase::kClosed) return;
    writing_ = true;
    std::string& batch = worker_->write_scratch;
    batch.clear();
    for (const OutPiece& piece : out_) batch.append(piece.bytes());
    out_.clear();
    in_flight_bytes_ = batch.size();
    io_sweep_ = worker_->sweep;
    buffers_released_ = false;
    IoResult result = WriteFrom(batch.data(), batch.size());
    if (result.io == Io::kProgress) {
      CompleteWriteLater(true);
      return;
    }
    unsent_.assign(batch, result.bytes);
    AwaitWritable(result.io);
  }

  // Writes as much as the socket takes. kProgress: all of it; kWantRead/kWantWrite: `bytes` of it.
  IoResult WriteFrom(const char* data, size_t size) {
    size_t done = 0;
    while (done < size) {
      IoResult result = SendSome(data + done, size - done);
      if (result.io != Io::kProgress) {
        result.bytes = done;
        return result;
      }
      done += result.bytes;
    }
    return {Io::kProgress, done};
  }

  void AwaitWritable(Io want) {
    if (want == Io::kError || want == Io::kEof) {
      CompleteWriteLater(false);
      return;
    }
    WaitThen(want == Io::kWantRead ? tcp::socket::wait_read : tcp::socket::wait_write,
             [](Connection& c) { c.ContinueWrite(); });
  }

  void ContinueWrite() {
    IoResult result = WriteFrom(unsent_.data(), unsent_.size());
    if (result.io == Io::kProgress) {
      unsent_.clear();
      OnWritten(true);
      return;
    }
    unsent_.erase(0, result.bytes);
    AwaitWritable(result.io);
  }

  void CompleteWriteLater(bool ok) {
    asio::post(worker_->io, [self = shared_from_this(), ok] { self->OnWritten(ok); });
  }

  void OnWritten(bool ok) {
    writing_ = false;
    queued_bytes_ -= in_flight_bytes_;
    in_flight_bytes_ = 0;
    if (unsent_.capacity() > kKeptInputCapacity) std::string().swap(unsent_);
    if (phase_ == Phase::kClosed) return;
    if (!ok) {
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

  // ---- deadlines ----

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
  tcp::socket socket_;
  std::unique_ptr<Tls13HandshakeTap> tap_;  // during a handshake that may hand over to records_
  SslPtr ssl_;  // null for plain HTTP, before the ClientHello, and once records_ took over
  std::unique_ptr<Tls13RecordLayer> records_;  // a TLS 1.3 connection after its handshake (see tls13_records.h)
  Phase phase_ = Phase::kHandshake;
  std::atomic<bool> closed_{false};
  ConnectionInfo info_;  // filled until the handshake ends, then moved into shared_info_
  std::shared_ptr<const ConnectionInfo> shared_info_;
  std::array<char, 5> probe_{};
  bool close_notify_done_ = false;  // sent, or not to be sent (after a fatal TLS error)
  uint64_t io_sweep_ = 0;  // the worker's sweep count at this connection's latest read or write
  bool buffers_released_ = false;

  std::string input_;  // received, not yet parsed: input_[input_offset_, size)
  size_t input_offset_ = 0;
  bool read_wait_pending_ = false;
  bool input_drained_ = true;  // the last fill read until the socket and OpenSSL had nothing more
  std::optional<http::request_parser<http::string_body>> parser_;
  bool header_checked_ = false;

  uint64_t seq_ = 0;  // the current request
  int http_minor_ = 1;
  bool keep_alive_ = true;
  bool close_after_response_ = false;
  bool head_request_ = false;
  bool chunked_stream_ = false;
  std::vector<std::function<void()>> on_close_;

  std::vector<OutPiece> out_;
  std::string unsent_;  // the part of the batch in flight the socket has not taken yet
  size_t queued_bytes_ = 0;
  size_t in_flight_bytes_ = 0;
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

inline void Connection::DoSend(uint64_t seq, HttpResponse response) {
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

inline void Connection::DoStartStream(uint64_t seq, int status, internal::HeaderList headers) {
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

inline void Connection::DoWriteChunk(uint64_t seq, std::string data) {
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

inline void Connection::DoEndStream(uint64_t seq) {
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

inline void Connection::DoWriteRaw(uint64_t seq, std::string bytes) {
  if (seq != seq_ || bytes.empty()) return;
  if (phase_ != Phase::kHandling && phase_ != Phase::kStreaming && phase_ != Phase::kResponding) return;
  Queue(std::move(bytes));
  Flush();
}

inline void Connection::DoRunAfter(std::chrono::milliseconds delay, std::function<void()> callback) {
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
  Writer(std::shared_ptr<Connection> connection, uint64_t seq)
      : connection_(std::move(connection)), seq_(seq) {}

  void Send(HttpResponse response) override {
    if (started_.exchange(true)) return;
    done_ = true;
    Run([seq = seq_, response = std::move(response)](Connection& c) mutable { c.DoSend(seq, std::move(response)); });
  }
  void StartStream(int status, std::vector<std::pair<std::string, std::string>> headers) override {
    if (started_.exchange(true)) return;
    Run([seq = seq_, status, headers = std::move(headers)](Connection& c) mutable {
      c.DoStartStream(seq, status, std::move(headers));
    });
  }
  void WriteChunk(std::string data) override {
    if (done_) return;
    Run([seq = seq_, data = std::move(data)](Connection& c) mutable { c.DoWriteChunk(seq, std::move(data)); });
  }
  void EndStream() override {
    if (done_.exchange(true)) return;
    Run([seq = seq_](Connection& c) { c.DoEndStream(seq); });
  }
  void Abort(bool reset) override {
    done_ = true;
    Run([seq = seq_, reset](Connection& c) { c.DoAbort(seq, reset); });
  }
  bool IsClosed() const override { return done_ || connection_->closed(); }
  void OnClose(std::function<void()> callback) override {
    Run([seq = seq_, callback = std::move(callback)](Connection& c) mutable { c.DoOnClose(seq, std::move(callback)); });
  }
  void RunAfter(std::chrono::milliseconds delay, std::function<void()> callback) override {
    Run([delay, callback = std::move(callback)](Connection& c) mutable { c.DoRunAfter(delay, std::move(callback)); });
  }
  void WriteRaw(std::string bytes) override {
    Run([seq = seq_, bytes = std::move(bytes)](Connection& c) mutable { c.DoWriteRaw(seq, std::move(bytes)); });
  }

 private:
  // Posted work holds the connection weakly: the writer keeps it alive, and a strong reference inside
  // the io_context queue could form a cycle (queue -> connection -> worker -> queue) after Stop().
  template <class Fn>
  void Run(Fn&& fn) {
    connection_->worker().Run([weak = std::weak_ptr<Connection>(connection_), fn = std::forward<Fn>(fn)]() mutable {
      if (auto connection = weak.lock()) fn(*connection);
    });
  }

  std::shared_ptr<Connection> connection_;
  uint64_t seq_;
  std::atomic<bool> started_{false};
  std::atomic<bool> done_{false};
};

inline std::shared_ptr<ResponseWriter> Connection::MakeWriter() {
  return std::make_shared<Writer>(shared_from_this(), seq_);
}

}  // namespace kuscia::mock::transport::internal
