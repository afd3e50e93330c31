// Owners for OpenSSL objects and the one place where OpenSSL's error queue becomes a kuscia::Status.
//
// Internal to certs/: the rest of the project sees PEM strings, files and Status, never OpenSSL types.
//
//   KC_ASSIGN_OR_RETURN(ossl::X509Ptr cert, ossl::ParseCertificatePem(pem));
//   if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) return ossl::Error("signing the certificate");
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "api/status.h"

namespace kuscia::certs::ossl {

template <auto FreeFn>
struct Deleter {
  template <typename T>
  void operator()(T* p) const { FreeFn(p); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using EkuPtr = std::unique_ptr<EXTENDED_KEY_USAGE, Deleter<EXTENDED_KEY_USAGE_free>>;
using BasicConstraintsPtr = std::unique_ptr<BASIC_CONSTRAINTS, Deleter<BASIC_CONSTRAINTS_free>>;

// Internal("<what>: <OpenSSL's reason>"), emptying the thread's error queue so later calls start clean.
Status Error(std::string_view what);

// Empties the thread's error queue; returns the last reason (or "" when it was empty).
std::string DrainErrors();

BioPtr MemoryBioFrom(std::string_view data);
std::string BioContents(BIO* bio);

// InvalidArgument when `pem` holds no certificate / private key of the expected kind.
Result<X509Ptr> ParseCertificatePem(std::string_view pem);
Result<PkeyPtr> ParsePrivateKeyPem(std::string_view pem);

}  // namespace kuscia::certs::ossl
