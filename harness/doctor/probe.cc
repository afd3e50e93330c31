#include "harness/doctor/probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace kuscia::doctor {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxReply = 1 << 20;  // a health answer is tiny; anything bigger is cut here

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// 1 ready, 0 timed out, -1 error.
int WaitFd(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, RemainingMs(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    return r == 0 ? 0 : 1;
  }
}

std::string OpenSslErrors() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads until a complete HTTP reply, EOF, error or the deadline. Returns the bytes read.
template <typename ReadSome>
std::string ReadReply(ReadSome read_some, bool& eof) {
  std::string raw;
  eof = false;
  char buf[16384];
  while (raw.size() < kMaxReply) {
    long n = read_some(buf, sizeof(buf));
    if (n <= 0) {
      eof = n == 0;
      break;
    }
    raw.append(buf, static_cast<size_t>(n));
    if (ParseHttpReply(raw, /*at_eof=*/false)) break;
  }
  return raw;
}

std::string Capped(const std::string& raw) { return raw.substr(0, 512); }

// Per-connection facts gathered by OpenSSL's callbacks.
struct Observed {
  bool cert_requested = false;
  int alert = -1;
};

void OnMessage(int write_p, int, int content_type, const void* buf, size_t len, SSL*, void* arg) {
  auto* seen = static_cast<Observed*>(arg);
  if (!write_p && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
      static_cast<const unsigned char*>(buf)[0] == SSL3_MT_CERTIFICATE_REQUEST) {
    seen->cert_requested = true;
  }
}

void OnInfo(const SSL* ssl, int where, int ret) {
  if ((where & SSL_CB_READ_ALERT) == SSL_CB_READ_ALERT) {
    auto* seen = static_cast<Observed*>(SSL_get_app_data(ssl));
    // close_notify is the polite end of a connection, not a verdict.
    if (seen && (ret & 0xff) != SSL_AD_CLOSE_NOTIFY) seen->alert = ret & 0xff;
  }
}

struct SslDeleter {
  void operator()(SSL* s) const { SSL_free(s); }
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
  void operator()(X509* x) const { X509_free(x); }
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  void operator()(BIO* b) const { BIO_free(b); }
};
template <typename T>
using Owned = std::unique_ptr<T, SslDeleter>;

// Drives an SSL object over memory BIOs, moving bytes to and from the socket ourselves (MSG_NOSIGNAL).
class Pump {
 public:
  Pump(SSL* ssl, int fd, BIO* rbio, BIO* wbio, Clock::time_point deadline)
      : ssl_(ssl), fd_(fd), rbio_(rbio), wbio_(wbio), deadline_(deadline) {}

  // Runs `op` (SSL_connect / SSL_read / SSL_write) to completion. Returns its positive result, 0 at a clean
  // end, or -1 (error_ says why).
  template <typename Op>
  int Run(Op op) {
    while (true) {
      ERR_clear_error();
      int r = op();
      Flush();
      if (r > 0) return r;
      int err = SSL_get_error(ssl_, r);
      if (err == SSL_ERROR_ZERO_RETURN) return 0;
      if (err == SSL_ERROR_WANT_READ) {
        if (!Fill()) return -1;
        continue;
      }
      if (err == SSL_ERROR_WANT_WRITE) continue;
      std::string words = OpenSslErrors();
      if (error_.empty()) error_ = words.empty() ? (eof_ ? "connection closed by the server" : "TLS failure") : words;
      return -1;
    }
  }

  const std::string& error() const { return error_; }
  bool timed_out() const { return timed_out_; }

 private:
  void Flush() {
    char buf[16384];
    while (BIO_ctrl_pending(wbio_) > 0) {
      int n = BIO_read(wbio_, buf, sizeof(buf));
      if (n <= 0) return;
      size_t sent = 0;
      while (sent < static_cast<size_t>(n)) {
        ssize_t w = ::send(fd_, buf + sent, static_cast<size_t>(n) - sent, MSG_NOSIGNAL);
        if (w > 0) {
          sent += static_cast<size_t>(w);
          continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
          if (WaitFd(fd_, POLLOUT, deadline_) == 1) continue;
          timed_out_ = true;
        }
        // The peer may already have closed with an alert waiting in our receive buffer; reading finds it.
        if (error_.empty()) error_ = std::string("send: ") + std::strerror(errno);
        return;
      }
    }
  }

  bool Fill() {
    if (eof_) return false;
    int ready = WaitFd(fd_, POLLIN, deadline_);
    if (ready == 0) {
      timed_out_ = true;
      error_ = "timed out waiting for the server";
      return false;
    }
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    if (n <= 0) {
      eof_ = true;
      if (n < 0 && error_.empty()) error_ = std::string("recv: ") + std::strerror(errno);
      BIO_set_mem_eof_return(rbio_, 0);  // OpenSSL now sees the end instead of "retry"
      return true;
    }
    BIO_write(rbio_, buf, static_cast<int>(n));
    return true;
  }

  SSL* ssl_;
  int fd_;
  BIO* rbio_;
  BIO* wbio_;
  Clock::time_point deadline_;
  std::string error_;
  bool eof_ = false;
  bool timed_out_ = false;
};

bool LoadIdentity(SSL* ssl, const TlsProbeOptions& options, std::string& error) {
  Owned<BIO> cert_bio(BIO_new_mem_buf(options.cert_pem.data(), static_cast<int>(options.cert_pem.size())));
  Owned<X509> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  Owned<BIO> key_bio(BIO_new_mem_buf(options.key_pem.data(), static_cast<int>(options.key_pem.size())));
  Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!cert || !key) {
    error = "the client certificate or key does not parse: " + OpenSslErrors();
    return false;
  }
  if (SSL_use_certificate(ssl, cert.get()) != 1 || SSL_use_PrivateKey(ssl, key.get()) != 1 ||
      SSL_check_private_key(ssl) != 1) {
    error = "the client key does not belong to the client certificate: " + OpenSslErrors();
    return false;
  }
  return true;
}

}  // namespace

std::string AlertName(int alert) {
  switch (alert) {
    case 109: return "missing extension";
    case 116: return "certificate required";
    case 120: return "no application protocol";
    default: return SSL_alert_desc_string_long(alert);
  }
}

bool Endpoint::host_is_ip() const {
  in6_addr v6;
  in_addr v4;
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

std::string Endpoint::HostHeader() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string Endpoint::Url() const { return scheme + "://" + HostHeader(); }

Result<Endpoint> ParseEndpoint(std::string_view url) {
  auto bad = [&](std::string why) {
    return InvalidArgument("--endpoint '" + std::string(url) + "': " + why +
                           "; expected https://HOST:PORT (or http://HOST:PORT for a NOTLS deployment)");
  };
  Endpoint ep;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return bad("no scheme");
  ep.scheme = Lower(url.substr(0, sep));
  if (ep.scheme != "https" && ep.scheme != "http") return bad("scheme '" + ep.scheme + "' is not https or http");
  std::string_view rest = url.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return bad("a path is not expected");
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("unclosed '[' in the IPv6 address");
    ep.host = std::string(rest.substr(1, close - 1));
    if (close + 1 < rest.size() && rest[close + 1] == ':') port_text = rest.substr(close + 2);
  } else {
    size_t colon = rest.rfind(':');
    ep.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }
  if (ep.host.empty()) return bad("no host");
  if (port_text.empty()) return bad("no port (Kuscia's API listens on 8082; there is no default)");
  int port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9' || port > 65535) return bad("port '" + std::string(port_text) + "' is not a number");
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) return bad("port " + std::string(port_text) + " is out of range 1-65535");
  ep.port = static_cast<uint16_t>(port);
  return ep;
}

std::optional<std::string> HttpReply::Header(std::string_view name) const {
  std::string wanted = Lower(name);
  for (const auto& [key, value] : headers) {
    if (key == wanted) return value;
  }
  return std::nullopt;
}

std::optional<HttpReply> ParseHttpReply(std::string_view raw, bool at_eof) {
  if (!raw.starts_with("HTTP/1.")) return std::nullopt;
  size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return std::nullopt;
  HttpReply reply;
  std::string_view head = raw.substr(0, head_end);
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  size_t sp = status_line.find(' ');
  if (sp == std::string_view::npos || sp + 4 > status_line.size()) return std::nullopt;
  for (size_t i = sp + 1; i < sp + 4; ++i) {
    if (status_line[i] < '0' || status_line[i] > '9') return std::nullopt;
    reply.status = reply.status * 10 + (status_line[i] - '0');
  }
  if (sp + 5 <= status_line.size()) reply.reason = std::string(status_line.substr(sp + 5));
  size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(pos, end - pos);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
      reply.headers.emplace_back(Lower(line.substr(0, colon)), std::string(value));
    }
    pos = end + 2;
  }
  std::string_view body = raw.substr(head_end + 4);
  if (auto length = reply.Header("content-length")) {
    size_t want = std::strtoul(length->c_str(), nullptr, 10);
    if (body.size() < want) return std::nullopt;
    reply.body = std::string(body.substr(0, want));
    return reply;
  }
  if (auto te = reply.Header("transfer-encoding"); te && Lower(*te).find("chunked") != std::string::npos) {
    size_t at = 0;
    while (true) {
      size_t size_end = body.find("\r\n", at);
      if (size_end == std::string_view::npos) return std::nullopt;
      size_t chunk = std::strtoul(std::string(body.substr(at, size_end - at)).c_str(), nullptr, 16);
      if (chunk == 0) return reply;
      if (body.size() < size_end + 2 + chunk + 2) return std::nullopt;
      reply.body.append(body.substr(size_end + 2, chunk));
      at = size_end + 2 + chunk + 2;
    }
  }
  if (reply.status == 204 || reply.status == 304 || reply.status / 100 == 1) return reply;
  if (!at_eof) return std::nullopt;
  reply.body = std::string(body);
  return reply;
}

std::string HealthRequest(const Endpoint& endpoint, std::optional<std::string_view> token) {
  std::string request = "POST /healthZ HTTP/1.1\r\nHost: " + endpoint.HostHeader() +
                        "\r\nUser-Agent: kuscia-conform-doctor\r\nContent-Type: application/json\r\n";
  if (token) request += "Token: " + std::string(*token) + "\r\n";
  request += "Content-Length: 2\r\nConnection: close\r\n\r\n{}";
  return request;
}

Result<std::vector<ResolvedAddress>> Resolve(const Endpoint& endpoint) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = AF_UNSPEC;
  addrinfo* list = nullptr;
  int rc = ::getaddrinfo(endpoint.host.c_str(), std::to_string(endpoint.port).c_str(), &hints, &list);
  if (rc != 0) return NotFound("cannot resolve '" + endpoint.host + "': " + gai_strerror(rc));
  std::vector<ResolvedAddress> out;
  for (addrinfo* ai = list; ai; ai = ai->ai_next) {
    ResolvedAddress a;
    std::memcpy(&a.address, ai->ai_addr, ai->ai_addrlen);
    a.length = ai->ai_addrlen;
    char host[NI_MAXHOST] = "";
    ::getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), nullptr, 0, NI_NUMERICHOST);
    a.text = std::string(host) + ":" + std::to_string(endpoint.port);
    out.push_back(std::move(a));
  }
  ::freeaddrinfo(list);
  if (out.empty()) return NotFound("'" + endpoint.host + "' resolves to no address");
  return out;
}

Result<int> ConnectTcp(const std::vector<ResolvedAddress>& addresses, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::string errors;
  bool timed_out = false;
  for (const ResolvedAddress& a : addresses) {
    int fd = ::socket(a.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return Internal(std::string("socket: ") + std::strerror(errno));
    int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&a.address), a.length);
    int err = rc == 0 ? 0 : errno;
    if (err == EINPROGRESS) {
      int ready = WaitFd(fd, POLLOUT, deadline);
      if (ready == 0) {
        timed_out = true;
        err = ETIMEDOUT;
      } else {
        socklen_t len = sizeof(err);
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      }
    }
    if (err == 0) return fd;
    ::close(fd);
    if (!errors.empty()) errors += "; ";
    errors += a.text + ": " + std::strerror(err);
  }
  if (timed_out) return DeadlineExceeded("no answer to the TCP connect within the timeout (" + errors + ")");
  return Unavailable(errors);
}

TlsProbe ProbeTls(const std::vector<ResolvedAddress>& addresses, const TlsProbeOptions& options) {
  TlsProbe probe;
  auto deadline = Clock::now() + options.timeout;
  Result<int> connected = ConnectTcp(addresses, options.timeout);
  if (!connected.ok()) {
    probe.connect_error = connected.status().message();
    return probe;
  }
  Fd fd(*connected);
  Owned<SSL_CTX> ctx(SSL_CTX_new(TLS_client_method()));
  // We judge the server ourselves from the certificate it presents; the handshake must not stop before.
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  Owned<SSL> ssl(SSL_new(ctx.get()));
  Observed seen;
  SSL_set_app_data(ssl.get(), &seen);
  SSL_set_info_callback(ssl.get(), OnInfo);
  SSL_set_msg_callback(ssl.get(), OnMessage);
  SSL_set_msg_callback_arg(ssl.get(), &seen);
  if (!options.cert_pem.empty() || !options.key_pem.empty()) {
    if (!LoadIdentity(ssl.get(), options, probe.error)) {
      probe.identity_rejected_locally = true;
      return probe;
    }
  }
  if (!options.alpn.empty()) {
    std::string wire;
    for (const std::string& p : options.alpn) wire += static_cast<char>(p.size()) + p;
    SSL_set_alpn_protos(ssl.get(), reinterpret_cast<const unsigned char*>(wire.data()),
                        static_cast<unsigned>(wire.size()));
  }
  if (!options.sni.empty()) SSL_set_tlsext_host_name(ssl.get(), options.sni.c_str());
  BIO* rbio = BIO_new(BIO_s_mem());
  BIO* wbio = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl.get(), rbio, wbio);  // owned by ssl from here
  SSL_set_connect_state(ssl.get());

  Pump pump(ssl.get(), fd.get(), rbio, wbio, deadline);
  auto finish = [&] {
    probe.cert_requested = seen.cert_requested;
    probe.alert = seen.alert;
    if (seen.alert >= 0) probe.alert_text = AlertName(seen.alert);
    probe.timed_out = pump.timed_out();
    if (probe.error.empty()) probe.error = pump.error();
  };

  auto keep_peer_certificate = [&] {
    // Also after a failed TLS 1.2 handshake: the server's certificate arrived before it judged ours.
    if (X509* peer = SSL_get0_peer_certificate(ssl.get())) {
      Owned<BIO> out(BIO_new(BIO_s_mem()));
      PEM_write_bio_X509(out.get(), peer);
      char* data = nullptr;
      long len = BIO_get_mem_data(out.get(), &data);
      probe.peer_cert_pem.assign(data, static_cast<size_t>(len));
    }
  };
  if (pump.Run([&] { return SSL_connect(ssl.get()); }) <= 0) {
    keep_peer_certificate();
    finish();
    return probe;
  }
  probe.handshake_done = true;
  keep_peer_certificate();
  const unsigned char* alpn = nullptr;
  unsigned alpn_len = 0;
  SSL_get0_alpn_selected(ssl.get(), &alpn, &alpn_len);
  probe.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);

  if (options.request) {
    const std::string& req = *options.request;
    pump.Run([&] { return SSL_write(ssl.get(), req.data(), static_cast<int>(req.size())); });
  }
  bool eof = false;
  probe.raw_reply = ReadReply([&](char* buf, size_t size) -> long {
    return pump.Run([&] { return SSL_read(ssl.get(), buf, static_cast<int>(size)); });
  }, eof);
  // Reading has ended (end, error or deadline): a reply without a length runs to here.
  (void)eof;
  if (options.request) probe.reply = ParseHttpReply(probe.raw_reply, /*at_eof=*/true);
  probe.raw_reply = Capped(probe.raw_reply);
  finish();
  if (probe.reply) probe.error.clear();
  return probe;
}

PlainProbe ProbeHttp(const std::vector<ResolvedAddress>& addresses, const std::string& request,
                     std::chrono::milliseconds timeout) {
  PlainProbe probe;
  auto deadline = Clock::now() + timeout;
  Result<int> connected = ConnectTcp(addresses, timeout);
  if (!connected.ok()) {
    probe.connect_error = connected.status().message();
    return probe;
  }
  Fd fd(*connected);
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t w = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (w > 0) {
      sent += static_cast<size_t>(w);
    } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (WaitFd(fd.get(), POLLOUT, deadline) != 1) break;
    } else {
      probe.error = std::string("send: ") + std::strerror(errno);
      break;
    }
  }
  bool eof = false;
  std::string raw = ReadReply([&](char* buf, size_t size) -> long {
    while (true) {
      int ready = WaitFd(fd.get(), POLLIN, deadline);
      if (ready == 0) {
        probe.timed_out = true;
        return -1;
      }
      ssize_t n = ::recv(fd.get(), buf, size, 0);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n < 0 && probe.error.empty()) probe.error = std::string("recv: ") + std::strerror(errno);
      return n;
    }
  }, eof);
  (void)eof;
  probe.reply = ParseHttpReply(raw, /*at_eof=*/true);
  probe.raw_reply = Capped(raw);
  return probe;
}

}  // namespace kuscia::doctor
