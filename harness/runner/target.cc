#include "harness/runner/target.h"

#include "sys/files.h"

namespace kuscia::harness::runner {
namespace {

class LiveTarget : public Target {
 public:
  LiveTarget(TargetInfo info, std::optional<ControlChannel> control)
      : info_(std::move(info)), control_(std::move(control)) {}
  const TargetInfo& info() const override { return info_; }
  const ControlChannel* control() const override { return control_ ? &*control_ : nullptr; }

 private:
  TargetInfo info_;
  std::optional<ControlChannel> control_;
};

// The --admin-token file as kuscia-mock reads it: trailing whitespace (echo's newline) is not part of it.
Result<std::string> ReadAdminTokenFile(const std::filesystem::path& file) {
  Result<std::string> text = sys::ReadFile(file);
  if (!text.ok()) return text.status().WithContext("--admin-token");
  std::string token = *text;
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  if (token.empty()) return InvalidArgument("--admin-token " + file.string() + " is empty");
  return token;
}

}  // namespace

Result<const Target*> Target::Variant(const TargetVariant& variant) const {
  if (variant.manual_clock && !info().manual_clock) {
    return FailedPrecondition(info().live ? "needs a manual clock: start kuscia-mock with --clock manual and give "
                                            "its control plane with --admin"
                                          : "needs a manual clock, which this target does not have");
  }
  if (variant.autonomy && !info().autonomy) {
    return FailedPrecondition(info().live ? "needs a fake in autonomy mode; only the embedded target starts one"
                                          : "needs a fake in autonomy mode, which this target is not");
  }
  return this;
}

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
    if (options.admin_url) {
      return InvalidArgument("--admin is for a kuscia-mock started on its own (--target https://HOST:PORT); the "
                             "embedded target has its control plane built in");
    }
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
    std::optional<ControlChannel> control;
    if (options.admin_url) {
      KC_ASSIGN_OR_RETURN(std::string admin_url, NormaliseAdminUrl(*options.admin_url));
      std::optional<std::string> token;
      if (options.admin_token_file) {
        KC_ASSIGN_OR_RETURN(token, ReadAdminTokenFile(*options.admin_token_file));
      }
      control.emplace(admin_url, token);
      // Ask once: it proves the address and tells whether the clock is manual.
      Result<nlohmann::json> clock = control->Call("GET", "/admin/clock");
      if (!clock.ok()) return clock.status().WithContext("--admin " + *options.admin_url);
      info.control_plane = true;
      info.manual_clock = clock->value("kind", "") == "manual";
      info.description += " (control plane " + admin_url + ")";
    } else if (options.admin_token_file) {
      return InvalidArgument("--admin-token is the token of a control plane; give the control plane with --admin");
    }
    target = std::make_unique<LiveTarget>(std::move(info), std::move(control));
  }
  target->SetClientPair(options.client_cert, options.client_key);
  return target;
}

}  // namespace kuscia::harness::runner
