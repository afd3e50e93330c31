// CurlClient: runs the real `curl` exactly as the Kuscia docs do (--cert --key --cacert, a Token header,
// optionally -k) and maps its exit code, %{http_code} and %{ssl_verify_result} to the Outcome.
// CurlCommandLine() renders the same request as a paste-able command for reports; the token appears as
// "$(cat FILE)", never by value.
//
//   CurlClient curl;
//   Result<Outcome> o = curl.Send(request);
//   std::cout << CurlCommandLine(request);   // curl -X POST 'https://…/healthZ' --header "Token: $(cat …)" …
#pragma once

#include <string>
#include <vector>

#include "harness/client/client.h"

namespace kuscia::harness {

class CurlClient : public Client {
 public:
  explicit CurlClient(std::string program = "curl") : program_(std::move(program)) {}
  std::string name() const override { return "curl"; }
  Result<Outcome> Send(const ClientRequest& request) override;

 private:
  std::string program_;
};

// The equivalent shell command (one line, single-quoted arguments).
std::string CurlCommandLine(const ClientRequest& request);

// Quotes one argument for a POSIX shell ('…' with embedded quotes escaped); bare when it is safe.
std::string ShellQuote(const std::string& arg);

}  // namespace kuscia::harness
