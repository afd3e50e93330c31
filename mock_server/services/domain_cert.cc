#include "mock_server/services/domain_cert.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace kuscia::mock::services {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// pem.Decode + x509.ParseCertificate: the first PEM block must be a CERTIFICATE that parses.
bool IsPemCertificate(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!bio) return false;
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  if (PEM_read_bio(bio.get(), &name, &header, &data, &length) != 1) return false;
  bool ok = std::string_view(name) == "CERTIFICATE";
  if (ok) {
    const unsigned char* p = data;
    X509* cert = d2i_X509(nullptr, &p, length);
    ok = cert != nullptr;
    X509_free(cert);
  }
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  return ok;
}

std::string Trim(std::string_view s, char c) {
  size_t begin = s.find_first_not_of(c);
  if (begin == std::string_view::npos) return "";
  return std::string(s.substr(begin, s.find_last_not_of(c) - begin + 1));
}

std::string Armour(std::string_view body) {
  return "-----BEGIN CERTIFICATE-----\n" + std::string(body) + "\n-----END CERTIFICATE-----";
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(v >> shift) & 63]);
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

bool Base64Decode(std::string_view text, std::string* out) {
  std::string clean;
  for (char c : text) {
    if (c != '\r' && c != '\n') clean.push_back(c);
  }
  if (clean.size() % 4 != 0) return false;
  out->clear();
  for (size_t i = 0; i < clean.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = clean[i + k];
      if (c == '=') {
        // Padding only in the last quantum, only at its end.
        if (i + 4 != clean.size() || k < 2) return false;
        v[k] = 0;
        ++pad;
      } else {
        if (pad > 0) return false;
        v[k] = Sextet(c);
        if (v[k] < 0) return false;
      }
    }
    uint32_t bits = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out->push_back(static_cast<char>((bits >> 16) & 0xFF));
    if (pad < 2) out->push_back(static_cast<char>((bits >> 8) & 0xFF));
    if (pad < 1) out->push_back(static_cast<char>(bits & 0xFF));
  }
  return true;
}

Status VerifyEncodedCert(std::string_view base64_cert) {
  std::string pem;
  if (!Base64Decode(base64_cert, &pem)) return InvalidArgument("cert must be encoded with base64");
  if (!IsPemCertificate(pem)) return InvalidArgument("cert format is invalid, must be an x509 certificate");
  return OkStatus();
}

Result<std::string> NormalizeDomainCert(std::string_view raw) {
  std::string input = Trim(raw, '\n');
  Status original = VerifyEncodedCert(input);
  if (original.ok()) return input;
  auto try_form = [](const std::string& candidate) -> bool { return VerifyEncodedCert(candidate).ok(); };

  if (std::string encoded = Base64Encode(input); try_form(encoded)) return encoded;
  if (input.rfind("-----BEGIN CERTIFICATE-----", 0) != 0) {
    if (std::string encoded = Base64Encode(Armour(input)); try_form(encoded)) return encoded;
  }
  if (input.find('\n') == std::string::npos && input.size() >= 1040) {
    // A body pasted on one line: Kuscia re-wraps the first 16 lines of 64 characters.
    std::string body;
    for (int line = 0; line < 16; ++line) body += input.substr(line * 64, 64) + "\n";
    body.pop_back();
    if (std::string encoded = Base64Encode(Armour(body)); try_form(encoded)) return encoded;
  }
  if (std::string once; Base64Decode(input, &once) && try_form(once)) return once;
  if (input.find('\r') != std::string::npos) {
    std::string without;
    for (char c : input) {
      if (c != '\r') without.push_back(c);
    }
    return NormalizeDomainCert(without);
  }
  return original;
}

std::string EncodeCaCert(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!in) return "";
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) return "";
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
  if (!out || PEM_write_bio_X509(out.get(), cert.get()) != 1) return "";
  char* data = nullptr;
  long size = BIO_get_mem_data(out.get(), &data);
  return Base64Encode(std::string_view(data, static_cast<size_t>(size)));
}

}  // namespace kuscia::mock::services
