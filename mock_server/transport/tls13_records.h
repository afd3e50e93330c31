// The transport's own TLS 1.3 record layer. After a TLS 1.3 handshake, a connection protects and opens
// its records itself and frees OpenSSL's connection state: the SSL object, its session, the client
// certificate and both cipher contexts, about 19 KB a connection. What it keeps instead is two traffic
// secrets with their keys, IVs and sequence numbers (~400 bytes), plus cipher contexts and a record
// buffer only while it is busy (ReleaseIdleMemory gives them back). 10,000 idle mTLS connections then
// fit in the memory that OpenSSL alone would need for 2,000.
//
// OpenSSL 3.0 has no call that hands a connection's record state over, so a tap collects it during the
// handshake: the key-log callback carries the application traffic secrets, and the message callback
// counts the records each side protected with them before the handshake returned (the server's session
// ticket). The handshake runs with read-ahead off, so OpenSSL never holds a byte past the client's
// Finished; anything unexpected (TLS 1.2, an unknown cipher suite, bytes left in OpenSSL) leaves the
// connection with OpenSSL, as before.
//
//   InstallTls13Tap(ctx);                              // once per SSL_CTX, before any handshake
//   Tls13HandshakeTap tap;  tap.Attach(ssl);           // before SSL_do_handshake
//   ... SSL_do_handshake(ssl) == 1 ...
//   std::unique_ptr<Tls13RecordLayer> records = tap.TakeOver(ssl);   // null: keep using OpenSSL
//   SSL_free(ssl);
//   IoResult got = records->Receive(fd, buffer, sizeof buffer);
//
// Internal to mock_server/transport; every call runs on the connection's loop thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mock_server/transport/io_result.h"

struct ssl_ctx_st;
struct ssl_st;
struct evp_cipher_ctx_st;
struct evp_md_st;

namespace kuscia::mock::transport::internal {

// The largest plaintext of one record, and the largest protected record body (RFC 8446 §5.2).
inline constexpr size_t kTlsMaxPlaintext = 16384;
inline constexpr size_t kTlsMaxCiphertext = kTlsMaxPlaintext + 256;

// TLS 1.3 cipher suites the record layer protects itself; others stay with OpenSSL.
struct Tls13Suite {
  uint16_t id;              // 0x1301 ...
  const char* cipher_name;  // as EVP_CIPHER_fetch knows it
  const char* digest_name;
  size_t key_length;
};
const Tls13Suite* FindTls13Suite(uint16_t id);

// HKDF-Expand-Label(secret, label, "", length) of RFC 8446 §7.1, for lengths up to the hash's size
// (every key, IV and updated secret the record layer derives). Empty when OpenSSL fails.
std::vector<unsigned char> HkdfExpandLabel(const evp_md_st* digest, const unsigned char* secret, size_t secret_length,
                                           std::string_view label, size_t length);

// Sets the SSL_CTX's key-log callback, which feeds the tap of whichever connection logs a secret.
void InstallTls13Tap(ssl_ctx_st* ctx);

class Tls13RecordLayer;

// Watches one server handshake. Must outlive the handshake, or be detached (TakeOver does that).
class Tls13HandshakeTap {
 public:
  Tls13HandshakeTap() = default;
  ~Tls13HandshakeTap();
  Tls13HandshakeTap(const Tls13HandshakeTap&) = delete;
  Tls13HandshakeTap& operator=(const Tls13HandshakeTap&) = delete;

  // Also turns read-ahead off for the handshake: OpenSSL then reads each record exactly.
  void Attach(ssl_st* ssl);
  // After SSL_do_handshake returned 1: the record layer that continues this connection, or null when it
  // must stay with OpenSSL (then read-ahead is turned back on). Detaches the tap either way.
  std::unique_ptr<Tls13RecordLayer> TakeOver(ssl_st* ssl);

  // Callback plumbing (called by OpenSSL through the functions in the .cc).
  void OnKeyLogLine(std::string_view line);
  void OnRecordOrMessage(bool written, int content_type, const unsigned char* bytes, size_t length);

 private:
  void Detach(ssl_st* ssl);

  std::vector<unsigned char> client_secret_;
  std::vector<unsigned char> server_secret_;
  bool client_finished_seen_ = false;
  bool server_finished_seen_ = false;
  uint64_t records_read_after_finished_ = 0;
  uint64_t records_written_after_finished_ = 0;
};

// Application data records of one established TLS 1.3 connection, on a non-blocking socket.
class Tls13RecordLayer {
 public:
  // `client_secret`/`server_secret`: the application traffic secrets; the sequence numbers: records
  // already protected with them.
  static std::unique_ptr<Tls13RecordLayer> Create(const Tls13Suite& suite, const std::vector<unsigned char>& client_secret,
                                                  const std::vector<unsigned char>& server_secret, uint64_t read_sequence,
                                                  uint64_t write_sequence);
  ~Tls13RecordLayer();
  Tls13RecordLayer(const Tls13RecordLayer&) = delete;
  Tls13RecordLayer& operator=(const Tls13RecordLayer&) = delete;

  // Up to `size` bytes of the peer's application data. kEof: close_notify, or the socket closed; kError:
  // a record that fails authentication or breaks the protocol (an alert has been sent when possible).
  IoResult Receive(int fd, char* data, size_t size);
  // Protects up to one record of `data` and sends it. kWantWrite: none of `data` was taken yet; call again
  // with the same bytes once the socket is writable (SSL_write's contract, which the connection follows).
  IoResult Send(int fd, const char* data, size_t size);
  // close_notify, after whatever is half-sent. Best effort: never waits for the socket.
  void SendCloseNotify(int fd);
  // Received bytes not yet returned by Receive (which no socket readiness would announce).
  bool HasBufferedInput() const { return plain_begin_ < plain_end_ || in_begin_ < in_end_; }
  // Frees the cipher contexts, and the record buffer when it is empty. False when nothing was held.
  bool ReleaseIdleMemory();

  // What a peer sees: the connection's keys, for tests that act as that peer.
  uint64_t read_sequence() const { return read_.sequence; }
  uint64_t write_sequence() const { return write_.sequence; }

 private:
  struct Direction {
    std::array<unsigned char, 64> secret{};
    std::array<unsigned char, 32> key{};
    std::array<unsigned char, 12> iv{};
    uint64_t sequence = 0;
    evp_cipher_ctx_st* context = nullptr;  // keyed; created on first use, freed when idle
  };

  explicit Tls13RecordLayer(const Tls13Suite& suite);
  bool SetSecret(Direction& direction, const unsigned char* secret);
  bool UpdateSecret(Direction& direction);
  evp_cipher_ctx_st* ContextFor(Direction& direction, bool encrypt);
  // Protects `length` bytes plus the inner content type into `out` (kTlsRecordOverhead + length bytes).
  bool Seal(unsigned char inner_type, const unsigned char* plaintext, size_t length, unsigned char* out);
  // A whole record opened in place: application data at `content` (content_length bytes; 0 for a control
  // record, which has been acted on), or the end of the stream, or an error.
  struct Opened {
    IoResult result;
    const unsigned char* content = nullptr;
    size_t content_length = 0;
  };
  Opened OpenRecordAt(int fd, unsigned char* record);
  // The length of the record starting at `bytes` (0 while its header is incomplete); kError when too long.
  IoResult WholeRecordLength(int fd, const unsigned char* bytes, size_t available, size_t& length);
  static IoResult ReceiveBytes(int fd, unsigned char* into, size_t room);
  IoResult OnPostHandshakeMessages(int fd, const unsigned char* bytes, size_t length);
  IoResult Fail(int fd, unsigned char alert, std::string error);
  // Seals a record that carries no caller bytes (alert, KeyUpdate) behind anything half-sent, and sends.
  bool SendControl(int fd, unsigned char inner_type, const unsigned char* bytes, size_t length);
  // Sends pending_ from pending_sent_; kProgress when all of it left.
  IoResult FlushPending(int fd);

  const Tls13Suite& suite_;
  const evp_md_st* digest_ = nullptr;
  size_t hash_length_ = 0;
  Direction read_;
  Direction write_;
  // Received bytes a single read could not finish: [plain_begin_, plain_end_) opened plaintext not yet
  // returned, then [in_begin_, in_end_) records not yet opened. Reads go to a per-thread buffer first;
  // this one exists only while a connection has several records or a part of one (large bodies,
  // pipelining), and is freed when idle.
  std::unique_ptr<unsigned char[]> in_;
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  size_t plain_begin_ = 0;
  size_t plain_end_ = 0;
  bool peer_closed_ = false;
  // Protected bytes the socket has not taken yet, and how many caller bytes the first record of them holds
  // (0 for a control record): Send reports those once the bytes are out.
  std::string pending_;
  size_t pending_sent_ = 0;
  size_t pending_plaintext_ = 0;
  bool close_notify_sent_ = false;
};

}  // namespace kuscia::mock::transport::internal
