#include "mock_server/transport/tls13_records.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace kuscia::mock::transport::internal {
namespace {

constexpr unsigned char kContentAlert = 21;
constexpr unsigned char kContentHandshake = 22;
constexpr unsigned char kContentApplicationData = 23;
constexpr unsigned char kHandshakeFinished = 20;
constexpr unsigned char kHandshakeKeyUpdate = 24;
constexpr unsigned char kAlertCloseNotify = 0;
constexpr unsigned char kAlertUnexpectedMessage = 10;
constexpr unsigned char kAlertBadRecordMac = 20;
constexpr unsigned char kAlertRecordOverflow = 22;
constexpr unsigned char kAlertDecodeError = 50;
constexpr unsigned char kAlertUserCanceled = 90;
constexpr size_t kHeaderBytes = 5;
constexpr size_t kTagBytes = 16;
// Header, inner content type, tag.
constexpr size_t kRecordOverhead = kHeaderBytes + 1 + kTagBytes;
// At least one whole record, the most Receive must hold to open it; a socket read fills the rest.
constexpr size_t kInBufferBytes = 17 * 1024;
static_assert(kInBufferBytes >= kHeaderBytes + kTlsMaxCiphertext);

constexpr Tls13Suite kSuites[] = {
    {0x1301, "AES-128-GCM", "SHA256", 16},
    {0x1302, "AES-256-GCM", "SHA384", 32},
    {0x1303, "ChaCha20-Poly1305", "SHA256", 32},
};

// Fetched once: EVP_CIPHER_fetch and EVP_MD_fetch search the provider tables on every call.
struct FetchedAlgorithms {
  EVP_CIPHER* ciphers[std::size(kSuites)] = {};
  EVP_MD* digests[std::size(kSuites)] = {};
  FetchedAlgorithms() {
    for (size_t i = 0; i < std::size(kSuites); ++i) {
      ciphers[i] = EVP_CIPHER_fetch(nullptr, kSuites[i].cipher_name, nullptr);
      digests[i] = EVP_MD_fetch(nullptr, kSuites[i].digest_name, nullptr);
    }
  }
};
const FetchedAlgorithms& Algorithms() {
  static const FetchedAlgorithms algorithms;  // process lifetime: loop threads may still use them at exit
  return algorithms;
}
size_t SuiteIndex(const Tls13Suite& suite) { return static_cast<size_t>(&suite - kSuites); }

int TapIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

void OnKeyLog(const SSL* ssl, const char* line) {
  if (auto* tap = static_cast<Tls13HandshakeTap*>(SSL_get_ex_data(ssl, TapIndex()))) tap->OnKeyLogLine(line);
}

void OnMessage(int write_p, int, int content_type, const void* buf, size_t len, SSL*, void* arg) {
  if (arg == nullptr) return;
  static_cast<Tls13HandshakeTap*>(arg)->OnRecordOrMessage(write_p != 0, content_type,
                                                          static_cast<const unsigned char*>(buf), len);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<unsigned char> DecodeHex(std::string_view hex) {
  std::vector<unsigned char> bytes;
  if (hex.size() % 2 != 0) return bytes;
  bytes.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int high = HexValue(hex[i]), low = HexValue(hex[i + 1]);
    if (high < 0 || low < 0) return {};
    bytes.push_back(static_cast<unsigned char>(high * 16 + low));
  }
  return bytes;
}

void Cleanse(std::vector<unsigned char>& secret) {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

// The per-record nonce: the IV with the sequence number XORed into its last 8 bytes (RFC 8446 §5.3).
std::array<unsigned char, 12> Nonce(const std::array<unsigned char, 12>& iv, uint64_t sequence) {
  std::array<unsigned char, 12> nonce = iv;
  for (int i = 0; i < 8; ++i) nonce[11 - i] ^= static_cast<unsigned char>(sequence >> (8 * i));
  return nonce;
}

void WriteHeader(unsigned char* out, size_t body_length) {
  out[0] = kContentApplicationData;  // every protected record looks like application data outside
  out[1] = 0x03;
  out[2] = 0x03;
  out[3] = static_cast<unsigned char>(body_length >> 8);
  out[4] = static_cast<unsigned char>(body_length);
}

// The loop thread's sealing buffer: one whole record.
unsigned char* SealScratch() {
  thread_local std::unique_ptr<unsigned char[]> scratch(new unsigned char[kRecordOverhead + kTlsMaxPlaintext]);
  return scratch.get();
}

// The loop thread's receiving buffer: what one read brings, opened in place when it is one whole record.
unsigned char* ReceiveScratch() {
  thread_local std::unique_ptr<unsigned char[]> scratch(new unsigned char[kInBufferBytes]);
  return scratch.get();
}

std::string AlertName(unsigned char description) {
  const char* name = SSL_alert_desc_string_long(description);
  return std::string(name != nullptr ? name : "unknown") + " (" + std::to_string(description) + ")";
}

}  // namespace

const Tls13Suite* FindTls13Suite(uint16_t id) {
  for (const Tls13Suite& suite : kSuites) {
    if (suite.id == id) return &suite;
  }
  return nullptr;
}

std::vector<unsigned char> HkdfExpandLabel(const evp_md_st* digest, const unsigned char* secret, size_t secret_length,
                                           std::string_view label, size_t length) {
  // HkdfLabel = uint16 length, opaque label<7..255> = "tls13 " + label, opaque context<0..255> = "";
  // one HMAC block T(1) = HMAC(secret, HkdfLabel || 0x01) covers every length up to the hash size.
  static constexpr std::string_view kPrefix = "tls13 ";
  size_t hash_length = static_cast<size_t>(EVP_MD_get_size(digest));
  if (length > hash_length || kPrefix.size() + label.size() > 255) return {};
  std::vector<unsigned char> info;
  info.push_back(static_cast<unsigned char>(length >> 8));
  info.push_back(static_cast<unsigned char>(length));
  info.push_back(static_cast<unsigned char>(kPrefix.size() + label.size()));
  info.insert(info.end(), kPrefix.begin(), kPrefix.end());
  info.insert(info.end(), label.begin(), label.end());
  info.push_back(0);  // empty context
  info.push_back(1);  // block counter
  std::vector<unsigned char> block(EVP_MAX_MD_SIZE);
  unsigned int block_length = 0;
  if (HMAC(digest, secret, static_cast<int>(secret_length), info.data(), info.size(), block.data(), &block_length) ==
          nullptr ||
      block_length < length) {
    return {};
  }
  block.resize(length);
  return block;
}

void InstallTls13Tap(ssl_ctx_st* ctx) { SSL_CTX_set_keylog_callback(ctx, OnKeyLog); }

// ---- the handshake tap ----

Tls13HandshakeTap::~Tls13HandshakeTap() {
  Cleanse(client_secret_);
  Cleanse(server_secret_);
}

void Tls13HandshakeTap::Attach(ssl_st* ssl) {
  SSL_set_ex_data(ssl, TapIndex(), this);
  SSL_set_msg_callback(ssl, OnMessage);
  SSL_set_msg_callback_arg(ssl, this);
  SSL_set_read_ahead(ssl, 0);
}

void Tls13HandshakeTap::Detach(ssl_st* ssl) {
  SSL_set_ex_data(ssl, TapIndex(), nullptr);
  SSL_set_msg_callback(ssl, nullptr);
  SSL_set_msg_callback_arg(ssl, nullptr);
}

void Tls13HandshakeTap::OnKeyLogLine(std::string_view line) {
  // "<LABEL> <client random, hex> <secret, hex>"
  size_t first_space = line.find(' ');
  size_t second_space = first_space == std::string_view::npos ? first_space : line.find(' ', first_space + 1);
  if (second_space == std::string_view::npos) return;
  std::string_view label = line.substr(0, first_space);
  std::string_view secret = line.substr(second_space + 1);
  if (label == "CLIENT_TRAFFIC_SECRET_0") {
    client_secret_ = DecodeHex(secret);
  } else if (label == "SERVER_TRAFFIC_SECRET_0") {
    server_secret_ = DecodeHex(secret);
  }
}

void Tls13HandshakeTap::OnRecordOrMessage(bool written, int content_type, const unsigned char* bytes, size_t length) {
  // A record's header is reported before the handshake message it carries, so the counts start with
  // the record after each side's Finished: the first one protected with the application secrets.
  if (content_type == SSL3_RT_HEADER) {
    if (written && server_finished_seen_) ++records_written_after_finished_;
    if (!written && client_finished_seen_) ++records_read_after_finished_;
    return;
  }
  if (content_type == SSL3_RT_HANDSHAKE && length > 0 && bytes[0] == kHandshakeFinished) {
    (written ? server_finished_seen_ : client_finished_seen_) = true;
  }
}

std::unique_ptr<Tls13RecordLayer> Tls13HandshakeTap::TakeOver(ssl_st* ssl) {
  Detach(ssl);
  std::unique_ptr<Tls13RecordLayer> records;
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
  const Tls13Suite* suite = cipher != nullptr ? FindTls13Suite(SSL_CIPHER_get_protocol_id(cipher)) : nullptr;
  // Nothing may be left inside OpenSSL: no bytes read past the Finished, no application record opened.
  if (SSL_version(ssl) == TLS1_3_VERSION && suite != nullptr && client_finished_seen_ && server_finished_seen_ &&
      records_read_after_finished_ == 0 && SSL_has_pending(ssl) == 0 && SSL_pending(ssl) == 0) {
    records = Tls13RecordLayer::Create(*suite, client_secret_, server_secret_, records_read_after_finished_,
                                       records_written_after_finished_);
  }
  Cleanse(client_secret_);
  Cleanse(server_secret_);
  if (records == nullptr) SSL_set_read_ahead(ssl, 1);  // OpenSSL keeps the connection: whole socket reads
  return records;
}

// ---- the record layer ----

Tls13RecordLayer::Tls13RecordLayer(const Tls13Suite& suite) : suite_(suite) {
  digest_ = Algorithms().digests[SuiteIndex(suite)];
  hash_length_ = digest_ != nullptr ? static_cast<size_t>(EVP_MD_get_size(digest_)) : 0;
}

std::unique_ptr<Tls13RecordLayer> Tls13RecordLayer::Create(const Tls13Suite& suite,
                                                           const std::vector<unsigned char>& client_secret,
                                                           const std::vector<unsigned char>& server_secret,
                                                           uint64_t read_sequence, uint64_t write_sequence) {
  std::unique_ptr<Tls13RecordLayer> records(new Tls13RecordLayer(suite));
  size_t hash_length = records->hash_length_;
  if (hash_length == 0 || Algorithms().ciphers[SuiteIndex(suite)] == nullptr || client_secret.size() != hash_length ||
      server_secret.size() != hash_length || !records->SetSecret(records->read_, client_secret.data()) ||
      !records->SetSecret(records->write_, server_secret.data())) {
    return nullptr;
  }
  records->read_.sequence = read_sequence;
  records->write_.sequence = write_sequence;
  return records;
}

Tls13RecordLayer::~Tls13RecordLayer() {
  for (Direction* direction : {&read_, &write_}) {
    EVP_CIPHER_CTX_free(direction->context);
    OPENSSL_cleanse(direction->secret.data(), direction->secret.size());
    OPENSSL_cleanse(direction->key.data(), direction->key.size());
  }
}

bool Tls13RecordLayer::SetSecret(Direction& direction, const unsigned char* secret) {
  std::vector<unsigned char> key = HkdfExpandLabel(digest_, secret, hash_length_, "key", suite_.key_length);
  std::vector<unsigned char> iv = HkdfExpandLabel(digest_, secret, hash_length_, "iv", direction.iv.size());
  if (key.size() != suite_.key_length || iv.size() != direction.iv.size()) return false;
  std::memmove(direction.secret.data(), secret, hash_length_);
  std::copy(key.begin(), key.end(), direction.key.begin());
  std::copy(iv.begin(), iv.end(), direction.iv.begin());
  OPENSSL_cleanse(key.data(), key.size());
  direction.sequence = 0;
  EVP_CIPHER_CTX_free(direction.context);
  direction.context = nullptr;
  return true;
}

// KeyUpdate: application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length).
bool Tls13RecordLayer::UpdateSecret(Direction& direction) {
  std::vector<unsigned char> next =
      HkdfExpandLabel(digest_, direction.secret.data(), hash_length_, "traffic upd", hash_length_);
  bool ok = next.size() == hash_length_ && SetSecret(direction, next.data());
  Cleanse(next);
  return ok;
}

evp_cipher_ctx_st* Tls13RecordLayer::ContextFor(Direction& direction, bool encrypt) {
  if (direction.context != nullptr) return direction.context;
  EVP_CIPHER_CTX* context = EVP_CIPHER_CTX_new();
  if (context == nullptr) return nullptr;
  if (EVP_CipherInit_ex2(context, Algorithms().ciphers[SuiteIndex(suite_)], direction.key.data(), nullptr,
                         encrypt ? 1 : 0, nullptr) != 1) {
    EVP_CIPHER_CTX_free(context);
    return nullptr;
  }
  direction.context = context;
  return context;
}

bool Tls13RecordLayer::Seal(unsigned char inner_type, const unsigned char* plaintext, size_t length, unsigned char* out) {
  EVP_CIPHER_CTX* context = ContextFor(write_, true);
  if (context == nullptr) return false;
  size_t body_length = length + 1 + kTagBytes;
  WriteHeader(out, body_length);
  std::array<unsigned char, 12> nonce = Nonce(write_.iv, write_.sequence);
  int produced = 0;
  unsigned char* body = out + kHeaderBytes;
  bool ok = EVP_CipherInit_ex2(context, nullptr, nullptr, nonce.data(), 1, nullptr) == 1 &&
            EVP_CipherUpdate(context, nullptr, &produced, out, kHeaderBytes) == 1 &&
            (length == 0 || EVP_CipherUpdate(context, body, &produced, plaintext, static_cast<int>(length)) == 1) &&
            EVP_CipherUpdate(context, body + length, &produced, &inner_type, 1) == 1 &&
            EVP_CipherFinal_ex(context, body + length + 1, &produced) == 1 &&
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, kTagBytes, body + length + 1) == 1;
  if (ok) ++write_.sequence;
  return ok;
}

IoResult Tls13RecordLayer::Receive(int fd, char* data, size_t size) {
  for (;;) {
    if (plain_begin_ < plain_end_) {
      size_t n = std::min(size, plain_end_ - plain_begin_);
      std::memcpy(data, in_.get() + plain_begin_, n);
      plain_begin_ += n;
      return {Io::kProgress, n};
    }
    if (peer_closed_) return {Io::kEof};
    if (in_begin_ < in_end_) {
      // Bytes kept from an earlier read: open the records they complete, read behind a partial one.
      size_t record_length = 0;
      IoResult length = WholeRecordLength(fd, in_.get() + in_begin_, in_end_ - in_begin_, record_length);
      if (length.io != Io::kProgress) return length;
      if (record_length != 0 && in_end_ - in_begin_ >= record_length) {
        Opened opened = OpenRecordAt(fd, in_.get() + in_begin_);
        in_begin_ += record_length;
        if (opened.result.io != Io::kProgress) return opened.result;
        plain_begin_ = static_cast<size_t>(opened.content - in_.get());
        plain_end_ = plain_begin_ + opened.content_length;  // empty for a control record
        continue;
      }
      size_t kept = in_end_ - in_begin_;
      std::memmove(in_.get(), in_.get() + in_begin_, kept);
      in_begin_ = plain_begin_ = plain_end_ = 0;
      in_end_ = kept;
      IoResult got = ReceiveBytes(fd, in_.get() + in_end_, kInBufferBytes - in_end_);
      if (got.io != Io::kProgress) return got;
      in_end_ += got.bytes;
      continue;
    }
    // Nothing kept: read into the loop thread's buffer. A read of exactly one whole record (a request, a
    // small body) is opened there and costs the connection no buffer of its own.
    unsigned char* scratch = ReceiveScratch();
    IoResult got = ReceiveBytes(fd, scratch, kInBufferBytes);
    if (got.io != Io::kProgress) return got;
    size_t record_length = 0;
    IoResult length = WholeRecordLength(fd, scratch, got.bytes, record_length);
    if (length.io != Io::kProgress) return length;
    if (record_length == got.bytes && record_length <= size + kRecordOverhead) {
      Opened opened = OpenRecordAt(fd, scratch);
      if (opened.result.io != Io::kProgress) return opened.result;
      if (opened.content_length == 0) continue;  // a control record, or empty application data
      std::memcpy(data, opened.content, opened.content_length);
      return {Io::kProgress, opened.content_length};
    }
    // Several records, or a part of one: the connection keeps them until they are opened.
    if (!in_) in_.reset(new unsigned char[kInBufferBytes]);
    std::memcpy(in_.get(), scratch, got.bytes);
    in_begin_ = plain_begin_ = plain_end_ = 0;
    in_end_ = got.bytes;
  }
}

IoResult Tls13RecordLayer::ReceiveBytes(int fd, unsigned char* into, size_t room) {
  for (;;) {
    ssize_t got = ::recv(fd, into, room, 0);
    if (got > 0) return {Io::kProgress, static_cast<size_t>(got)};
    if (got == 0) return {Io::kEof};  // a FIN without close_notify: the peer left, as OpenSSL 3 reports it
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {Io::kWantRead};
    return {Io::kError, 0, std::strerror(errno)};
  }
}

IoResult Tls13RecordLayer::WholeRecordLength(int fd, const unsigned char* bytes, size_t available, size_t& length) {
  length = 0;
  if (available < kHeaderBytes) return {Io::kProgress};
  size_t body_length = (size_t{bytes[3]} << 8) | bytes[4];
  if (body_length > kTlsMaxCiphertext) {
    return Fail(fd, kAlertRecordOverflow,
                "a TLS record of " + std::to_string(body_length) + " bytes, more than TLS 1.3 allows");
  }
  length = kHeaderBytes + body_length;
  return {Io::kProgress};
}

Tls13RecordLayer::Opened Tls13RecordLayer::OpenRecordAt(int fd, unsigned char* record) {
  unsigned char* header = record;
  size_t body_length = (size_t{header[3]} << 8) | header[4];
  unsigned char* body = header + kHeaderBytes;
  if (header[0] != kContentApplicationData) {
    // After the handshake every record is protected, so its outer type is always application data;
    // a change_cipher_spec or a plaintext alert here breaks the protocol (Go and OpenSSL end with this).
    return {Fail(fd, kAlertUnexpectedMessage,
                 "an unprotected TLS record of type " + std::to_string(header[0]) + " after the handshake")};
  }
  if (header[1] != 0x03 || header[2] != 0x03) {
    return {Fail(fd, kAlertDecodeError, "a TLS record with version bytes " + std::to_string(header[1]) + "." +
                                            std::to_string(header[2]) + " (TLS 1.3 records carry 3.3)")};
  }
  if (body_length < 1 + kTagBytes) return {Fail(fd, kAlertDecodeError, "a TLS record too short to be protected")};
  EVP_CIPHER_CTX* context = ContextFor(read_, false);
  if (context == nullptr) return {Fail(fd, kAlertBadRecordMac, "no cipher context for the TLS record layer")};
  size_t sealed_length = body_length - kTagBytes;
  std::array<unsigned char, 12> nonce = Nonce(read_.iv, read_.sequence);
  int produced = 0;
  bool authentic =
      EVP_CipherInit_ex2(context, nullptr, nullptr, nonce.data(), 0, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, kTagBytes, body + sealed_length) == 1 &&
      EVP_CipherUpdate(context, nullptr, &produced, header, kHeaderBytes) == 1 &&
      EVP_CipherUpdate(context, body, &produced, body, static_cast<int>(sealed_length)) == 1 &&
      EVP_CipherFinal_ex(context, body + produced, &produced) == 1;
  if (!authentic) {
    return {Fail(fd, kAlertBadRecordMac, "a TLS record failed authentication (wrong key, or bytes changed in transit)")};
  }
  ++read_.sequence;
  // TLSInnerPlaintext = content, content type, zero padding.
  size_t inner_length = sealed_length;
  while (inner_length > 0 && body[inner_length - 1] == 0) --inner_length;
  if (inner_length == 0) return {Fail(fd, kAlertUnexpectedMessage, "a TLS record with no content type")};
  unsigned char inner_type = body[inner_length - 1];
  size_t content_length = inner_length - 1;
  switch (inner_type) {
    case kContentApplicationData:
      return {{Io::kProgress}, body, content_length};
    case kContentAlert:
      if (content_length != 2) return {Fail(fd, kAlertDecodeError, "a TLS alert of the wrong length")};
      if (body[1] == kAlertCloseNotify) {
        peer_closed_ = true;
        return {{Io::kEof}};
      }
      if (body[1] == kAlertUserCanceled) return {{Io::kProgress}, body, 0};  // a close_notify follows it
      return {{Io::kError, 0, "the peer sent the TLS alert " + AlertName(body[1])}};
    case kContentHandshake: {
      IoResult handled = OnPostHandshakeMessages(fd, body, content_length);
      return {std::move(handled), body, 0};
    }
    default:
      return {Fail(fd, kAlertUnexpectedMessage, "a TLS record of content type " + std::to_string(inner_type))};
  }
}

IoResult Tls13RecordLayer::OnPostHandshakeMessages(int fd, const unsigned char* bytes, size_t length) {
  // A server that asks for no post-handshake authentication accepts one message after the handshake:
  // KeyUpdate, alone at the end of its record (later records use the new key).
  if (length != 5 || bytes[0] != kHandshakeKeyUpdate || bytes[1] != 0 || bytes[2] != 0 || bytes[3] != 1 ||
      bytes[4] > 1) {
    std::string what = length > 0 ? "handshake message of type " + std::to_string(bytes[0]) : "empty handshake record";
    return Fail(fd, kAlertUnexpectedMessage, "an unexpected post-handshake " + what);
  }
  bool update_requested = bytes[4] == 1;
  if (!UpdateSecret(read_)) return Fail(fd, kAlertDecodeError, "could not derive the updated read key");
  if (update_requested) {
    // Answered with our own KeyUpdate (update_not_requested) under the old key; then ours changes too.
    static constexpr unsigned char kKeyUpdateNotRequested[] = {kHandshakeKeyUpdate, 0, 0, 1, 0};
    if (!SendControl(fd, kContentHandshake, kKeyUpdateNotRequested, sizeof kKeyUpdateNotRequested) ||
        !UpdateSecret(write_)) {
      return {Io::kError, 0, "could not answer the peer's KeyUpdate"};
    }
  }
  return {Io::kProgress};
}

IoResult Tls13RecordLayer::Fail(int fd, unsigned char alert, std::string error) {
  const unsigned char fatal[] = {2, alert};
  SendControl(fd, kContentAlert, fatal, sizeof fatal);
  close_notify_sent_ = true;  // nothing follows a fatal alert
  return {Io::kError, 0, std::move(error)};
}

bool Tls13RecordLayer::SendControl(int fd, unsigned char inner_type, const unsigned char* bytes, size_t length) {
  unsigned char* record = SealScratch();
  if (!Seal(inner_type, bytes, length, record)) return false;
  pending_.append(reinterpret_cast<const char*>(record), kRecordOverhead + length);
  FlushPending(fd);  // what the socket does not take now goes out before the next Send's record
  return true;
}

IoResult Tls13RecordLayer::FlushPending(int fd) {
  while (pending_sent_ < pending_.size()) {
    ssize_t sent = ::send(fd, pending_.data() + pending_sent_, pending_.size() - pending_sent_, MSG_NOSIGNAL);
    if (sent >= 0) {
      pending_sent_ += static_cast<size_t>(sent);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {Io::kWantWrite};
    return {Io::kError, 0, std::strerror(errno)};
  }
  pending_.clear();
  pending_sent_ = 0;
  return {Io::kProgress};
}

IoResult Tls13RecordLayer::Send(int fd, const char* data, size_t size) {
  if (!pending_.empty()) {
    IoResult flushed = FlushPending(fd);
    if (flushed.io != Io::kProgress) return flushed;
  }
  // The caller's bytes of a record that was half-sent (a control record's flush may have finished it).
  if (pending_plaintext_ > 0) return {Io::kProgress, std::exchange(pending_plaintext_, 0)};
  if (size == 0) return {Io::kProgress, 0};
  size_t length = std::min(size, kTlsMaxPlaintext);
  unsigned char* record = SealScratch();
  if (!Seal(kContentApplicationData, reinterpret_cast<const unsigned char*>(data), length, record)) {
    return {Io::kError, 0, "could not protect a TLS record"};
  }
  size_t record_length = kRecordOverhead + length;
  size_t sent = 0;
  while (sent < record_length) {
    ssize_t n = ::send(fd, record + sent, record_length - sent, MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return {Io::kError, 0, std::strerror(errno)};
  }
  if (sent == record_length) return {Io::kProgress, length};
  // The record is sealed (its sequence number used): keep the rest, report the caller's bytes later.
  pending_.assign(reinterpret_cast<const char*>(record) + sent, record_length - sent);
  pending_sent_ = 0;
  pending_plaintext_ = length;
  return {Io::kWantWrite};
}

void Tls13RecordLayer::SendCloseNotify(int fd) {
  if (close_notify_sent_) return;
  close_notify_sent_ = true;
  static constexpr unsigned char kCloseNotify[] = {1, kAlertCloseNotify};
  SendControl(fd, kContentAlert, kCloseNotify, sizeof kCloseNotify);
}

bool Tls13RecordLayer::ReleaseIdleMemory() {
  bool released = false;
  for (Direction* direction : {&read_, &write_}) {
    if (direction->context == nullptr) continue;
    EVP_CIPHER_CTX_free(direction->context);
    direction->context = nullptr;
    released = true;
  }
  if (in_ && !HasBufferedInput()) {
    in_.reset();
    in_begin_ = in_end_ = plain_begin_ = plain_end_ = 0;
    released = true;
  }
  if (pending_.empty() && pending_.capacity() > std::string().capacity()) {
    std::string().swap(pending_);
    released = true;
  }
  return released;
}

}  // namespace kuscia::mock::transport::internal
