#include "harness/runner/target.h"

namespace kuscia::harness::runner {
namespace {

class LiveTarget : public Target {
 public:
  explicit LiveTarget(TargetInfo info) : info_(std::move(info)) {}
  const TargetInfo& info() const override { return info_; }

 private:
  TargetInfo info_;
};

}  // namespace

ClientIdentity Target::DefaultIdentity() const {
  ClientIdentity id = ClientIdentity::FromKusciaDir(info().certs_dir);
  if (client_cert_) id.client_cert = client_cert_;
  if (client_key_) id.client_key = client_key_;
  if (info().base_url.rfind("http://", 0) == 0) {  // NOTLS: no TLS and no token check (reference §1.2)
    id.client_cert.reset();
    id.client_key.reset();
  }
  return id;
}

void Target::SetClientPair(std::optional<std::filesystem::path> cert, std::optional<std::filesystem::path> key) {
  client_cert_ = std::move(cert);
  client_key_ = std::move(key);
}

Result<std::unique_ptr<Target>> OpenTarget(const TargetOptions& options) {
  std::unique_ptr<Target> target;
  if (options.spec == "embedded") {
    KC_ASSIGN_OR_RETURN(target, StartEmbeddedTarget(options));
  } else {
    KC_ASSIGN_OR_RETURN(BaseUrl url, ParseBaseUrl(options.spec));
    if (options.certs_dir.empty() && url.scheme == "https") {
      return InvalidArgument("--target " + options.spec + " needs --certs DIR (a Kuscia var/certs directory with "
                             "ca.crt, kusciaapi-server.crt/.key and token)");
    }
    if (!options.certs_dir.empty() && !std::filesystem::exists(options.certs_dir / "ca.crt")) {
      return InvalidArgument("--certs " + options.certs_dir.string() + " has no ca.crt; point it at Kuscia's "
                             "var/certs (or a copy of it)");
    }
    TargetInfo info{.spec = options.spec, .description = "live " + options.spec, .base_url = options.spec,
                    .certs_dir = options.certs_dir, .live = true};
    while (!info.base_url.empty() && info.base_url.back() == '/') info.base_url.pop_back();
    std::filesystem::path catalogue = options.certs_dir / "catalogue";
    if (!options.certs_dir.empty() && std::filesystem::is_directory(catalogue)) info.catalogue_dir = catalogue;
    target = std::make_unique<LiveTarget>(std::move(info));
  }
  target->SetClientPair(options.client_cert, options.client_key);
  return target;
}

}  // namespace kuscia::harness::runner
