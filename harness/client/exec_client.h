// ExecClient: a user's client under test, run once per request. The request goes to the program's stdin
// as one JSON object; the program prints one JSON outcome on stdout and exits 0. The contract is
// documented in docs/clients.md; harness/examples/python_client.py is a reference adapter.
//
//   ExecClient client({"python3", "harness/examples/python_client.py"});
//   Result<Outcome> o = client.Send(request);   // error when the adapter breaks the contract
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/client/client.h"

namespace kuscia::harness {

class ExecClient : public Client {
 public:
  explicit ExecClient(std::vector<std::string> argv) : argv_(std::move(argv)) {}
  std::string name() const override;
  Result<Outcome> Send(const ClientRequest& request) override;

 private:
  std::vector<std::string> argv_;
};

// The stdin document for `request` (token by value: stdin is not visible to other users, argv would be).
Result<nlohmann::json> ExecRequestJson(const ClientRequest& request);
// Parses the adapter's stdout; InvalidArgument naming the field that breaks the contract.
Result<Outcome> ParseExecOutcome(const std::string& stdout_text);

}  // namespace kuscia::harness
