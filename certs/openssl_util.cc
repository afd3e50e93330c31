#include "certs/openssl_util.h"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace kuscia::certs::ossl {

std::string DrainErrors() {
  std::string last;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    last = buf;
  }
  return last;
}

Status Error(std::string_view what) {
  std::string reason = DrainErrors();
  return Internal(std::string(what) + ": " + (reason.empty() ? "unknown OpenSSL error" : reason));
}

BioPtr MemoryBioFrom(std::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

Result<X509Ptr> ParseCertificatePem(std::string_view pem) {
  BioPtr bio = MemoryBioFrom(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    std::string reason = DrainErrors();
    return InvalidArgument("not a PEM certificate (" + reason + ")");
  }
  return cert;
}

Result<PkeyPtr> ParsePrivateKeyPem(std::string_view pem) {
  BioPtr bio = MemoryBioFrom(pem);
  // An empty passphrase callback: an encrypted key must fail here instead of prompting on the terminal.
  auto no_passphrase = [](char*, int, int, void*) -> int { return 0; };
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key) {
    std::string reason = DrainErrors();
    return InvalidArgument("not an unencrypted PEM private key (" + reason + ")");
  }
  return key;
}

}  // namespace kuscia::certs::ossl
