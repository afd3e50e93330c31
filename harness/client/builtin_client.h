// BuiltinClient: the project's own client on cpp-httplib (one connection per request, no redirects
// followed, no retries), so what a scenario observes is exactly one exchange.
//
//   BuiltinClient client;
//   Result<Outcome> o = client.Send(request);
#pragma once

#include "harness/client/client.h"

namespace kuscia::harness {

class BuiltinClient : public Client {
 public:
  std::string name() const override { return "builtin"; }
  Result<Outcome> Send(const ClientRequest& request) override;
};

}  // namespace kuscia::harness
