// The server core: listener, one io_context per loop thread, lifecycle and live TLS swaps. The only
// translation unit that includes Beast/Asio (through connection.h).
#include "mock_server/transport/http_server.h"

#include <csignal>

#include "mock_server/transport/connection.h"

namespace kuscia::mock::transport {

using namespace internal;  // NOLINT(google-build-using-namespace): this unit is the connection's only user

namespace {

constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(20);

// OpenSSL writes to the socket itself, without MSG_NOSIGNAL: a peer that reset would otherwise kill the
// process with SIGPIPE instead of failing one write with EPIPE. A handler the program installed is kept.
void IgnoreSigpipeUnlessHandled() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) std::signal(SIGPIPE, SIG_IGN);
  });
}

// An immutable protocol configuration is built once per Start/UpdateTls, never per handshake.
Result<std::shared_ptr<const TlsConfig>> MakeTlsConfig(ProtocolMode mode, const TlsMaterial& tls, bool tls13_only) {
  auto config = std::make_shared<TlsConfig>();
  config->mode = mode;
  if (mode != ProtocolMode::kNoTls) {
    KC_ASSIGN_OR_RETURN(internal::SslCtxPtr ctx, internal::BuildServerSslContext(mode, tls, tls13_only));
    config->ctx = std::shared_ptr<SSL_CTX>(ctx.release(), SSL_CTX_free);
    internal::InstallTls13Tap(config->ctx.get());
  }
  return std::shared_ptr<const TlsConfig>(std::move(config));
}

// Every `period`, on the worker's loop: connections idle for a whole period free their TLS buffers.
void ScheduleIdleSweep(Worker& worker, std::chrono::milliseconds period) {
  worker.sweep_timer->expires_after(period);
  worker.sweep_timer->async_wait([w = &worker, period](beast::error_code ec) {
    if (ec || !w->sweeping) return;  // Stop() cancelled it, or stopped the sweeps after it had fired
    ++w->sweep;
    for (auto& [raw, connection] : w->connections) raw->ReleaseIdleBuffers();
    ScheduleIdleSweep(*w, period);
  });
}

}  // namespace

struct HttpServer::Impl {
  std::shared_ptr<Shared> shared;
  std::vector<std::shared_ptr<Worker>> workers;  // declared before the acceptor: destroyed after it
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  size_t next_worker = 0;
  uint16_t port = 0;
  std::mutex stop_mutex;
  bool stopped = false;

  void Accept() {
    std::shared_ptr<Worker> target = workers[next_worker++ % workers.size()];
    acceptor->async_accept(target->io, [this, target](beast::error_code ec, tcp::socket socket) {
      OnAccept(ec, std::move(socket), target);
    });
  }

  void OnAccept(beast::error_code ec, tcp::socket socket, const std::shared_ptr<Worker>& target) {
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
    if (ec) {
      // EMFILE and friends: back off briefly instead of spinning, then keep serving.
      accept_retry->expires_after(kAcceptRetryDelay);
      accept_retry->async_wait([this](beast::error_code wec) {
        if (!wec && acceptor->is_open()) Accept();
      });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // else each response waits ~40 ms on delayed ACKs
    std::shared_ptr<const TlsConfig> tls = shared->CurrentTls();
    target->Run([target, shared = std::shared_ptr<const Shared>(shared), tls = std::move(tls),
                 socket = std::move(socket)]() mutable {
      uint64_t id = shared->next_connection_id.fetch_add(1, std::memory_order_relaxed);
      auto connection = std::make_shared<Connection>(target, shared, std::move(tls), std::move(socket));
      connection->Start(id);
    });
    Accept();
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(ServerOptions options, std::shared_ptr<RequestHandler> handler) {
  if (!handler) return InvalidArgument("HttpServer::Start needs a request handler, got null");
  if (options.threads < 1 || options.threads > 256) {
    return InvalidArgument("threads must be between 1 and 256, got " + std::to_string(options.threads));
  }
  if (options.backlog < 1) return InvalidArgument("backlog must be positive, got " + std::to_string(options.backlog));
  if (options.idle_buffer_sweep.count() < 1) {
    return InvalidArgument("idle_buffer_sweep must be at least 1 ms, got " +
                           std::to_string(options.idle_buffer_sweep.count()) + " ms");
  }
  if (options.max_header_bytes < 1024 || options.max_header_bytes > UINT32_MAX) {
    return InvalidArgument("max_header_bytes must be between 1024 and 4294967295, got " +
                           std::to_string(options.max_header_bytes));
  }
  std::string host = options.host.empty() ? "0.0.0.0" : options.host == "localhost" ? "127.0.0.1" : options.host;
  beast::error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) {
    return InvalidArgument("host '" + options.host +
                           "' is not an IP address; use 127.0.0.1 (loopback), 0.0.0.0 (all interfaces) or ::");
  }
  Result<std::shared_ptr<const TlsConfig>> tls = MakeTlsConfig(options.mode, options.tls, options.tls13_only);
  IgnoreSigpipeUnlessHandled();
  if (!tls.ok()) {
    return tls.status().WithContext(std::string("TLS material for ") + std::string(ProtocolModeName(options.mode)) +
                                    " mode");
  }

  auto impl = std::make_unique<Impl>();
  impl->shared = std::make_shared<Shared>();
  impl->shared->tls = *tls;
  impl->shared->handler = std::move(handler);
  options.tls = {};  // the PEM (with its key) is not kept around; the SSL_CTX has what it needs
  impl->shared->options = std::move(options);
  const ServerOptions& opts = impl->shared->options;
  for (int i = 0; i < opts.threads; ++i) impl->workers.push_back(std::make_shared<Worker>());

  tcp::endpoint endpoint(address, opts.port);
  impl->acceptor.emplace(impl->workers[0]->io);
  impl->accept_retry.emplace(impl->workers[0]->io);
  tcp::acceptor& acceptor = *impl->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (ec) {
    std::string where = FormatEndpoint(endpoint);
    if (ec == asio::error::address_in_use) {
      return Unavailable("cannot listen on " + where + ": the port is already in use; stop the other process, " +
                         "choose another port, or use port 0 for a free one");
    }
    return Unavailable("cannot listen on " + where + ": " + ec.message());
  }
  acceptor.listen(opts.backlog, ec);
  if (ec) return Unavailable("listen on " + FormatEndpoint(endpoint) + " failed: " + ec.message());
  impl->port = acceptor.local_endpoint().port();

  for (auto& worker : impl->workers) {
    worker->guard.emplace(worker->io.get_executor());
    worker->sweep_timer.emplace(worker->io);
    ScheduleIdleSweep(*worker, opts.idle_buffer_sweep);
    worker->thread = std::thread([w = worker.get()] {
      // A throwing handler must not take the whole loop down; the throwing call closed its connection.
      for (;;) {
        try {
          w->io.run();
          return;
        } catch (const std::exception& e) {
          LogHandlerException("a loop handler", e.what());
        }
      }
    });
  }
  Impl* raw = impl.get();
  asio::post(impl->workers[0]->io, [raw] { raw->Accept(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->port; }
std::string HttpServer::host() const { return impl_->shared->options.host; }

size_t HttpServer::open_connections() const {
  size_t total = 0;
  for (const auto& worker : impl_->workers) total += worker->open.load(std::memory_order_relaxed);
  return total;
}

uint64_t HttpServer::idle_buffer_releases() const {
  uint64_t total = 0;
  for (const auto& worker : impl_->workers) total += worker->buffer_releases.load(std::memory_order_relaxed);
  return total;
}

uint64_t HttpServer::tls13_record_layer_takeovers() const {
  uint64_t total = 0;
  for (const auto& worker : impl_->workers) total += worker->record_layer_takeovers.load(std::memory_order_relaxed);
  return total;
}

Status HttpServer::UpdateTls(ProtocolMode mode, TlsMaterial tls) {
  Result<std::shared_ptr<const TlsConfig>> config = MakeTlsConfig(mode, tls, impl_->shared->options.tls13_only);
  if (!config.ok()) {
    return config.status().WithContext(std::string("UpdateTls to ") + std::string(ProtocolModeName(mode)) +
                                       " (the previous configuration stays in use)");
  }
  std::lock_guard lock(impl_->shared->tls_mutex);
  impl_->shared->tls = *config;
  return OkStatus();
}

void HttpServer::Stop() {
  {
    std::lock_guard lock(impl_->stop_mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  for (auto& worker : impl_->workers) {
    std::lock_guard lock(worker->stop_mutex);
    worker->stopped = true;  // from here on, writers and the acceptor post nothing new
  }
  Impl* impl = impl_.get();
  asio::post(impl->workers[0]->io, [impl] {
    beast::error_code ignored;
    impl->acceptor->close(ignored);
    impl->accept_retry->cancel();
  });
  for (auto& worker : impl_->workers) {
    asio::post(worker->io, [w = worker.get()] {
      std::vector<std::shared_ptr<Connection>> open;
      open.reserve(w->connections.size());
      for (auto& [raw, connection] : w->connections) open.push_back(connection);
      for (auto& connection : open) connection->CloseNow(false);
      w->sweeping = false;
      w->sweep_timer->cancel();
    });
    worker->guard.reset();  // run() returns once the closed connections' handlers have drained
  }
  for (auto& worker : impl_->workers) {
    if (worker->thread.joinable()) worker->thread.join();
  }
}

}  // namespace kuscia::mock::transport
