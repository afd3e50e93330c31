// TEST SUPPORT ONLY: a tiny EC P-256 PKI made with the OpenSSL API for the transport's tests, until
// they move to kuscia::certs. Never used by the fake itself.
//
//   TestPki pki = MakeTestPki();
//   options.tls = pki.Material();           // CA + server leaf + key
//   WritePem(dir, "client.crt", pki.client.cert_pem);
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "mock_server/transport/http_server.h"

namespace kuscia::mock::transport::testing {

struct TestIdentity {
  std::string cert_pem, key_pem;
};

struct TestPki {
  TestIdentity ca;                       // self-signed CA
  TestIdentity server;                   // CN=KusciaAPI, SAN IP:127.0.0.1 + DNS:localhost, no EKU (as Kuscia)
  TestIdentity client;                   // signed by `ca`, no EKU: must pass mtls
  TestIdentity client_server_auth_only;  // EKU serverAuth only: must fail mtls (Go demands clientAuth)
  TestIdentity client_expired;           // expired a day ago: must fail with certificate_expired
  TestIdentity client_unknown_ca;        // signed by a different CA: must fail with unknown_ca

  TlsMaterial Material() const { return {ca.cert_pem, server.cert_pem, server.key_pem}; }
};

// Each call makes fresh keys; `ca_name` tells two PKIs apart in certificate subjects.
TestPki MakeTestPki(std::string_view ca_name = "Transport Test CA");

// Writes `pem` to dir/name and returns the path as a string (for curl arguments).
std::string WritePem(const std::filesystem::path& dir, std::string_view name, std::string_view pem);

}  // namespace kuscia::mock::transport::testing
