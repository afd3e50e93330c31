// Built instead of embedded_target.cc when the tree has no complete fake (mock_server) yet.
#include "harness/runner/target.h"

namespace kuscia::harness::runner {

Result<std::unique_ptr<Target>> StartEmbeddedTarget(const TargetOptions&) {
  return Unimplemented("the embedded fake is not part of this build (mock_server is incomplete); run against a "
                       "live endpoint with --target https://HOST:PORT --certs DIR");
}

}  // namespace kuscia::harness::runner
