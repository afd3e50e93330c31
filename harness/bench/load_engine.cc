// The load engine: one Asio io_context per thread, each driving its share of the connections with
// callbacks (no coroutines, no strands: every connection lives on exactly one thread). Requests are
// prebuilt bytes; responses go through a reused ResponseParser; counting happens in per-thread results
// merged at the end, so the hot path takes no lock.
// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <vector>

#include "harness/bench/client_io.h"
#include "harness/bench/load_plan.h"
#include "harness/bench/response_parser.h"
#include "harness/bench/tutorial_job.h"

namespace kuscia::bench {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string_view ErrorClassName(ErrorClass error) {
  switch (error) {
    case ErrorClass::kConnect: return "connect";
    case ErrorClass::kTlsHandshake: return "tls_handshake";
    case ErrorClass::kClosed: return "closed_before_response";
    case ErrorClass::kReset: return "reset_mid_response";
    case ErrorClass::kTimeout: return "timeout";
    case ErrorClass::kBadResponse: return "bad_response";
  }
  return "unknown";
}

Status ValidatePlan(const LoadPlan& plan) {
  if (plan.port == 0) return InvalidArgument("the target port is 0: give a URL with a port, e.g. https://127.0.0.1:8082");
  if (plan.connections < 1) return InvalidArgument("--connections must be at least 1");
  if (plan.threads < 1 || plan.threads > plan.connections) {
    return InvalidArgument("--threads must be between 1 and --connections");
  }
  if (plan.duration.count() <= 0 && plan.count == 0) {
    return InvalidArgument("a bench needs a bound: give --duration and/or --count");
  }
  if (plan.rate < 0) return InvalidArgument("--rate must be >= 0 (0 = closed loop)");
  if (plan.timeout.count() <= 0) return InvalidArgument("--timeout must be positive");
  if (plan.route.empty() || plan.route.front() != '/') return InvalidArgument("--route must start with '/'");
  return OkStatus();
}

namespace internal {

Result<std::shared_ptr<ssl::context>> MakeClientTlsContext(const TlsFiles& files) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  ctx->set_verify_mode(ssl::verify_peer, ec);
  ctx->load_verify_file(files.ca_cert.string(), ec);
  if (ec) return InvalidArgument("cannot load the CA certificate " + files.ca_cert.string() + ": " + ec.message());
  if (!files.client_cert.empty()) {
    ctx->use_certificate_chain_file(files.client_cert.string(), ec);
    if (ec) return InvalidArgument("cannot load the client certificate " + files.client_cert.string() + ": " + ec.message());
    ctx->use_private_key_file(files.client_key.string(), ssl::context::pem, ec);
    if (ec) return InvalidArgument("cannot load the client key " + files.client_key.string() + ": " + ec.message());
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
      return InvalidArgument("the client key " + files.client_key.string() + " does not match " + files.client_cert.string());
    }
  }
  // Full handshakes are the point of the no-keep-alive mode: never resume a session.
  SSL_CTX_set_session_cache_mode(ctx->native_handle(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_TICKET);
  return ctx;
}

void ExpectPeerName(SSL* ssl_handle, const std::string& host) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  if (!ec) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
    SSL_set_tlsext_host_name(ssl_handle, host.c_str());
  }
}

std::string BuildRequest(const LoadPlan& plan, std::string_view method, std::string_view route, std::string_view body) {
  std::string request;
  request.reserve(256 + body.size());
  request.append(method).append(" ").append(route).append(" HTTP/1.1\r\nHost: ");
  request.append(plan.host).append(":").append(std::to_string(plan.port)).append("\r\n");
  if (!plan.token.empty()) request.append("Token: ").append(plan.token).append("\r\n");
  if (!body.empty() || method == "POST") {
    request.append("Content-Type: application/json\r\nContent-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  if (!plan.keep_alive) request.append("Connection: close\r\n");
  request.append("\r\n").append(body);
  return request;
}

Result<tcp::endpoint> Resolve(const LoadPlan& plan) {
  asio::io_context io;
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  auto results = resolver.resolve(plan.host, std::to_string(plan.port), ec);
  if (ec || results.empty()) {
    return Unavailable("cannot resolve " + plan.host + ": " + (ec ? ec.message() : std::string("no address")));
  }
  return results.begin()->endpoint();
}

}  // namespace internal

namespace {

using internal::BuildRequest;
using internal::ExpectPeerName;
using internal::MakeClientTlsContext;
using internal::Resolve;

// State shared by all threads: the schedule and the bounds.
struct Shared {
  const LoadPlan& plan;
  Clock::time_point start{};
  Clock::time_point stop_issuing{};  // no request is scheduled at or after this time
  std::atomic<uint64_t> next_slot{0};
  std::atomic<uint64_t> next_job{0};
  std::string fixed_request{};  // the request workload's bytes, built once
  std::string run_tag{};        // lifecycle: makes job ids unique per run
};

enum class Phase { kRequest, kCreate, kPoll, kDelete };

class Connection {
 public:
  Connection(asio::io_context& io, ssl::context* tls, const tcp::endpoint& endpoint, Shared& shared, BenchResult& out)
      : io_(io), tls_ctx_(tls), endpoint_(endpoint), shared_(shared), out_(out), pace_(io), deadline_(io) {
    read_buffer_.resize(16 * 1024);
    if (shared_.plan.workload == Workload::kLifecycle) phase_ = Phase::kCreate;
  }

  void Start() { Next(); }
  uint64_t completed() const { return completed_; }

 private:
  const LoadPlan& plan() const { return shared_.plan; }

  // Claims the next scheduled request (or job) and sends it at its time; finishes when a bound is hit.
  void Next() {
    Clock::time_point now = Clock::now();
    if (plan().workload == Workload::kLifecycle && phase_ != Phase::kCreate) {
      // A job in flight is followed to its end, but never past the run's end plus one request timeout.
      if (plan().duration.count() > 0 && now >= shared_.stop_issuing + plan().timeout) return Finish();
      if (!poll_wait_) return SendCurrent();
      pace_.expires_after(plan().poll_interval);
      pace_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) SendCurrent();
      });
      return;
    }
    uint64_t slot = shared_.next_slot.fetch_add(1, std::memory_order_relaxed);
    if (plan().count > 0 && slot >= plan().count) return Finish();
    Clock::time_point when = now;
    if (plan().rate > 0) {
      when = shared_.start + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(static_cast<double>(slot) / plan().rate));
    }
    if (plan().duration.count() > 0 && std::max(when, now) >= shared_.stop_issuing) return Finish();
    origin_ = when;
    if (plan().workload == Workload::kLifecycle) {
      job_id_ = plan().job_prefix + "-" + shared_.run_tag + "-" +
                std::to_string(shared_.next_job.fetch_add(1, std::memory_order_relaxed));
      job_origin_ = when;
    }
    if (when > now) {
      pace_.expires_at(when);
      pace_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) SendCurrent();
      });
    } else {
      SendCurrent();
    }
  }

  void SendCurrent() {
    if (phase_ == Phase::kRequest) {
      request_ = &shared_.fixed_request;
    } else {
      if (phase_ == Phase::kCreate) {
        own_request_ = BuildRequest(plan(), "POST", kCreateJobRoute, TutorialCreateJobBody(job_id_));
      } else if (phase_ == Phase::kPoll) {
        own_request_ = BuildRequest(plan(), "POST", kBatchQueryJobRoute, BatchQueryBody(job_id_));
      } else {
        own_request_ = BuildRequest(plan(), "POST", kDeleteJobRoute, DeleteJobBody(job_id_));
      }
      request_ = &own_request_;
    }
    if (phase_ != Phase::kRequest && phase_ != Phase::kCreate) origin_ = Clock::now();
    timed_out_ = false;
    uint64_t generation = ++request_generation_;
    deadline_.expires_after(plan().timeout);
    // The generation check drops an expiry that was already queued when its request completed.
    deadline_.async_wait([this, generation](const boost::system::error_code& ec) {
      if (ec || generation != request_generation_) return;
      timed_out_ = true;
      boost::system::error_code ignored;
      if (socket_) socket_->lowest_layer().close(ignored);
      if (plain_) plain_->close(ignored);
    });
    if (connected_) {
      Write();
    } else {
      Connect();
    }
  }

  void Connect() {
    socket_.reset();
    plain_.reset();
    fresh_tls_ = false;
    ++out_.connects;
    tcp::socket* raw;
    if (tls_ctx_ != nullptr) {
      socket_.emplace(io_, *tls_ctx_);
      ExpectPeerName(socket_->native_handle(), plan().host);
      raw = &socket_->next_layer();
    } else {
      plain_.emplace(io_);
      raw = &*plain_;
    }
    raw->async_connect(endpoint_, [this, raw](const boost::system::error_code& ec) {
      if (ec) return Fail(ErrorClass::kConnect, ec.message());
      boost::system::error_code ignored;
      raw->set_option(tcp::no_delay(true), ignored);
      if (!socket_) {
        connected_ = true;
        return Write();
      }
      socket_->async_handshake(ssl::stream_base::client, [this](const boost::system::error_code& hec) {
        if (hec) return Fail(ErrorClass::kTlsHandshake, hec.message());
        connected_ = true;
        fresh_tls_ = true;
        Write();
      });
    });
  }

  void Write() {
    parser_.Reset();
    auto on_written = [this](const boost::system::error_code& ec, size_t) {
      if (ec && fresh_tls_) return FailAfterHandshake(ec);
      if (ec) return Fail(ErrorClass::kClosed, "write failed: " + ec.message());
      Read();
    };
    if (socket_) {
      asio::async_write(*socket_, asio::buffer(*request_), on_written);
    } else {
      asio::async_write(*plain_, asio::buffer(*request_), on_written);
    }
  }

  void Read() {
    auto on_read = [this](const boost::system::error_code& ec, size_t n) {
      ParseState state;
      if (ec) {
        bool eof = ec == asio::error::eof || ec == ssl::error::stream_truncated;
        if (!eof || timed_out_) {
          if (timed_out_) return Fail(ErrorClass::kTimeout, "no complete response within the timeout");
          // Under TLS 1.3 the server judges our certificate after the client's handshake is done: its alert
          // arrives on the first read, and is still a handshake rejection.
          if (!parser_.started() && (ec.category() == asio::error::get_ssl_category() || fresh_tls_)) {
            return FailAfterHandshake(ec);
          }
          return Fail(parser_.started() ? ErrorClass::kReset : ErrorClass::kClosed, ec.message());
        }
        state = parser_.FeedEof();
      } else {
        state = parser_.Feed(read_buffer_.data(), n);
      }
      if (state == ParseState::kNeedMore) return Read();
      if (state == ParseState::kMalformed) {
        bool closed = parser_.error().find("closed") != std::string::npos;
        return Fail(closed ? (parser_.started() ? ErrorClass::kReset : ErrorClass::kClosed) : ErrorClass::kBadResponse,
                    parser_.error());
      }
      OnResponse();
    };
    if (socket_) {
      socket_->async_read_some(asio::buffer(read_buffer_), on_read);
    } else {
      plain_->async_read_some(asio::buffer(read_buffer_), on_read);
    }
  }

  void OnResponse() {
    deadline_.cancel();
    ++request_generation_;
    Clock::time_point now = Clock::now();
    out_.latency.Record(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - origin_).count()));
    ++out_.requests;
    ++completed_;
    fresh_tls_ = false;
    ++out_.http_status[parser_.status()];
    std::optional<int64_t> code = ScanApiCode(parser_.body());
    ++out_.api_code[code ? std::to_string(*code) : std::string("none")];
    if (parser_.close() || !plan().keep_alive) CloseQuietly();
    if (plan().workload == Workload::kLifecycle) AdvanceLifecycle(code);
    Next();
  }

  void AdvanceLifecycle(std::optional<int64_t> code) {
    bool ok = parser_.status() == 200 && code == 0;
    poll_wait_ = true;
    switch (phase_) {
      case Phase::kCreate:
        if (!ok) {
          ++out_.job_failures;
          phase_ = Phase::kCreate;
          return;
        }
        phase_ = Phase::kPoll;
        return;
      case Phase::kPoll: {
        if (!ok) {
          ++out_.job_failures;
          phase_ = Phase::kDelete;
          poll_wait_ = false;
          return;
        }
        std::string state = JobStateOf(parser_.body());
        if (IsTerminalJobState(state)) {
          ++out_.jobs_completed;
          ++out_.job_states[state];
          out_.job_latency.Record(static_cast<uint64_t>(
              std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - job_origin_).count()));
          phase_ = Phase::kDelete;
          poll_wait_ = false;
        }
        return;
      }
      case Phase::kDelete:
        if (!ok) ++out_.job_failures;
        phase_ = Phase::kCreate;
        return;
      case Phase::kRequest:
        return;
    }
  }

  static std::string JobStateOf(const std::string& body) {
    nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_discarded()) return "";
    const nlohmann::json* state = nullptr;
    try {
      state = &doc.at("data").at("jobs").at(0).at("status").at("state");
    } catch (const nlohmann::json::exception&) {
      return "";
    }
    return state->is_string() ? state->get<std::string>() : "";
  }

  void Fail(ErrorClass error, std::string message) {
    deadline_.cancel();
    ++request_generation_;
    if (timed_out_) error = ErrorClass::kTimeout;
    auto index = static_cast<size_t>(error);
    ++out_.errors;
    ++out_.error_counts[index];
    if (out_.first_error[index].empty()) out_.first_error[index] = std::move(message);
    CloseQuietly();
    if (plan().workload == Workload::kLifecycle && phase_ != Phase::kCreate) {
      ++out_.job_failures;
      phase_ = Phase::kCreate;  // the job is abandoned; a delete over a broken link would only add noise
    }
    // Back off a little after a failed connect so a dead target does not become a busy loop.
    if (error == ErrorClass::kConnect || error == ErrorClass::kTlsHandshake) {
      pace_.expires_after(std::chrono::milliseconds(10));
      pace_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) Next();
      });
      return;
    }
    Next();
  }

  // Under TLS 1.3 the server judges our certificate after our side of the handshake is done, so its
  // rejection (an alert, or just a closed socket) shows up on the first write or read of the connection.
  void FailAfterHandshake(const boost::system::error_code& ec) {
    Fail(ErrorClass::kTlsHandshake, "the server ended the connection right after the TLS handshake, before any "
                                    "response (did it reject the client certificate?): " + ec.message());
  }

  void CloseQuietly() {
    boost::system::error_code ignored;
    if (socket_) socket_->lowest_layer().close(ignored);
    if (plain_) plain_->close(ignored);
    connected_ = false;
  }

  void Finish() {
    deadline_.cancel();
    pace_.cancel();
    CloseQuietly();
  }

  asio::io_context& io_;
  ssl::context* tls_ctx_;
  tcp::endpoint endpoint_;
  Shared& shared_;
  BenchResult& out_;
  asio::steady_timer pace_;
  asio::steady_timer deadline_;
  std::optional<ssl::stream<tcp::socket>> socket_;
  std::optional<tcp::socket> plain_;
  bool connected_ = false;
  bool timed_out_ = false;
  bool fresh_tls_ = false;  // handshake done, no response yet on this connection
  uint64_t request_generation_ = 0;
  bool poll_wait_ = false;
  std::vector<char> read_buffer_;
  ResponseParser parser_;
  const std::string* request_ = nullptr;
  std::string own_request_;
  Clock::time_point origin_;
  uint64_t completed_ = 0;
  Phase phase_ = Phase::kRequest;
  std::string job_id_;
  Clock::time_point job_origin_;
};

void MergeInto(BenchResult& total, const BenchResult& part) {
  total.requests += part.requests;
  total.errors += part.errors;
  for (int i = 0; i < kErrorClassCount; ++i) {
    total.error_counts[i] += part.error_counts[i];
    if (total.first_error[i].empty()) total.first_error[i] = part.first_error[i];
  }
  for (const auto& [k, v] : part.http_status) total.http_status[k] += v;
  for (const auto& [k, v] : part.api_code) total.api_code[k] += v;
  total.latency.Merge(part.latency);
  total.connects += part.connects;
  total.jobs_completed += part.jobs_completed;
  total.job_failures += part.job_failures;
  for (const auto& [k, v] : part.job_states) total.job_states[k] += v;
  total.job_latency.Merge(part.job_latency);
}

}  // namespace

Result<BenchResult> RunLoad(const LoadPlan& plan) {
  KC_RETURN_IF_ERROR(ValidatePlan(plan));
  std::shared_ptr<ssl::context> tls;
  if (plan.tls) {
    KC_ASSIGN_OR_RETURN(tls, MakeClientTlsContext(*plan.tls));
  }
  KC_ASSIGN_OR_RETURN(tcp::endpoint endpoint, Resolve(plan));

  Shared shared{.plan = plan};
  if (plan.workload == Workload::kRequest) shared.fixed_request = BuildRequest(plan, plan.method, plan.route, plan.body);
  std::random_device random;
  char tag[16];
  std::snprintf(tag, sizeof(tag), "%06x", random() & 0xffffff);
  shared.run_tag = tag;

  int threads = plan.threads;
  std::vector<std::unique_ptr<asio::io_context>> loops;
  std::vector<BenchResult> parts(static_cast<size_t>(threads));
  std::vector<std::unique_ptr<Connection>> connections;
  for (int t = 0; t < threads; ++t) loops.push_back(std::make_unique<asio::io_context>(1));
  for (int c = 0; c < plan.connections; ++c) {
    auto t = static_cast<size_t>(c % threads);
    connections.push_back(std::make_unique<Connection>(*loops[t], tls.get(), endpoint, shared, parts[t]));
  }
  shared.start = Clock::now();
  shared.stop_issuing = shared.start + std::chrono::duration_cast<Clock::duration>(plan.duration);
  for (auto& connection : connections) connection->Start();
  std::vector<std::thread> runners;
  for (int t = 1; t < threads; ++t) runners.emplace_back([&loops, t] { loops[static_cast<size_t>(t)]->run(); });
  loops[0]->run();
  for (auto& runner : runners) runner.join();
  Clock::time_point end = Clock::now();

  BenchResult total;
  for (const auto& part : parts) MergeInto(total, part);
  total.elapsed_seconds = std::chrono::duration<double>(end - shared.start).count();
  total.connections = plan.connections;
  for (const auto& connection : connections) {
    if (connection->completed() == 0) ++total.starved_connections;
  }
  return total;
}

Result<SimpleReply> RoundTrip(const LoadPlan& plan, const std::string& method, const std::string& route,
                              const std::string& body) {
  LoadPlan one = plan;
  one.workload = Workload::kRequest;
  one.method = method;
  one.route = route;
  one.body = body;
  one.connections = 1;
  one.threads = 1;
  one.rate = 0;
  one.count = 1;
  one.duration = std::chrono::nanoseconds(0);
  one.keep_alive = false;
  KC_RETURN_IF_ERROR(ValidatePlan(one));
  std::shared_ptr<ssl::context> tls;
  if (one.tls) {
    KC_ASSIGN_OR_RETURN(tls, MakeClientTlsContext(*one.tls));
  }
  KC_ASSIGN_OR_RETURN(tcp::endpoint endpoint, Resolve(one));
  asio::io_context io;
  std::string request = BuildRequest(one, method, route, body);
  ResponseParser parser;
  parser.Reset();
  std::string failure;
  auto exchange = [&](auto& stream) {
    boost::system::error_code ec;
    asio::write(stream, asio::buffer(request), ec);
    if (ec) return failure = "write failed: " + ec.message(), void();
    std::vector<char> buffer(16 * 1024);
    while (true) {
      size_t n = stream.read_some(asio::buffer(buffer), ec);
      ParseState state = ec ? parser.FeedEof() : parser.Feed(buffer.data(), n);
      if (state == ParseState::kComplete) return;
      if (state == ParseState::kMalformed) return failure = parser.error(), void();
    }
  };
  boost::system::error_code ec;
  if (tls) {
    ssl::stream<tcp::socket> stream(io, *tls);
    ExpectPeerName(stream.native_handle(), one.host);
    stream.next_layer().connect(endpoint, ec);
    if (ec) return Unavailable("cannot connect to " + one.host + ":" + std::to_string(one.port) + ": " + ec.message());
    stream.handshake(ssl::stream_base::client, ec);
    if (ec) return Unavailable("TLS handshake with " + one.host + ":" + std::to_string(one.port) + " failed: " + ec.message());
    exchange(stream);
  } else {
    tcp::socket stream(io);
    stream.connect(endpoint, ec);
    if (ec) return Unavailable("cannot connect to " + one.host + ":" + std::to_string(one.port) + ": " + ec.message());
    exchange(stream);
  }
  if (!failure.empty()) return DataLoss(method + " " + route + ": " + failure);
  return SimpleReply{.status = parser.status(), .body = parser.body()};
}

}  // namespace kuscia::bench
