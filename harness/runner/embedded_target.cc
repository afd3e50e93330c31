// The one file of the harness that links the fake: fresh certificates (and the catalogue of broken
// identities) in a temp dir, MockServer on 127.0.0.1:0 with its control plane on a loopback admin port,
// stopped and removed when the target dies. Scenarios that need another kind of fake (a manual clock,
// autonomy mode) get a second MockServer on a copy of the certificates, started the first time one asks.
#include <map>
#include <memory>
#include <mutex>

#include "certs/catalogue.h"
#include "certs/kuscia_dir.h"
#include "harness/runner/target.h"
#include "mock_server/server.h"
#include "sys/files.h"

namespace kuscia::harness::runner {
namespace {

std::string VariantName(const TargetVariant& variant) {
  std::string name;
  if (variant.manual_clock) name += "manual clock";
  if (variant.autonomy) name += std::string(name.empty() ? "" : ", ") + "autonomy mode as alice";
  return name;
}

class EmbeddedFake : public Target {
 public:
  EmbeddedFake(std::unique_ptr<mock::MockServer> server, TargetInfo info)
      : server_(std::move(server)), info_(std::move(info)), control_(server_->admin_url(), std::nullopt) {}
  ~EmbeddedFake() override { server_->Stop(); }

  const TargetInfo& info() const override { return info_; }
  const ControlChannel* control() const override { return &control_; }

  static Result<std::unique_ptr<EmbeddedFake>> Start(const TargetOptions& options,
                                                     const std::filesystem::path& certs_dir,
                                                     const TargetVariant& variant) {
    mock::MockServerOptions server_options;
    server_options.certs_dir = certs_dir;
    server_options.port = 0;
    server_options.task_duration = options.task_duration;
    server_options.heartbeat = options.heartbeat;
    server_options.admin = "127.0.0.1:0";
    if (variant.manual_clock) server_options.clock = mock::ClockKind::kManual;
    if (variant.autonomy) server_options.node = {mock::services::NodeMode::kAutonomy, "alice"};
    Result<std::unique_ptr<mock::MockServer>> server = mock::MockServer::Start(server_options);
    if (!server.ok()) return server.status().WithContext("starting the embedded fake");
    std::string variant_name = VariantName(variant);
    TargetInfo info{.spec = "embedded",
                    .description = "embedded fake at " + (*server)->base_url() +
                                   (variant_name.empty() ? "" : " (" + variant_name + ")"),
                    .base_url = (*server)->base_url(),
                    .certs_dir = certs_dir,
                    .catalogue_dir = certs_dir / certs::kCatalogueDirName,
                    .live = false,
                    .control_plane = true,
                    .manual_clock = variant.manual_clock,
                    .autonomy = variant.autonomy};
    return std::make_unique<EmbeddedFake>(std::move(*server), std::move(info));
  }

 private:
  std::unique_ptr<mock::MockServer> server_;
  TargetInfo info_;
  ControlChannel control_;
};

class EmbeddedTarget : public Target {
 public:
  EmbeddedTarget(TargetOptions options, std::unique_ptr<sys::TempDir> dir, std::filesystem::path certs_dir,
                 std::unique_ptr<EmbeddedFake> main)
      : options_(std::move(options)), dir_(std::move(dir)), certs_dir_(std::move(certs_dir)), main_(std::move(main)) {}
  ~EmbeddedTarget() override {
    variants_.clear();
    main_.reset();
  }

  const TargetInfo& info() const override { return main_->info(); }
  const ControlChannel* control() const override { return main_->control(); }

  Result<const Target*> Variant(const TargetVariant& variant) const override {
    if (variant == TargetVariant{}) return this;
    std::lock_guard<std::mutex> lock(mutex_);
    auto key = std::make_pair(variant.manual_clock, variant.autonomy);
    auto it = variants_.find(key);
    if (it == variants_.end()) {
      // Its own copy of the certificates: a scenario that rewrites the token file on one fake must not
      // change the credentials of scenarios running on another.
      std::filesystem::path copy = dir_->path() / ("certs-" + std::to_string(variants_.size() + 1));
      std::error_code ec;
      std::filesystem::copy(certs_dir_, copy, std::filesystem::copy_options::recursive, ec);
      if (ec) return Internal("copying " + certs_dir_.string() + " for the " + VariantName(variant) + " fake: " + ec.message());
      KC_ASSIGN_OR_RETURN(std::unique_ptr<EmbeddedFake> fake, EmbeddedFake::Start(options_, copy, variant));
      fake->SetClientPair(options_.client_cert, options_.client_key);
      it = variants_.emplace(key, std::move(fake)).first;
    }
    return static_cast<const Target*>(it->second.get());
  }

 private:
  TargetOptions options_;
  std::unique_ptr<sys::TempDir> dir_;
  std::filesystem::path certs_dir_;
  std::unique_ptr<EmbeddedFake> main_;
  mutable std::mutex mutex_;
  mutable std::map<std::pair<bool, bool>, std::unique_ptr<EmbeddedFake>> variants_;
};

}  // namespace

Result<std::unique_ptr<Target>> StartEmbeddedTarget(const TargetOptions& options) {
  auto dir = std::make_unique<sys::TempDir>("kc-embedded");
  if (options.keep_files) dir->Keep();
  std::filesystem::path certs_dir = dir->path() / "certs";
  // The machine's host name and IP stay out of the certificate: the fake listens on 127.0.0.1 only.
  KC_ASSIGN_OR_RETURN(certs::KusciaDirPaths paths, certs::WriteKusciaDir({.dir = certs_dir, .add_host_sans = false}));
  Result<std::vector<std::filesystem::path>> catalogue = certs::WriteCatalogue(paths, certs_dir);
  if (!catalogue.ok()) return catalogue.status().WithContext("writing the certs catalogue for the embedded fake");
  KC_ASSIGN_OR_RETURN(std::unique_ptr<EmbeddedFake> main, EmbeddedFake::Start(options, certs_dir, TargetVariant{}));
  return std::unique_ptr<Target>(
      std::make_unique<EmbeddedTarget>(options, std::move(dir), certs_dir, std::move(main)));
}

}  // namespace kuscia::harness::runner
