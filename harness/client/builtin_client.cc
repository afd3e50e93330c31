#include "harness/client/builtin_client.h"

#include <httplib.h>
#include <openssl/err.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "harness/client/json_object_splitter.h"
#include "harness/client/tls_probe.h"
#include "harness/client/transport_mapping.h"

namespace kuscia::harness {
namespace {

BuiltinFailure FromHttplib(httplib::Error error) {
  switch (error) {
    case httplib::Error::Success: return BuiltinFailure::kNone;
    case httplib::Error::Connection: return BuiltinFailure::kConnection;
    case httplib::Error::ConnectionTimeout: return BuiltinFailure::kConnectionTimeout;
    case httplib::Error::Read: return BuiltinFailure::kRead;
    case httplib::Error::Write: return BuiltinFailure::kWrite;
    case httplib::Error::SSLConnection: return BuiltinFailure::kSslConnection;
    case httplib::Error::SSLLoadingCerts: return BuiltinFailure::kSslLoadingCerts;
    case httplib::Error::SSLServerVerification: return BuiltinFailure::kSslServerVerification;
    default: return BuiltinFailure::kOther;
  }
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// httplib reports an unloadable client certificate only as an invalid client; say which file is at fault.
std::string DescribeIdentityProblem(const ClientIdentity& id) {
  for (const auto& file : {id.client_cert, id.client_key, id.ca_cert}) {
    if (file && !std::filesystem::exists(*file)) return "cannot read " + file->string() + ": no such file";
  }
  return "the client certificate and key could not be loaded together (unreadable, malformed, or the key "
         "does not belong to the certificate)";
}

// The first SSL-library reason on this thread's error queue (httplib leaves it there); drains the queue.
int FirstSslReason() {
  int reason = 0;
  while (unsigned long e = ERR_get_error()) {
    if (reason == 0 && ERR_GET_LIB(e) == ERR_LIB_SSL) reason = ERR_GET_REASON(e);
  }
  return reason;
}

// Ends a stream read at its max_time. httplib only stops reading between pieces of data when the content
// receiver says so, and a silent stream (no heartbeats) delivers none; so once the deadline passes this
// thread cuts the connection with ClientImpl::stop(), the one call httplib allows from another thread. stop()
// only cuts a request that holds the socket, so it is repeated until the request has returned.
class StreamDeadline {
 public:
  StreamDeadline(httplib::ClientImpl& client, std::chrono::steady_clock::time_point deadline)
      : thread_([this, &client, deadline] {
          std::unique_lock<std::mutex> lock(mutex_);
          if (done_changed_.wait_until(lock, deadline, [this] { return done_; })) return;
          fired_ = true;
          while (!done_) {
            lock.unlock();
            client.stop();
            lock.lock();
            done_changed_.wait_for(lock, std::chrono::milliseconds(20), [this] { return done_; });
          }
        }) {}
  ~StreamDeadline() { Disarm(); }
  StreamDeadline(const StreamDeadline&) = delete;
  StreamDeadline& operator=(const StreamDeadline&) = delete;

  // Call once the request has returned; afterwards fired() is final.
  void Disarm() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    done_changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  bool fired() const { return fired_.load(); }

 private:
  std::mutex mutex_;
  std::condition_variable done_changed_;
  bool done_ = false;
  std::atomic<bool> fired_{false};
  std::thread thread_;  // last: starts once the members it uses exist
};

}  // namespace

Result<Outcome> BuiltinClient::Send(const ClientRequest& request) {
  KC_ASSIGN_OR_RETURN(BaseUrl url, ParseBaseUrl(request.base_url));
  if (request.stream) KC_RETURN_IF_ERROR(ValidateStreamRead(*request.stream));
  IgnoreSigpipe();
  const ClientIdentity& id = request.identity;
  Outcome outcome;
  auto started = std::chrono::steady_clock::now();
  // A stream read is bounded by max_time as a whole, connecting included (as curl's --max-time is).
  std::chrono::milliseconds connect_timeout = request.stream ? request.stream->max_time : request.timeout;
  auto finish = [&](BuiltinFacts facts, std::string detail) {
    outcome.transport = ClassifyBuiltin(facts);
    outcome.detail = std::move(detail);
    outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (request.stream) FinishStreamOutcome(*request.stream, StreamEnd::kError, outcome);
    return outcome;
  };

  Result<std::optional<std::string>> token = id.TokenValue();
  if (!token.ok()) return finish({.failure = BuiltinFailure::kClientIdentityInvalid}, token.status().message());

  std::unique_ptr<httplib::ClientImpl> client;
  if (url.scheme == "https") {
    if (id.ca_cert && !std::filesystem::exists(*id.ca_cert)) {
      return finish({.failure = BuiltinFailure::kSslLoadingCerts}, "cannot read CA file " + id.ca_cert->string());
    }
    std::unique_ptr<httplib::SSLClient> ssl;
    if (id.client_cert || id.client_key) {
      ssl = std::make_unique<httplib::SSLClient>(url.host, url.port, id.client_cert.value_or("").string(),
                                                 id.client_key.value_or("").string());
    } else {
      ssl = std::make_unique<httplib::SSLClient>(url.host, url.port);
    }
    ERR_clear_error();
    if (!ssl->is_valid()) {
      return finish({.failure = BuiltinFailure::kClientIdentityInvalid}, DescribeIdentityProblem(id));
    }
    if (id.ca_cert) ssl->set_ca_cert_path(id.ca_cert->string());
    ssl->enable_server_certificate_verification(id.verify_server);
    client = std::move(ssl);
  } else {
    client = std::make_unique<httplib::ClientImpl>(url.host, url.port);
  }
  client->set_keep_alive(false);
  client->set_follow_location(false);
  client->set_connection_timeout(connect_timeout);
  // In a stream read a silent stretch is normal; StreamDeadline ends the read at max_time, before this.
  client->set_read_timeout(request.stream ? request.stream->max_time + std::chrono::seconds(1) : request.timeout);
  client->set_write_timeout(connect_timeout);

  httplib::Request http_request;
  http_request.method = request.method;
  http_request.path = request.path;
  for (const auto& [name, value] : request.headers) http_request.headers.emplace(name, value);
  if (*token) http_request.headers.emplace("Token", **token);
  if (request.body) http_request.body = *request.body;

  // A stream read takes the head and the body piece by piece (httplib then leaves Response::body empty and,
  // when the read is stopped, returns no Response at all), and stops on its own limits.
  bool head_arrived = false;
  bool enough_events = false;
  std::optional<StreamDeadline> deadline;
  JsonObjectSplitter splitter;
  if (request.stream) {
    size_t max_events = static_cast<size_t>(request.stream->max_events);
    http_request.response_handler = [&](const httplib::Response& head) {
      head_arrived = true;
      outcome.http_status = head.status;
      for (const auto& [name, value] : head.headers) outcome.headers.emplace_back(Lower(name), value);
      return true;
    };
    // max_events by value: it lives in this block, the receiver runs later, inside send().
    http_request.content_receiver = [&, max_events](const char* data, size_t size, uint64_t, uint64_t) {
      outcome.body.append(data, size);
      splitter.Feed(std::string_view(data, size), max_events);
      if (max_events != 0 && splitter.count() >= max_events) enough_events = true;
      // Returning false makes httplib cancel the request; for these two reasons that is the normal end.
      return !enough_events && !deadline->fired();
    };
    deadline.emplace(*client, started + request.stream->max_time);
  }

  ERR_clear_error();
  httplib::Result result = client->send(http_request);
  if (deadline) deadline->Disarm();
  BuiltinFacts facts;
  facts.failure = FromHttplib(result.error());
  facts.ssl_reason = FirstSslReason();
  auto* ssl = dynamic_cast<httplib::SSLClient*>(client.get());
  // With verification off OpenSSL still records the verdict; it must not explain a failure then.
  if (ssl && id.verify_server) facts.verify_result = ssl->get_openssl_verify_result();
  facts.deadline_passed = deadline ? deadline->fired() : std::chrono::steady_clock::now() - started >= request.timeout;
  if (request.stream && (result || enough_events || (deadline->fired() && head_arrived))) {
    StreamEnd end = result ? StreamEnd::kServerClosed : enough_events ? StreamEnd::kMaxEvents : StreamEnd::kMaxTime;
    outcome.transport = TransportClass::kOk;
    outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    FinishStreamOutcome(*request.stream, end, outcome);
    return outcome;
  }
  if (result) {
    outcome.http_status = result->status;
    outcome.body = result->body;
    for (const auto& [name, value] : result->headers) outcome.headers.emplace_back(Lower(name), value);
    outcome.api_code = ExtractApiCode(outcome.body);
    return finish({}, "");
  }
  std::string detail = httplib::to_string(result.error());
  if (facts.ssl_reason != 0) {
    const char* reason = ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, facts.ssl_reason));
    if (reason) detail += std::string(" (") + reason + ")";
  }
  if (facts.verify_result != 0) {
    detail += std::string(" (verify: ") + X509_verify_cert_error_string(facts.verify_result) + ")";
  }
  finish(facts, detail);
  RefineCutWithProbe(request, outcome);
  return outcome;
}

}  // namespace kuscia::harness
