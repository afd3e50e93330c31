// TEST SUPPORT ONLY (see test_client.h).
#include "mock_server/transport/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cerrno>

namespace kuscia::mock::transport::testing {

RawConnection RawConnection::Connect(uint16_t port, int receive_buffer) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return RawConnection(-1);
  if (receive_buffer > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return RawConnection(-1);
  }
  return RawConnection(fd);
}

RawConnection::RawConnection(RawConnection&& other) noexcept
    : fd_(other.fd_), peer_closed_(other.peer_closed_), peer_reset_(other.peer_reset_) {
  other.fd_ = -1;
}

RawConnection::~RawConnection() { Close(); }

int RawConnection::Release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void RawConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string RawConnection::ReadUntil(const std::function<bool(const std::string&)>& done,
                                     std::chrono::milliseconds timeout) {
  std::string received;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done(received) && !peer_closed_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{fd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      peer_closed_ = true;
      peer_reset_ = n < 0 && errno == ECONNRESET;
      break;
    }
    received.append(buf, static_cast<size_t>(n));
  }
  return received;
}

std::string RawConnection::ReadUntilClose(std::chrono::milliseconds timeout) {
  return ReadUntil([](const std::string&) { return false; }, timeout);
}

struct TlsConnection::Handles {
  int fd = -1;
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~Handles() {
    if (ssl != nullptr) SSL_free(ssl);
    if (ctx != nullptr) SSL_CTX_free(ctx);
    if (fd >= 0) ::close(fd);
  }
};

namespace {

// Loads PEM text into the context: `ca` as the only trusted roots, the client's certificate and key.
bool LoadClientMaterial(SSL_CTX* ctx, const TlsMaterial& client) {
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  BIO* ca = BIO_new_mem_buf(client.ca_pem.data(), static_cast<int>(client.ca_pem.size()));
  X509* root = PEM_read_bio_X509(ca, nullptr, nullptr, nullptr);
  BIO_free(ca);
  bool ok = root != nullptr && X509_STORE_add_cert(store, root) == 1;
  X509_free(root);
  BIO* cert_bio = BIO_new_mem_buf(client.cert_pem.data(), static_cast<int>(client.cert_pem.size()));
  X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
  BIO_free(cert_bio);
  ok = ok && cert != nullptr && SSL_CTX_use_certificate(ctx, cert) == 1;
  X509_free(cert);
  BIO* key_bio = BIO_new_mem_buf(client.key_pem.data(), static_cast<int>(client.key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  BIO_free(key_bio);
  ok = ok && key != nullptr && SSL_CTX_use_PrivateKey(ctx, key) == 1;
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace

std::unique_ptr<TlsConnection> TlsConnection::Connect(uint16_t port, const TlsMaterial& client, std::string& error,
                                                      const Options& options) {
  auto handles = std::make_unique<Handles>();
  RawConnection tcp = RawConnection::Connect(port);
  if (!tcp.connected()) {
    error = "TCP connect failed";
    return nullptr;
  }
  handles->ctx = SSL_CTX_new(TLS_client_method());
  if (handles->ctx == nullptr || !LoadClientMaterial(handles->ctx, client)) {
    error = "cannot load the client's PEM material";
    return nullptr;
  }
  SSL_CTX_set_verify(handles->ctx, SSL_VERIFY_PEER, nullptr);
  if ((options.max_version != 0 && SSL_CTX_set_max_proto_version(handles->ctx, options.max_version) != 1) ||
      (!options.ciphersuites.empty() && SSL_CTX_set_ciphersuites(handles->ctx, options.ciphersuites.c_str()) != 1)) {
    error = "OpenSSL refused the client's TLS version or cipher suites";
    return nullptr;
  }
  // A session ticket alone must not leave SSL_read blocked past the caller's timeout.
  SSL_CTX_clear_mode(handles->ctx, SSL_MODE_AUTO_RETRY);
  handles->ssl = SSL_new(handles->ctx);
  handles->fd = tcp.Release();
  SSL_set_fd(handles->ssl, handles->fd);
  SSL_set1_host(handles->ssl, "127.0.0.1");
  if (SSL_connect(handles->ssl) != 1) {
    error = "TLS handshake failed";
    return nullptr;
  }
  return std::unique_ptr<TlsConnection>(new TlsConnection(std::move(handles)));
}

TlsConnection::TlsConnection(std::unique_ptr<Handles> handles) : handles_(std::move(handles)) {}
TlsConnection::~TlsConnection() = default;

bool TlsConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    size_t written = 0;
    if (SSL_write_ex(handles_->ssl, bytes.data(), bytes.size(), &written) != 1) return false;
    bytes.remove_prefix(written);
  }
  return true;
}

std::string TlsConnection::ReadUntil(const std::function<bool(const std::string&)>& done,
                                     std::chrono::milliseconds timeout) {
  std::string received;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done(received) && !peer_closed_) {
    if (SSL_pending(handles_->ssl) == 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd pfd{handles_->fd, POLLIN, 0};
      int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) break;
    }
    char buf[16384];
    size_t got = 0;
    if (SSL_read_ex(handles_->ssl, buf, sizeof buf, &got) != 1) {
      int error = SSL_get_error(handles_->ssl, 0);
      if (error == SSL_ERROR_WANT_READ) continue;  // a session ticket, no application data
      peer_closed_ = true;
      peer_closed_cleanly_ = error == SSL_ERROR_ZERO_RETURN;
      break;
    }
    received.append(buf, got);
  }
  return received;
}

bool TlsConnection::RequestKeyUpdate() {
  // OpenSSL sends the KeyUpdate with the next write; an empty SSL_write is not one, so flush it by hand.
  return SSL_key_update(handles_->ssl, SSL_KEY_UPDATE_REQUESTED) == 1 && SSL_do_handshake(handles_->ssl) == 1;
}

std::string TlsConnection::CipherName() const { return SSL_get_cipher_name(handles_->ssl); }

bool TlsConnection::SendCloseNotify() { return SSL_shutdown(handles_->ssl) >= 0; }

sys::ProcessResult Curl(std::vector<std::string> args) {
  std::vector<std::string> argv = {"curl", "-sS", "--max-time", "20"};
  argv.insert(argv.end(), args.begin(), args.end());
  sys::ProcessOptions options;
  options.timeout = std::chrono::seconds(30);
  Result<sys::ProcessResult> result = sys::RunProcess(argv, options);
  if (!result.ok()) {
    sys::ProcessResult failed;
    failed.exit_code = -2;
    failed.stderr_text = result.status().ToString();
    return failed;
  }
  return *std::move(result);
}

}  // namespace kuscia::mock::transport::testing
