// The one file of the harness that links the fake: fresh certificates (and the catalogue of broken
// identities) in a temp dir, MockServer on 127.0.0.1:0, stopped and removed when the target dies.
#include <memory>

#include "certs/catalogue.h"
#include "certs/kuscia_dir.h"
#include "harness/runner/target.h"
#include "mock_server/server.h"
#include "sys/files.h"

namespace kuscia::harness::runner {
namespace {

class EmbeddedTarget : public Target {
 public:
  const TargetInfo& info() const override { return info_; }
  ~EmbeddedTarget() override {
    if (server_) server_->Stop();
  }

  TargetInfo info_;
  sys::TempDir dir_{"kc-embedded"};
  std::unique_ptr<mock::MockServer> server_;
};

}  // namespace

Result<std::unique_ptr<Target>> StartEmbeddedTarget(const TargetOptions& options) {
  auto target = std::make_unique<EmbeddedTarget>();
  if (options.keep_files) target->dir_.Keep();
  std::filesystem::path certs_dir = target->dir_.path() / "certs";
  // The machine's host name and IP stay out of the certificate: the fake listens on 127.0.0.1 only.
  KC_ASSIGN_OR_RETURN(certs::KusciaDirPaths paths, certs::WriteKusciaDir({.dir = certs_dir, .add_host_sans = false}));
  Result<std::vector<std::filesystem::path>> catalogue = certs::WriteCatalogue(paths, certs_dir);
  if (!catalogue.ok()) return catalogue.status().WithContext("writing the certs catalogue for the embedded fake");

  mock::MockServerOptions server_options;
  server_options.certs_dir = certs_dir;
  server_options.port = 0;
  server_options.task_duration = options.task_duration;
  Result<std::unique_ptr<mock::MockServer>> server = mock::MockServer::Start(server_options);
  if (!server.ok()) return server.status().WithContext("starting the embedded fake");
  target->server_ = std::move(*server);
  target->info_ = TargetInfo{.spec = "embedded",
                             .description = "embedded fake at " + target->server_->base_url(),
                             .base_url = target->server_->base_url(),
                             .certs_dir = certs_dir,
                             .catalogue_dir = certs_dir / certs::kCatalogueDirName,
                             .live = false};
  return std::unique_ptr<Target>(std::move(target));
}

}  // namespace kuscia::harness::runner
