// The transport's TLS 1.3 record layer on its own: key derivation checked against OpenSSL's TLS13-KDF,
// and two record layers (server and client keys) talking over a socket pair. Interoperability with real
// TLS clients (OpenSSL, curl) is in http_server_tls_io_test.cc.
#include "mock_server/transport/tls13_records.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <numeric>
#include <random>

namespace kuscia::mock::transport::internal {
namespace {

using ::testing::HasSubstr;

std::vector<unsigned char> Secret(size_t length, unsigned char seed) {
  std::vector<unsigned char> secret(length);
  for (size_t i = 0; i < length; ++i) secret[i] = static_cast<unsigned char>(seed + 31 * i);
  return secret;
}

// OpenSSL's own HKDF-Expand-Label, used by its TLS 1.3 handshake: the independent answer.
std::vector<unsigned char> OpenSslExpandLabel(const char* digest, const std::vector<unsigned char>& secret,
                                              const std::string& label, size_t length) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "TLS13-KDF", nullptr);
  EVP_KDF_CTX* context = EVP_KDF_CTX_new(kdf);
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  static const char kPrefix[] = "tls13 ";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<unsigned char*>(secret.data()), secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PREFIX, const_cast<char*>(kPrefix), sizeof kPrefix - 1),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL, const_cast<char*>(label.data()), label.size()),
      OSSL_PARAM_construct_end(),
  };
  std::vector<unsigned char> out(length);
  bool ok = EVP_KDF_derive(context, out.data(), out.size(), params) == 1;
  EVP_KDF_CTX_free(context);
  EVP_KDF_free(kdf);
  return ok ? out : std::vector<unsigned char>{};
}

TEST(HkdfExpandLabelTest, MatchesOpenSslsTls13KdfForEveryKeyTheRecordLayerDerives) {
  for (const char* digest_name : {"SHA256", "SHA384"}) {
    EVP_MD* digest = EVP_MD_fetch(nullptr, digest_name, nullptr);
    ASSERT_NE(digest, nullptr);
    size_t hash_length = static_cast<size_t>(EVP_MD_get_size(digest));
    std::vector<unsigned char> secret = Secret(hash_length, 7);
    for (auto [label, length] : std::vector<std::pair<std::string, size_t>>{
             {"key", 16}, {"key", 32}, {"iv", 12}, {"traffic upd", hash_length}}) {
      std::vector<unsigned char> expected = OpenSslExpandLabel(digest_name, secret, label, length);
      ASSERT_EQ(expected.size(), length) << digest_name << " " << label;
      EXPECT_EQ(HkdfExpandLabel(digest, secret.data(), secret.size(), label, length), expected)
          << digest_name << " " << label << " " << length;
    }
    EXPECT_TRUE(HkdfExpandLabel(digest, secret.data(), secret.size(), "key", hash_length + 1).empty())
        << "one HMAC block is all this derives";
    EVP_MD_free(digest);
  }
}

TEST(Tls13SuiteTest, KnowsTheThreeDefaultTls13SuitesAndNothingElse) {
  ASSERT_NE(FindTls13Suite(0x1301), nullptr);
  EXPECT_EQ(FindTls13Suite(0x1301)->key_length, 16u);
  ASSERT_NE(FindTls13Suite(0x1302), nullptr);
  EXPECT_STREQ(FindTls13Suite(0x1302)->digest_name, "SHA384");
  ASSERT_NE(FindTls13Suite(0x1303), nullptr);
  EXPECT_EQ(FindTls13Suite(0x1304), nullptr);  // TLS_AES_128_CCM_SHA256: left to OpenSSL
  EXPECT_EQ(FindTls13Suite(0xC02F), nullptr);  // a TLS 1.2 suite
}

// A server record layer and the client's mirror image on the two ends of a non-blocking socket pair.
class RecordPairTest : public ::testing::TestWithParam<uint16_t> {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    server_fd_ = fds[0];
    client_fd_ = fds[1];
    for (int fd : fds) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    const Tls13Suite* suite = FindTls13Suite(GetParam());
    ASSERT_NE(suite, nullptr);
    EVP_MD* digest = EVP_MD_fetch(nullptr, suite->digest_name, nullptr);
    size_t hash_length = static_cast<size_t>(EVP_MD_get_size(digest));
    EVP_MD_free(digest);
    std::vector<unsigned char> client_secret = Secret(hash_length, 1), server_secret = Secret(hash_length, 2);
    // The server has sent one ticket under its secret already: the client expects sequence number 1.
    server_ = Tls13RecordLayer::Create(*suite, client_secret, server_secret, 0, 1);
    client_ = Tls13RecordLayer::Create(*suite, server_secret, client_secret, 1, 0);
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(client_, nullptr);
  }
  void TearDown() override {
    ::close(server_fd_);
    ::close(client_fd_);
  }

  // Sends all of `bytes`, draining `reader` into `received` whenever the socket is full.
  static void SendAll(Tls13RecordLayer& writer, int write_fd, std::string_view bytes, Tls13RecordLayer& reader,
                      int read_fd, std::string& received) {
    size_t done = 0;
    while (done < bytes.size()) {
      IoResult sent = writer.Send(write_fd, bytes.data() + done, bytes.size() - done);
      ASSERT_NE(sent.io, Io::kError) << sent.error;
      if (sent.io == Io::kProgress) {
        done += sent.bytes;
      } else {
        ReceiveAvailable(reader, read_fd, received);
      }
    }
  }
  static IoResult ReceiveAvailable(Tls13RecordLayer& reader, int fd, std::string& received) {
    char buffer[kTlsMaxPlaintext];
    for (;;) {
      IoResult got = reader.Receive(fd, buffer, sizeof buffer);
      if (got.io != Io::kProgress) return got;
      received.append(buffer, got.bytes);
    }
  }

  int server_fd_ = -1;
  int client_fd_ = -1;
  std::unique_ptr<Tls13RecordLayer> server_;
  std::unique_ptr<Tls13RecordLayer> client_;
};

std::string Pattern(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + (i * 7 + i / 977) % 26);
  return bytes;
}

TEST_P(RecordPairTest, BytesCrossWholeBothWaysThroughManyRecordsAndAFullSocket) {
  const std::string request = Pattern(300'000), answer = Pattern(1'000'000);
  std::string at_server, at_client;
  SendAll(*client_, client_fd_, request, *server_, server_fd_, at_server);
  EXPECT_EQ(ReceiveAvailable(*server_, server_fd_, at_server).io, Io::kWantRead);
  EXPECT_EQ(at_server, request);
  SendAll(*server_, server_fd_, answer, *client_, client_fd_, at_client);
  EXPECT_EQ(ReceiveAvailable(*client_, client_fd_, at_client).io, Io::kWantRead);
  EXPECT_EQ(at_client.size(), answer.size());
  EXPECT_TRUE(at_client == answer);
  EXPECT_EQ(server_->write_sequence(), client_->read_sequence());
  EXPECT_EQ(server_->read_sequence(), client_->write_sequence());
  EXPECT_EQ(server_->write_sequence(), 1u + (answer.size() + kTlsMaxPlaintext - 1) / kTlsMaxPlaintext);
}

TEST_P(RecordPairTest, ARecordArrivingOneByteAtATimeIsOpenedOnceWhole) {
  const std::string request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  ASSERT_EQ(client_->Send(pair[0], request.data(), request.size()).io, Io::kProgress);
  std::string record(request.size() + 22, '\0');
  ASSERT_EQ(::read(pair[1], record.data(), record.size()), static_cast<ssize_t>(record.size()));
  ::close(pair[0]);
  ::close(pair[1]);
  std::string received;
  for (size_t i = 0; i + 1 < record.size(); ++i) {
    ASSERT_EQ(::write(client_fd_, &record[i], 1), 1);
    EXPECT_EQ(ReceiveAvailable(*server_, server_fd_, received).io, Io::kWantRead) << "after byte " << i;
    EXPECT_EQ(received, "");
  }
  ASSERT_EQ(::write(client_fd_, &record.back(), 1), 1);
  EXPECT_EQ(ReceiveAvailable(*server_, server_fd_, received).io, Io::kWantRead);
  EXPECT_EQ(received, request);
}

TEST_P(RecordPairTest, ACloseNotifyEndsTheStreamAfterTheDataBeforeIt) {
  ASSERT_EQ(client_->Send(client_fd_, "last words", 10).io, Io::kProgress);
  client_->SendCloseNotify(client_fd_);
  std::string received;
  EXPECT_EQ(ReceiveAvailable(*server_, server_fd_, received).io, Io::kEof);
  EXPECT_EQ(received, "last words");
}

TEST_P(RecordPairTest, AChangedByteFailsAuthenticationAndThePeerHearsBadRecordMac) {
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  ASSERT_EQ(client_->Send(pair[0], "hello", 5).io, Io::kProgress);
  char record[27];
  ASSERT_EQ(::read(pair[1], record, sizeof record), 27);
  ::close(pair[0]);
  ::close(pair[1]);
  record[8] ^= 0x01;
  ASSERT_EQ(::write(client_fd_, record, sizeof record), 27);
  std::string received;
  IoResult result = ReceiveAvailable(*server_, server_fd_, received);
  EXPECT_EQ(result.io, Io::kError);
  EXPECT_THAT(result.error, HasSubstr("failed authentication"));
  EXPECT_EQ(received, "");
  std::string at_client;
  IoResult alert = ReceiveAvailable(*client_, client_fd_, at_client);
  EXPECT_EQ(alert.io, Io::kError);
  EXPECT_THAT(alert.error, HasSubstr("bad record mac (20)"));
}

TEST_P(RecordPairTest, AnOversizedOrUnprotectedRecordIsRefusedWithTheMatchingAlert) {
  const unsigned char oversized[] = {0x17, 0x03, 0x03, 0x48, 0x01};  // 18,433 bytes announced
  ASSERT_EQ(::write(client_fd_, oversized, sizeof oversized), 5);
  std::string received;
  IoResult result = ReceiveAvailable(*server_, server_fd_, received);
  EXPECT_EQ(result.io, Io::kError);
  EXPECT_THAT(result.error, HasSubstr("18433 bytes, more than TLS 1.3 allows"));
  std::string at_client;
  EXPECT_THAT(ReceiveAvailable(*client_, client_fd_, at_client).error, HasSubstr("record overflow (22)"));
}

TEST_P(RecordPairTest, AChangeCipherSpecAfterTheHandshakeIsAnUnexpectedMessage) {
  const unsigned char change_cipher_spec[] = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
  ASSERT_EQ(::write(client_fd_, change_cipher_spec, sizeof change_cipher_spec), 6);
  std::string received;
  IoResult result = ReceiveAvailable(*server_, server_fd_, received);
  EXPECT_EQ(result.io, Io::kError);
  EXPECT_THAT(result.error, HasSubstr("unprotected TLS record of type 20"));
  std::string at_client;
  EXPECT_THAT(ReceiveAvailable(*client_, client_fd_, at_client).error, HasSubstr("unexpected_message (10)"));
}

TEST_P(RecordPairTest, IdleMemoryIsGivenBackAndTheConnectionKeepsWorking) {
  std::string received;
  ASSERT_EQ(client_->Send(client_fd_, "ping", 4).io, Io::kProgress);
  EXPECT_EQ(ReceiveAvailable(*server_, server_fd_, received).io, Io::kWantRead);
  EXPECT_TRUE(server_->ReleaseIdleMemory());   // both cipher contexts and the record buffer
  EXPECT_FALSE(server_->ReleaseIdleMemory());  // nothing left to free
  ASSERT_EQ(client_->Send(client_fd_, "pong", 4).io, Io::kProgress);
  EXPECT_EQ(ReceiveAvailable(*server_, server_fd_, received).io, Io::kWantRead);
  EXPECT_EQ(received, "pingpong");
}

TEST_P(RecordPairTest, APeerThatLeavesWithoutCloseNotifyIsAnEndOfStream) {
  ::shutdown(client_fd_, SHUT_WR);
  std::string received;
  EXPECT_EQ(ReceiveAvailable(*server_, server_fd_, received).io, Io::kEof);
}

// Whatever a peer sends, the record layer answers with data, a wait or an error: never a crash or a read
// past its buffers (this test earns its keep under ASan). Bytes are random, or random behind a plausible
// header, or a real record with one byte changed.
TEST_P(RecordPairTest, ArbitraryBytesEndInAnErrorOrAWaitNeverACrash) {
  std::mt19937 random(GetParam());
  for (int round = 0; round < 150; ++round) {
    if (round > 0) {  // a fresh pair of sockets and record layers each round
      TearDown();
      SetUp();
    }
    std::string bytes(1 + random() % 40000, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    if (round % 3 == 1) {
      size_t length = random() % (kTlsMaxCiphertext + 64);
      bytes.replace(0, std::min<size_t>(5, bytes.size()),
                    std::string{'\x17', '\x03', '\x03', static_cast<char>(length >> 8), static_cast<char>(length)});
    } else if (round % 3 == 2) {
      int pair[2];
      ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
      std::string plain(random() % 20000, 'p');
      std::string record;
      for (size_t sent = 0; sent < plain.size() || record.empty();) {
        IoResult r = client_->Send(pair[0], plain.data() + sent, plain.size() - sent);
        ASSERT_EQ(r.io, Io::kProgress);
        sent += r.bytes;
        char buffer[65536];
        ssize_t n = ::recv(pair[1], buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0) record.append(buffer, static_cast<size_t>(n));
        if (plain.empty()) break;
      }
      ::close(pair[0]);
      ::close(pair[1]);
      if (!record.empty()) record[random() % record.size()] ^= static_cast<char>(1 + random() % 255);
      bytes = record;
    }
    ASSERT_EQ(::write(client_fd_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    std::string received;
    IoResult result = ReceiveAvailable(*server_, server_fd_, received);
    EXPECT_TRUE(result.io == Io::kError || result.io == Io::kWantRead) << "round " << round << ": " << result.error;
  }
}

INSTANTIATE_TEST_SUITE_P(Suites, RecordPairTest, ::testing::Values(0x1301, 0x1302, 0x1303),
                         [](const ::testing::TestParamInfo<uint16_t>& info) {
                           return info.param == 0x1301 ? "Aes128Gcm" : info.param == 0x1302 ? "Aes256Gcm" : "ChaCha20";
                         });

TEST(Tls13RecordLayerTest, RefusesSecretsOfTheWrongLength) {
  const Tls13Suite* suite = FindTls13Suite(0x1302);  // SHA-384: 48-byte secrets
  EXPECT_EQ(Tls13RecordLayer::Create(*suite, Secret(32, 1), Secret(48, 2), 0, 0), nullptr);
  EXPECT_NE(Tls13RecordLayer::Create(*suite, Secret(48, 1), Secret(48, 2), 0, 0), nullptr);
}

}  // namespace
}  // namespace kuscia::mock::transport::internal
