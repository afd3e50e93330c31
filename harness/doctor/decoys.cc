#include "harness/doctor/decoys.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace kuscia::doctor::testing {
namespace {

constexpr int kIoTimeoutMs = 3000;

void SetTimeouts(int fd) {
  timeval tv{kIoTimeoutMs / 1000, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

void SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

// What envoy in front of Kuscia answers a request that carries no valid cross-domain credentials.
const char kGatewayReply[] =
    "HTTP/1.1 401 Unauthorized\r\n"
    "content-type: text/plain\r\n"
    "kuscia-error-message: <alice/kuscia-conformance/external $$ Unauthorized>\r\n"
    "server: kuscia-gateway\r\n"
    "content-length: 13\r\n"
    "connection: close\r\n\r\n"
    "unauthorized.";
const char kBadRequestReply[] =
    "HTTP/1.1 400 Bad Request\r\ncontent-length: 11\r\ncontent-type: text/plain\r\nserver: kuscia-gateway\r\n"
    "connection: close\r\n\r\nBad Request";

// grpc-go's TLS config: NextProtos = {"h2"}; a client offering ALPN without h2 gets a fatal alert.
int SelectH2(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned inlen, void*) {
  for (unsigned i = 0; i < inlen;) {
    unsigned len = in[i];
    if (len == 2 && i + 3 <= inlen && std::memcmp(in + i + 1, "h2", 2) == 0) {
      *out = in + i + 1;
      *outlen = 2;
      return SSL_TLSEXT_ERR_OK;
    }
    i += 1 + len;
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

}  // namespace

Result<std::unique_ptr<Decoy>> Decoy::StartGateway() {
  std::unique_ptr<Decoy> decoy(new Decoy());
  decoy->kind_ = Kind::kGateway;
  KC_RETURN_IF_ERROR(decoy->Listen());
  return decoy;
}

Result<std::unique_ptr<Decoy>> Decoy::StartH2Only(const std::string& cert_pem, const std::string& key_pem) {
  std::unique_ptr<Decoy> decoy(new Decoy());
  decoy->kind_ = Kind::kH2Only;
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  decoy->ssl_ctx_ = ctx;
  BIO* cb = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
  BIO_free(cb);
  BIO* kb = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
  BIO_free(kb);
  bool loaded = cert && key && SSL_CTX_use_certificate(ctx, cert) == 1 && SSL_CTX_use_PrivateKey(ctx, key) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  if (!loaded) return InvalidArgument("decoy: the server certificate or key does not load");
  SSL_CTX_set_alpn_select_cb(ctx, SelectH2, nullptr);
  KC_RETURN_IF_ERROR(decoy->Listen());
  return decoy;
}

Status Decoy::Listen() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_fd_, 16) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
      ::pipe2(wake_fds_, O_CLOEXEC) != 0) {
    return Internal(std::string("decoy: cannot listen on 127.0.0.1:0: ") + std::strerror(errno));
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
  return OkStatus();
}

Decoy::~Decoy() {
  if (thread_.joinable()) {
    char byte = 0;
    [[maybe_unused]] ssize_t n = ::write(wake_fds_[1], &byte, 1);
    thread_.join();
  }
  for (int fd : {listen_fd_, wake_fds_[0], wake_fds_[1]}) {
    if (fd >= 0) ::close(fd);
  }
  SSL_CTX_free(static_cast<SSL_CTX*>(ssl_ctx_));
}

void Decoy::Serve() {
  // OpenSSL writes to the socket itself; a client that hangs up early must give EPIPE, not kill the test.
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents) return;
    if (!fds[0].revents) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    SetTimeouts(fd);
    if (kind_ == Kind::kGateway) {
      ServeGateway(fd);
    } else {
      ServeH2Only(fd);
    }
    ::close(fd);
  }
}

void Decoy::ServeGateway(int fd) {
  std::string request;
  char buf[4096];
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return;
    request.append(buf, static_cast<size_t>(n));
    // A TLS ClientHello is not HTTP: envoy's HTTP/1 codec answers 400 and closes.
    if (static_cast<unsigned char>(request[0]) == 0x16) {
      SendAll(fd, kBadRequestReply);
      return;
    }
  }
  SendAll(fd, kGatewayReply);
}

void Decoy::ServeH2Only(int fd) {
  SSL* ssl = SSL_new(static_cast<SSL_CTX*>(ssl_ctx_));
  SSL_set_fd(ssl, fd);
  if (SSL_accept(ssl) == 1) {
    // grpc-go accepts a handshake without ALPN, then drops a connection that does not open with the HTTP/2
    // preface: the HTTP/1.1 client sees the connection closed without an answer.
    char buf[64];
    int n = SSL_read(ssl, buf, sizeof(buf));
    (void)n;
  }
  SSL_free(ssl);
}

}  // namespace kuscia::doctor::testing
