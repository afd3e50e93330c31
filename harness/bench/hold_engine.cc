// The hold modes' engine (hold_plan.h). Thousands of mostly silent connections must not cost thousands
// of threads or megabytes each, so:
//  - one Asio io_context per thread (--threads, default 1), every connection on exactly one of them;
//  - Asio is used only as the reactor (async_connect, async_wait for readability/writability) and OpenSSL
//    works directly on the non-blocking socket (SSL_set_fd, SSL_MODE_RELEASE_BUFFERS): no asio::ssl::stream,
//    whose per-connection record buffers and BIO pair would cost the client ~70 KB per idle connection;
//  - one read buffer per thread, the response parser only while a request is in flight.
// Connections are opened `ramp` at a time; the hold starts when all are open (or failed); at its end each
// loop checks (idle) or closes (watch) its own connections and the last one to finish ends the run.
// Always bounded: every connection has its own deadline (--timeout) while opening and checking, and the
// opening and check phases as a whole have bounds too (OpenPhaseBound, CheckPhaseBound: a backstop that
// counts whatever is left as failed and moves on); the end stops every loop, whatever is still pending.
// Boost 1.74's asio headers use std::exchange without including <utility>.
#include <utility>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "harness/bench/client_io.h"
#include "harness/bench/hold_plan.h"
#include "harness/bench/response_parser.h"

namespace kuscia::bench {

std::string_view HoldModeName(HoldMode mode) { return mode == HoldMode::kIdle ? "idle" : "watch"; }

std::chrono::nanoseconds EffectiveHeartbeatTolerance(const HoldPlan& plan) {
  return plan.heartbeat_tolerance.count() > 0 ? plan.heartbeat_tolerance : plan.heartbeat / 5;
}

std::chrono::nanoseconds OpenPhaseBound(const HoldPlan& plan) {
  if (plan.open_phase_bound.count() > 0) return plan.open_phase_bound;
  int64_t threads = std::max(1, plan.target.threads);
  int64_t per_loop = (std::max(1, plan.target.connections) + threads - 1) / threads;
  int64_t ramp = std::max<int64_t>(1, plan.ramp / threads);  // as Run::Execute gives each loop
  int64_t waves = (per_loop + ramp - 1) / ramp;
  return (waves + 1) * std::chrono::nanoseconds(plan.target.timeout);
}

std::chrono::nanoseconds CheckPhaseBound(const HoldPlan& plan) {
  if (plan.check_phase_bound.count() > 0) return plan.check_phase_bound;
  return 2 * std::chrono::nanoseconds(plan.target.timeout);
}

bool HoldResult::Failed(const HoldPlan& plan) const {
  if (failed > 0 || closed_during_hold > 0) return true;
  if (mode == HoldMode::kIdle) return check_failed > 0;
  if (heartbeats.missing > 0) return true;
  return !plan.expected_job.empty() && streams_with_expected_job < established;
}

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;

// Descriptors beyond the connections: stdio, a listener or two, /proc reads, the resolver, eventfds.
constexpr uint64_t kReservedOpenFiles = 64;

Status ValidateHoldPlan(const HoldPlan& plan) {
  const LoadPlan& target = plan.target;
  if (target.port == 0) return InvalidArgument("the target port is 0: give a URL with a port, e.g. https://127.0.0.1:8082");
  if (target.connections < 1) return InvalidArgument("--connections must be at least 1");
  if (target.threads < 1 || target.threads > target.connections) {
    return InvalidArgument("--threads must be between 1 and --connections");
  }
  if (target.duration.count() <= 0) return InvalidArgument("--mode idle/watch holds the connections for --duration: give one");
  if (target.count != 0) return InvalidArgument("--count does not apply to --mode idle/watch (they hold connections for --duration)");
  if (target.rate != 0) return InvalidArgument("--rate does not apply to --mode idle/watch");
  if (!target.keep_alive) return InvalidArgument("--no-keep-alive contradicts --mode idle/watch, which hold connections open");
  if (target.timeout.count() <= 0) return InvalidArgument("--timeout must be positive");
  if (target.route.empty() || target.route.front() != '/') return InvalidArgument("--route must start with '/'");
  if (plan.ramp < 1) return InvalidArgument("--ramp must be at least 1");
  if (plan.check_sample < 0) return InvalidArgument("--check-sample must be >= 0 (0 = every connection)");
  if (plan.mode == HoldMode::kWatch && plan.heartbeat.count() <= 0) return InvalidArgument("--heartbeat must be positive");
  if (plan.heartbeat_tolerance.count() < 0) return InvalidArgument("--heartbeat-tolerance must be >= 0");
  if (plan.sample_server_memory && plan.memory_sample_interval.count() <= 0) {
    return InvalidArgument("the memory sample interval must be positive");
  }
  if (plan.open_phase_bound.count() < 0 || plan.check_phase_bound.count() < 0) {
    return InvalidArgument("the opening and check phase bounds must be >= 0 (0 = derived from --timeout)");
  }
  return OkStatus();
}

// "0.3 s", "170 s": for messages.
std::string SecondsText(std::chrono::nanoseconds span) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", std::chrono::duration<double>(span).count());
  std::string seconds(text);
  while (seconds.back() == '0') seconds.pop_back();
  if (seconds.back() == '.') seconds.pop_back();
  return seconds + " s";
}

// Drains this thread's OpenSSL error queue into one line.
std::string OpenSslErrors() {
  std::string text;
  while (unsigned long error = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(error, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "TLS error without detail" : text;
}

struct SslDeleter {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

class HeldConnection;
class Run;

// One event-loop thread and the connections it drives.
struct Loop {
  asio::io_context io{1};
  std::vector<std::unique_ptr<HeldConnection>> connections;  // destroyed before `io` (declared after it)
  size_t next_to_open = 0;
  int opening = 0;
  int ramp = 1;
  HoldResult part;
  std::vector<char> read_buffer = std::vector<char>(16 * 1024);

  void OpenMore();
  // The opening phase's bound passed: nothing more is opened, every connection not yet open fails.
  void AbandonOpening(const std::string& message);
  // The check phase's bound passed: every connection not yet finished ends now.
  void ForceEnd(const std::string& message);
  ~Loop();
};

// State shared by the loops. The atomics are touched from any loop; the rest from loop 0 only, except
// the fields set before the loops start. The run goes through its phases on loop 0, each step at most
// once: opening -> AllOpen -> holding -> EndHold -> ending -> Finish -> finished. A timer whose completion
// was already queued when it was cancelled still runs its handler (without an error): every timer handler
// checks the phase, or a memory sample due while the run finished would re-arm itself forever.
class Run {
 public:
  Run(const HoldPlan& plan, tcp::endpoint endpoint, SSL_CTX* tls)
      : plan_(plan), endpoint_(endpoint), tls_(tls) {}

  const HoldPlan& plan() const { return plan_; }
  const tcp::endpoint& endpoint() const { return endpoint_; }
  SSL_CTX* tls() const { return tls_; }
  const std::string& request() const { return request_; }
  int total() const { return plan_.target.connections; }

  Result<HoldResult> Execute();

  // When every connection was open (or had failed): heartbeat gaps are judged from then on. Until then,
  // time_point::max(): nothing is judged while the client is busy opening connections.
  Clock::time_point judging_since() const {
    return Clock::time_point(Clock::duration(judging_since_.load(std::memory_order_acquire)));
  }

  // Called by connections, on their loop.
  void OnSettled(bool established);
  void OnFinished();
  bool SelectedForCheck(int index) const;

 private:
  Loop& first() { return *loops_.front(); }
  void SampleMemory(uint64_t* into);
  void ScheduleSample();
  void AllOpen();
  void ForceOpen();
  void EndHold();
  void ForceEnd();
  void Finish();
  // Runs `work` on every loop, then `then` on loop 0 once all of them have.
  void OnEveryLoop(std::function<void(Loop&)> work, std::function<void()> then);

  enum class Phase { kOpening, kHolding, kEnding, kFinished };

  const HoldPlan& plan_;
  tcp::endpoint endpoint_;
  SSL_CTX* tls_;
  std::string request_;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::vector<WorkGuard> guards_;
  Phase phase_ = Phase::kOpening;  // loop 0 only
  std::optional<asio::steady_timer> open_timer_;   // the opening phase's bound
  std::optional<asio::steady_timer> hold_timer_;
  std::optional<asio::steady_timer> end_timer_;    // the check phase's bound
  std::optional<asio::steady_timer> sample_timer_;
  std::atomic<int> settled_{0};
  std::atomic<int> established_{0};
  std::atomic<int> finished_{0};
  std::atomic<Clock::rep> judging_since_{Clock::time_point::max().time_since_epoch().count()};
  Clock::time_point start_{}, all_open_{}, hold_end_{};
  ServerMemory memory_;
};

class HeldConnection {
 public:
  HeldConnection(Run& run, Loop& loop, int index)
      : run_(run), loop_(loop), index_(index), socket_(loop.io), deadline_(loop.io) {}

  void Open();
  // The opening phase's bound passed: fail (timeout, `message`) unless open; one never started is counted
  // without a connect.
  void AbandonOpening(const std::string& message);
  // The hold is over: check (idle) or close (watch) the connection, then report it finished.
  void EndHold();
  // The check phase's bound passed: an unanswered check fails (timeout, `message`); the connection is
  // closed and reported finished.
  void ForceEnd(const std::string& message);

 private:
  enum class Stage {
    kOpening,   // connect, handshake, the first request (idle) or the watch request, until settled
    kHolding,   // idle: waiting, reading only to notice a close; watch: reading events and heartbeats
    kChecking,  // idle: the request at the end
    kClosed,
  };
  enum class Io { kDone, kWantRead, kWantWrite, kClosed, kError };

  struct WatchState {
    WatchStreamDecoder decoder;
    HeartbeatTracker tracker;
    bool head_handled = false;
    bool heartbeat_seen = false;
    bool first_event_recorded = false;
    bool counted_initial = false;
    bool expected_job_seen = false;
  };

  const HoldPlan& plan() const { return run_.plan(); }
  bool idle() const { return plan().mode == HoldMode::kIdle; }

  // Non-blocking I/O on the socket, through OpenSSL under TLS; io_error_ holds the reason of kClosed/kError.
  Io SslOutcome(int result);
  Io TryHandshake();
  Io TryWrite();
  Io TryRead(size_t* size);
  void Await(Io want, void (HeldConnection::*then)());
  void ArmDeadline();
  void DisarmDeadline();

  void OnConnected(const boost::system::error_code& ec);
  void Handshake();
  void SendRequest();
  void Write();
  void Read();
  void OnBytes(const char* data, size_t size);
  void OnIdleAnswer();
  void HandleWatchHead(Clock::time_point now);
  void OnWatchObject(std::string_view object, Clock::time_point now);
  void OnPeerGone(Io how);
  void Settle(bool established);
  void CountOpenFailure(ErrorClass error, std::string message);
  void Fail(ErrorClass error, std::string message);
  void Drop(std::string reason);
  void Close(bool graceful);
  void Done();

  Run& run_;
  Loop& loop_;
  int index_;
  tcp::socket socket_;
  asio::steady_timer deadline_;
  std::unique_ptr<SSL, SslDeleter> ssl_;
  Stage stage_ = Stage::kOpening;
  bool opened_ = false;            // Open() was called
  bool tls_fresh_ = false;         // handshake done, no answer yet: a close now is a certificate rejection
  bool finished_ = false;
  uint64_t io_generation_ = 0;     // bumped to orphan a pending wait (stage change, timeout, close)
  uint64_t deadline_generation_ = 0;
  size_t write_offset_ = 0;
  std::string io_error_;
  std::unique_ptr<ResponseParser> parser_;  // idle, while a request is in flight
  std::unique_ptr<WatchState> watch_;
  Clock::time_point opened_at_{}, sent_at_{};
};

Loop::~Loop() = default;

void Loop::OpenMore() {
  while (opening < ramp && next_to_open < connections.size()) {
    ++opening;
    connections[next_to_open++]->Open();
  }
}

void Loop::AbandonOpening(const std::string& message) {
  next_to_open = connections.size();  // OpenMore (called as the opening ones settle) opens nothing more
  for (auto& connection : connections) connection->AbandonOpening(message);
}

void Loop::ForceEnd(const std::string& message) {
  for (auto& connection : connections) connection->ForceEnd(message);
}

// ---- HeldConnection: I/O primitives ----

HeldConnection::Io HeldConnection::SslOutcome(int result) {
  int saved_errno = errno;
  switch (SSL_get_error(ssl_.get(), result)) {
    case SSL_ERROR_WANT_READ:
      return Io::kWantRead;
    case SSL_ERROR_WANT_WRITE:
      return Io::kWantWrite;
    case SSL_ERROR_ZERO_RETURN:
      io_error_ = "the server closed the connection";
      return Io::kClosed;
    case SSL_ERROR_SYSCALL:
      if (saved_errno == 0) {
        io_error_ = "the server closed the connection";
        return Io::kClosed;
      }
      io_error_ = std::strerror(saved_errno);
      ERR_clear_error();
      return Io::kError;
    default:
      io_error_ = OpenSslErrors();
      return Io::kError;
  }
}

HeldConnection::Io HeldConnection::TryHandshake() {
  ERR_clear_error();
  errno = 0;
  int result = SSL_do_handshake(ssl_.get());
  return result == 1 ? Io::kDone : SslOutcome(result);
}

HeldConnection::Io HeldConnection::TryWrite() {
  const std::string& request = run_.request();
  while (write_offset_ < request.size()) {
    const char* data = request.data() + write_offset_;
    size_t left = request.size() - write_offset_;
    if (ssl_) {
      ERR_clear_error();
      errno = 0;
      size_t written = 0;
      int result = SSL_write_ex(ssl_.get(), data, left, &written);
      if (result != 1) return SslOutcome(result);
      write_offset_ += written;
      continue;
    }
    ssize_t written = ::send(socket_.native_handle(), data, left, MSG_NOSIGNAL);
    if (written < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::kWantWrite;
      io_error_ = std::strerror(errno);
      return Io::kError;
    }
    write_offset_ += static_cast<size_t>(written);
  }
  return Io::kDone;
}

HeldConnection::Io HeldConnection::TryRead(size_t* size) {
  std::vector<char>& buffer = loop_.read_buffer;
  if (ssl_) {
    ERR_clear_error();
    errno = 0;
    int result = SSL_read_ex(ssl_.get(), buffer.data(), buffer.size(), size);
    return result == 1 ? Io::kDone : SslOutcome(result);
  }
  while (true) {
    ssize_t got = ::recv(socket_.native_handle(), buffer.data(), buffer.size(), 0);
    if (got > 0) {
      *size = static_cast<size_t>(got);
      return Io::kDone;
    }
    if (got == 0) {
      io_error_ = "the server closed the connection";
      return Io::kClosed;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::kWantRead;
    io_error_ = std::strerror(errno);
    return Io::kError;
  }
}

void HeldConnection::Await(Io want, void (HeldConnection::*then)()) {
  uint64_t generation = io_generation_;
  auto wait = want == Io::kWantWrite ? tcp::socket::wait_write : tcp::socket::wait_read;
  socket_.async_wait(wait, [this, generation, then](const boost::system::error_code& ec) {
    if (generation != io_generation_ || stage_ == Stage::kClosed) return;
    if (ec) {
      io_error_ = "waiting on the socket: " + ec.message();
      return OnPeerGone(Io::kError);
    }
    (this->*then)();
  });
}

void HeldConnection::ArmDeadline() {
  uint64_t generation = ++deadline_generation_;
  deadline_.expires_after(plan().target.timeout);
  deadline_.async_wait([this, generation](const boost::system::error_code& ec) {
    if (ec || generation != deadline_generation_ || stage_ == Stage::kClosed) return;
    Fail(ErrorClass::kTimeout, stage_ == Stage::kChecking ? "no answer within the timeout"
                                                           : "not open within the timeout (connect, handshake, first answer)");
  });
}

void HeldConnection::DisarmDeadline() {
  ++deadline_generation_;
  deadline_.cancel();
}

// ---- HeldConnection: the stages ----

void HeldConnection::Open() {
  opened_ = true;
  opened_at_ = Clock::now();
  ArmDeadline();
  uint64_t generation = io_generation_;
  socket_.async_connect(run_.endpoint(), [this, generation](const boost::system::error_code& ec) {
    if (generation != io_generation_ || stage_ == Stage::kClosed) return;
    OnConnected(ec);
  });
}

void HeldConnection::OnConnected(const boost::system::error_code& ec) {
  if (ec) return Fail(ErrorClass::kConnect, ec.message());
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  socket_.non_blocking(true, ignored);
  if (run_.tls() == nullptr) return SendRequest();
  ssl_.reset(SSL_new(run_.tls()));
  if (!ssl_ || SSL_set_fd(ssl_.get(), socket_.native_handle()) != 1) {
    return Fail(ErrorClass::kTlsHandshake, "SSL_new/SSL_set_fd failed: " + OpenSslErrors());
  }
  // Idle connections give their record buffers back; writes may complete in pieces across waits; a closed
  // socket is an ordinary end of the stream here, not a truncation attack.
  SSL_set_mode(ssl_.get(), SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_set_options(ssl_.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  internal::ExpectPeerName(ssl_.get(), plan().target.host);
  SSL_set_connect_state(ssl_.get());
  Handshake();
}

void HeldConnection::Handshake() {
  switch (Io io = TryHandshake()) {
    case Io::kDone:
      tls_fresh_ = true;
      return SendRequest();
    case Io::kWantRead:
    case Io::kWantWrite:
      return Await(io, &HeldConnection::Handshake);
    case Io::kClosed:
    case Io::kError:
      return Fail(ErrorClass::kTlsHandshake, io_error_);
  }
}

void HeldConnection::SendRequest() {
  write_offset_ = 0;
  sent_at_ = Clock::now();
  if (idle()) {
    parser_ = std::make_unique<ResponseParser>();
    parser_->Reset();
  } else {
    watch_ = std::make_unique<WatchState>(WatchState{
        .decoder = {}, .tracker = HeartbeatTracker(plan().heartbeat, EffectiveHeartbeatTolerance(plan()))});
  }
  Write();
}

void HeldConnection::Write() {
  switch (Io io = TryWrite()) {
    case Io::kDone:
      return Read();
    case Io::kWantRead:
    case Io::kWantWrite:
      return Await(io, &HeldConnection::Write);
    case Io::kClosed:
    case Io::kError:
      if (tls_fresh_) {
        return Fail(ErrorClass::kTlsHandshake, "the server ended the connection right after the TLS handshake "
                                               "(did it reject the client certificate?): " + io_error_);
      }
      return Fail(ErrorClass::kClosed, "write failed: " + io_error_);
  }
}

// The one reading loop of every stage: reads until the socket would block, handing the bytes to the stage.
void HeldConnection::Read() {
  while (stage_ != Stage::kClosed) {
    size_t size = 0;
    uint64_t generation = io_generation_;
    switch (Io io = TryRead(&size)) {
      case Io::kDone:
        OnBytes(loop_.read_buffer.data(), size);
        // A stage change that started its own I/O (EndHold's check) owns the socket now.
        if (generation != io_generation_) return;
        continue;
      case Io::kWantRead:
      case Io::kWantWrite:  // TLS may need to write while reading (a key update)
        return Await(io, &HeldConnection::Read);
      case Io::kClosed:
      case Io::kError:
        return OnPeerGone(io);
    }
  }
}

void HeldConnection::OnBytes(const char* data, size_t size) {
  if (!idle()) {
    Clock::time_point now = Clock::now();
    DecodeStatus status = watch_->decoder.Feed(std::string_view(data, size), [this, now](std::string_view object) {
      OnWatchObject(object, now);
    });
    if (stage_ == Stage::kClosed) return;
    if (status == DecodeStatus::kMalformed) return Fail(ErrorClass::kBadResponse, "watch stream: " + watch_->decoder.error());
    if (watch_->decoder.head_complete() && !watch_->head_handled) HandleWatchHead(now);
    return;
  }
  if (stage_ == Stage::kHolding) return;  // bytes from a server we sent nothing: nothing to answer
  switch (parser_->Feed(data, size)) {
    case ParseState::kNeedMore:
      return;
    case ParseState::kMalformed:
      return Fail(ErrorClass::kBadResponse, parser_->error());
    case ParseState::kComplete:
      return OnIdleAnswer();
  }
}

void HeldConnection::OnIdleAnswer() {
  tls_fresh_ = false;
  int status = parser_->status();
  bool closing = parser_->close();
  parser_.reset();  // an idle connection keeps no parser buffers
  if (stage_ == Stage::kChecking) {
    ++loop_.part.alive;
    ++loop_.part.check_http_status[status];
    Close(true);
    return Done();
  }
  if (closing) return Fail(ErrorClass::kClosed, "the server answered the first request with Connection: close");
  Settle(true);
}

void HeldConnection::HandleWatchHead(Clock::time_point now) {
  watch_->head_handled = true;
  const WatchStreamDecoder& decoder = watch_->decoder;
  if (decoder.status() != 200 || !decoder.chunked()) {
    return Fail(ErrorClass::kBadResponse, "the watch answered HTTP " + std::to_string(decoder.status()) +
                                              (decoder.chunked() ? "" : " without a chunked stream"));
  }
  watch_->tracker.Start(now);
  Settle(true);
}

void HeldConnection::OnWatchObject(std::string_view object, Clock::time_point now) {
  if (stage_ == Stage::kClosed) return;
  if (!watch_->head_handled) {
    HandleWatchHead(now);
    if (stage_ == Stage::kClosed) return;
  }
  HoldResult& out = loop_.part;
  WatchObject parsed = ParseWatchObject(object);
  if (parsed.type == WatchEventType::kHeartbeat) {
    watch_->heartbeat_seen = true;
    watch_->tracker.OnHeartbeat(now, out.heartbeats, run_.judging_since());
    return;
  }
  watch_->tracker.OnEvent(now);
  switch (parsed.type) {
    case WatchEventType::kAdded: ++out.events_added; break;
    case WatchEventType::kModified: ++out.events_modified; break;
    case WatchEventType::kDeleted: ++out.events_deleted; break;
    default: ++out.events_other; break;
  }
  if (watch_->heartbeat_seen || parsed.type != WatchEventType::kAdded) return;
  // The initial burst: ADDED for every existing job before anything else (a Kubernetes watch's list).
  ++out.initial_events;
  if (!watch_->first_event_recorded) {
    watch_->first_event_recorded = true;
    out.first_event_latency.Record(static_cast<uint64_t>(std::chrono::nanoseconds(now - sent_at_).count()));
  }
  if (!watch_->counted_initial) {
    watch_->counted_initial = true;
    ++out.streams_with_initial_events;
  }
  if (!plan().expected_job.empty() && parsed.job_id == plan().expected_job && !watch_->expected_job_seen) {
    watch_->expected_job_seen = true;
    ++out.streams_with_expected_job;
  }
}

void HeldConnection::OnPeerGone(Io how) {
  std::string reason = io_error_;
  if (stage_ == Stage::kHolding) {
    if (!idle() && watch_->decoder.ended()) reason = "the server ended the stream (final chunk)";
    return Drop(reason);
  }
  if (!parser_ && !watch_) {
    // Still connecting or in the handshake: no request was sent yet.
    return Fail(ssl_ ? ErrorClass::kTlsHandshake : ErrorClass::kConnect, reason);
  }
  // Opening or checking: an answer that ends with the connection, a close, or a reset.
  bool started = false;
  if (idle()) {
    if (how == Io::kClosed && parser_->FeedEof() == ParseState::kComplete) return OnIdleAnswer();
    started = parser_->started();
  } else {
    started = watch_->decoder.head_complete();
  }
  if (!started && tls_fresh_) {
    // Under TLS 1.3 the server judges the client certificate after the client's handshake is done.
    return Fail(ErrorClass::kTlsHandshake, "the server ended the connection right after the TLS handshake "
                                           "(did it reject the client certificate?): " + reason);
  }
  Fail(started ? ErrorClass::kReset : ErrorClass::kClosed, reason);
}

void HeldConnection::Settle(bool established) {
  DisarmDeadline();
  if (established) {
    stage_ = Stage::kHolding;
    ++loop_.part.established;
    loop_.part.establish_latency.Record(static_cast<uint64_t>(std::chrono::nanoseconds(Clock::now() - opened_at_).count()));
  }
  --loop_.opening;
  loop_.OpenMore();
  run_.OnSettled(established);
}

void HeldConnection::CountOpenFailure(ErrorClass error, std::string message) {
  auto index = static_cast<size_t>(error);
  HoldResult& out = loop_.part;
  ++out.failed;
  ++out.error_counts[index];
  if (out.first_error[index].empty()) out.first_error[index] = std::move(message);
}

void HeldConnection::Fail(ErrorClass error, std::string message) {
  auto index = static_cast<size_t>(error);
  HoldResult& out = loop_.part;
  switch (stage_) {
    case Stage::kOpening:
      CountOpenFailure(error, std::move(message));
      Close(false);
      return Settle(false);
    case Stage::kChecking:
      ++out.check_failed;
      ++out.check_error_counts[index];
      if (out.first_check_error[index].empty()) out.first_check_error[index] = std::move(message);
      Close(false);
      return Done();
    case Stage::kHolding:
      return Drop(std::move(message));
    case Stage::kClosed:
      return;
  }
}

// An established connection is gone during the hold; it reports finished at the hold's end like the rest.
void HeldConnection::Drop(std::string reason) {
  ++loop_.part.closed_during_hold;
  if (loop_.part.first_close_reason.empty()) loop_.part.first_close_reason = std::move(reason);
  Close(false);
}

void HeldConnection::Close(bool graceful) {
  if (stage_ == Stage::kClosed) return;
  stage_ = Stage::kClosed;
  ++io_generation_;
  DisarmDeadline();
  if (ssl_ && graceful) {
    ERR_clear_error();
    SSL_shutdown(ssl_.get());  // one close_notify, best effort: the socket is non-blocking
    ERR_clear_error();
  }
  ssl_.reset();
  boost::system::error_code ignored;
  socket_.close(ignored);
  parser_.reset();
}

void HeldConnection::AbandonOpening(const std::string& message) {
  if (stage_ != Stage::kOpening) return;
  if (opened_) return Fail(ErrorClass::kTimeout, message);  // closes and settles it, as its own deadline would
  CountOpenFailure(ErrorClass::kTimeout, message);
  stage_ = Stage::kClosed;
  run_.OnSettled(false);
}

void HeldConnection::EndHold() {
  // Unreachable (the hold starts once every connection settled or was abandoned), but a connection still
  // opening must neither be left running nor go uncounted.
  if (stage_ == Stage::kOpening) AbandonOpening("still opening when the hold ended");
  if (stage_ != Stage::kHolding) return Done();
  if (!idle()) {
    watch_->tracker.Finish(Clock::now(), loop_.part.heartbeats, run_.judging_since());
    ++loop_.part.streams_open_at_end;
    Close(true);
    return Done();
  }
  if (!run_.SelectedForCheck(index_)) {
    Close(true);
    return Done();
  }
  ++loop_.part.checked;
  stage_ = Stage::kChecking;
  ++io_generation_;  // orphans the hold's pending readability wait
  boost::system::error_code ignored;
  socket_.cancel(ignored);
  ArmDeadline();
  SendRequest();
}

void HeldConnection::ForceEnd(const std::string& message) {
  if (finished_) return;
  if (stage_ == Stage::kChecking) return Fail(ErrorClass::kTimeout, message);  // counts it, closes, Done()
  if (stage_ == Stage::kOpening) AbandonOpening(message);
  Close(false);
  Done();
}

void HeldConnection::Done() {
  if (finished_) return;
  finished_ = true;
  run_.OnFinished();
}

// ---- Run ----

bool Run::SelectedForCheck(int index) const {
  int sample = plan_.check_sample;
  if (sample == 0 || sample >= total()) return true;
  int stride = total() / sample;
  return index % stride == 0 && index / stride < sample;
}

void Run::OnSettled(bool established) {
  if (established) established_.fetch_add(1, std::memory_order_relaxed);
  if (settled_.fetch_add(1, std::memory_order_acq_rel) + 1 == total()) {
    asio::post(first().io, [this] { AllOpen(); });
  }
}

void Run::OnFinished() {
  if (finished_.fetch_add(1, std::memory_order_acq_rel) + 1 == total()) {
    asio::post(first().io, [this] { Finish(); });
  }
}

void Run::SampleMemory(uint64_t* into) {
  if (!plan_.sample_server_memory) return;
  Result<ProcessMemory> sample = plan_.sample_server_memory();
  if (!sample.ok()) {
    if (memory_.error.empty()) memory_.error = sample.status().message();
    return;
  }
  memory_.measured = true;
  memory_.max_kb = std::max(memory_.max_kb, sample->rss_kb);
  memory_.hwm_kb = sample->hwm_kb;
  if (into != nullptr) *into = sample->rss_kb;
}

void Run::ScheduleSample() {
  sample_timer_->expires_after(plan_.memory_sample_interval);
  sample_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec || phase_ == Phase::kFinished) return;  // Finish's cancel() comes too late for a queued completion
    SampleMemory(nullptr);
    ScheduleSample();
  });
}

void Run::OnEveryLoop(std::function<void(Loop&)> work, std::function<void()> then) {
  auto left = std::make_shared<size_t>(loops_.size());  // counted down on loop 0 only
  for (auto& loop : loops_) {
    Loop* target = loop.get();
    asio::post(target->io, [this, target, work, then, left] {
      work(*target);
      asio::post(first().io, [then, left] {
        if (--*left == 0) then();
      });
    });
  }
}

// The opening phase's bound passed: whatever has not opened by now fails, and the hold starts.
void Run::ForceOpen() {
  std::string message = "not opened within " + SecondsText(OpenPhaseBound(plan_)) +
                        (plan_.open_phase_bound.count() > 0
                             ? " (the opening phase's bound)"
                             : " (the opening phase's bound: --timeout x (ceil(connections / ramp) + 1))");
  OnEveryLoop([message](Loop& loop) { loop.AbandonOpening(message); }, [this] { AllOpen(); });
}

void Run::AllOpen() {
  if (phase_ != Phase::kOpening) return;
  phase_ = Phase::kHolding;
  open_timer_->cancel();
  all_open_ = Clock::now();
  judging_since_.store(all_open_.time_since_epoch().count(), std::memory_order_release);
  SampleMemory(&memory_.open_kb);
  if (established_.load() == 0) return EndHold();  // nothing to hold
  hold_timer_->expires_after(plan_.target.duration);
  hold_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec && phase_ == Phase::kHolding) EndHold();
  });
}

void Run::EndHold() {
  if (phase_ != Phase::kHolding) return;
  phase_ = Phase::kEnding;
  hold_end_ = Clock::now();
  SampleMemory(&memory_.held_kb);
  end_timer_->expires_after(CheckPhaseBound(plan_));
  end_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec && phase_ == Phase::kEnding) ForceEnd();
  });
  for (auto& loop : loops_) {
    Loop* target = loop.get();
    asio::post(target->io, [target] {
      for (auto& connection : target->connections) connection->EndHold();
    });
  }
}

// The check phase's bound passed: unanswered checks fail, everything still open is closed, the run ends.
void Run::ForceEnd() {
  std::string message = "not answered within " + SecondsText(CheckPhaseBound(plan_)) +
                        (plan_.check_phase_bound.count() > 0 ? " of the hold's end (the check phase's bound)"
                                                             : " of the hold's end (the check phase's bound: 2 x --timeout)");
  OnEveryLoop([message](Loop& loop) { loop.ForceEnd(message); }, [this] { Finish(); });
}

// Every connection is finished (or was ended by ForceEnd). Stopping the loops, rather than waiting for them
// to run out of work, ends the run even if some handler is still pending (the timers' handlers check the
// phase as well); pending handlers are destroyed with the loops, unrun.
void Run::Finish() {
  if (phase_ == Phase::kFinished) return;
  phase_ = Phase::kFinished;
  for (auto* timer : {&open_timer_, &hold_timer_, &end_timer_, &sample_timer_}) {
    if (*timer) (*timer)->cancel();
  }
  for (auto& guard : guards_) guard.reset();
  for (auto& loop : loops_) loop->io.stop();
}

void MergeInto(HoldResult& total, const HoldResult& part) {
  total.established += part.established;
  total.failed += part.failed;
  for (int i = 0; i < kErrorClassCount; ++i) {
    total.error_counts[i] += part.error_counts[i];
    if (total.first_error[i].empty()) total.first_error[i] = part.first_error[i];
    total.check_error_counts[i] += part.check_error_counts[i];
    if (total.first_check_error[i].empty()) total.first_check_error[i] = part.first_check_error[i];
  }
  total.establish_latency.Merge(part.establish_latency);
  total.closed_during_hold += part.closed_during_hold;
  if (total.first_close_reason.empty()) total.first_close_reason = part.first_close_reason;
  total.checked += part.checked;
  total.alive += part.alive;
  total.check_failed += part.check_failed;
  for (const auto& [status, n] : part.check_http_status) total.check_http_status[status] += n;
  total.streams_open_at_end += part.streams_open_at_end;
  total.initial_events += part.initial_events;
  total.streams_with_initial_events += part.streams_with_initial_events;
  total.streams_with_expected_job += part.streams_with_expected_job;
  total.events_added += part.events_added;
  total.events_modified += part.events_modified;
  total.events_deleted += part.events_deleted;
  total.events_other += part.events_other;
  total.heartbeats.Merge(part.heartbeats);
  total.first_event_latency.Merge(part.first_event_latency);
}

Result<HoldResult> Run::Execute() {
  request_ = plan_.mode == HoldMode::kIdle
                 ? internal::BuildRequest(plan_.target, plan_.target.method, plan_.target.route, plan_.target.body)
                 : internal::BuildRequest(plan_.target, "POST", kWatchJobRoute, kWatchJobBody);
  int threads = plan_.target.threads;
  for (int t = 0; t < threads; ++t) {
    loops_.push_back(std::make_unique<Loop>());
    loops_.back()->ramp = std::max(1, plan_.ramp / threads);
  }
  for (int c = 0; c < total(); ++c) {
    Loop& loop = *loops_[static_cast<size_t>(c % threads)];
    loop.connections.push_back(std::make_unique<HeldConnection>(*this, loop, c));
  }
  // The loops must outlive their idle stretches (a loop whose connections all failed still receives EndHold).
  for (auto& loop : loops_) guards_.push_back(asio::make_work_guard(loop->io));
  open_timer_.emplace(first().io);
  hold_timer_.emplace(first().io);
  end_timer_.emplace(first().io);
  sample_timer_.emplace(first().io);

  memory_.source = plan_.memory_source;
  SampleMemory(&memory_.before_kb);
  start_ = Clock::now();
  open_timer_->expires_after(OpenPhaseBound(plan_));
  open_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec && phase_ == Phase::kOpening) ForceOpen();
  });
  if (plan_.sample_server_memory) ScheduleSample();
  for (auto& loop : loops_) {
    Loop* target = loop.get();
    asio::post(target->io, [target] { target->OpenMore(); });
  }
  std::vector<std::thread> runners;
  for (size_t t = 1; t < loops_.size(); ++t) runners.emplace_back([this, t] { loops_[t]->io.run(); });
  first().io.run();
  for (auto& runner : runners) runner.join();

  HoldResult result;
  result.mode = plan_.mode;
  result.connections = total();
  for (const auto& loop : loops_) MergeInto(result, loop->part);
  result.establish_seconds = std::chrono::duration<double>(all_open_ - start_).count();
  result.hold_seconds = std::chrono::duration<double>(hold_end_ - all_open_).count();
  result.server_memory = memory_;
  return result;
}

}  // namespace

Result<HoldResult> RunHold(const HoldPlan& plan) {
  KC_RETURN_IF_ERROR(ValidateHoldPlan(plan));
  auto connections = static_cast<uint64_t>(plan.target.connections);
  KC_ASSIGN_OR_RETURN(uint64_t open_file_limit,
                      RaiseOpenFileLimit(connections + plan.extra_open_files + kReservedOpenFiles));
  // OpenSSL writes to the socket with send(2) without MSG_NOSIGNAL: a server that closes while we write
  // must give EPIPE, not kill the process.
  signal(SIGPIPE, SIG_IGN);
  std::shared_ptr<asio::ssl::context> tls;
  if (plan.target.tls) {
    KC_ASSIGN_OR_RETURN(tls, internal::MakeClientTlsContext(*plan.target.tls));
  }
  KC_ASSIGN_OR_RETURN(tcp::endpoint endpoint, internal::Resolve(plan.target));
  Run run(plan, endpoint, tls ? tls->native_handle() : nullptr);
  KC_ASSIGN_OR_RETURN(HoldResult result, run.Execute());
  result.open_file_limit = open_file_limit;
  return result;
}

}  // namespace kuscia::bench
