#include "mock_server/services/domain_service.h"

#include <optional>

#include "api/error_codes.h"
#include "mock_server/services/domain_cert.h"
#include "mock_server/services/kube_validation.h"
#include "mock_server/services/service_common.h"

namespace kuscia::mock::services {
namespace {

using nlohmann::ordered_json;

constexpr char kMasterDomain[] = "master";
constexpr char kPartner[] = "partner";
constexpr char kLiteNotSupported[] = "kuscia lite api not support this interface now";

// GetDomainErrorCode: a NotFound from the apiserver is 11305, an AlreadyExists 11306, anything else the
// operation's own code.
int DomainErrorCode(const Status& status, int fallback) {
  if (status.code() == StatusCode::kNotFound) return api::kErrDomainNotExists;
  if (status.code() == StatusCode::kAlreadyExists) return api::kErrDomainExists;
  return fallback;
}

ordered_json DefaultAuthCenter() { return {{"authentication_type", "Token"}, {"token_gen_method", "RSA-GEN"}}; }

ordered_json AuthCenterOf(const ordered_json& request) {
  const ordered_json* auth = ObjField(request, "auth_center");
  if (auth == nullptr) return nullptr;
  return {{"authentication_type", StrField(*auth, "authentication_type")},
          {"token_gen_method", StrField(*auth, "token_gen_method")}};
}

// The checks create and update share, in Kuscia's order after the id checks: role, then the master domain.
std::optional<std::string> RoleAndMasterError(const store::DataStore& store, const std::string& domain_id,
                                              const std::string& role, const std::string& master_domain_id) {
  if (!role.empty() && role != kPartner) return std::string("role is invalid, must be empty or partner");
  if (!master_domain_id.empty() && master_domain_id != domain_id) {
    Result<ordered_json> master = store.GetDomain(master_domain_id);
    if (!master.ok()) return "check master domain id failed with err " + master.status().message();
    std::string master_role = StrField(*master, "role");
    if (master_role != role) return "master domain role is " + master_role + ", but current role is " + role;
  }
  return std::nullopt;
}

}  // namespace

ordered_json NewDomainRecord(const std::string& domain_id, const std::string& role, const std::string& cert,
                             ordered_json auth_center, const std::string& master_domain_id) {
  ordered_json domain;
  domain["domain_id"] = domain_id;
  domain["role"] = role;
  domain["cert"] = cert;
  domain["node_statuses"] = ordered_json::array();
  domain["deploy_token_statuses"] = ordered_json::array();
  domain["annotations"] = ordered_json::object();
  domain["auth_center"] = std::move(auth_center);
  domain["master_domain_id"] = master_domain_id;
  return domain;
}

DomainService::DomainService(store::DataStore& store, engine::Engine& engine, NodeIdentity node,
                             const std::string& ca_cert_pem)
    : store_(store), engine_(engine), node_(std::move(node)), master_cert_(EncodeCaCert(ca_cert_pem)) {}

ordered_json DomainService::CreateDomain(const ordered_json& request) {
  if (node_.mode == NodeMode::kLite) return StatusOnlyResponse(kErrLiteAPINotSupport, kLiteNotSupported);
  std::string domain_id = StrField(request, "domain_id");
  if (domain_id.empty()) return StatusOnlyResponse(api::kErrRequestValidate, "domain id can not be empty");
  if (domain_id == kMasterDomain) {
    return StatusOnlyResponse(api::kErrRequestValidate, "domain id can not be 'master', please choose another name");
  }
  // Kuscia's own spelling of the field name.
  if (auto error = ValidateK8sName(domain_id, "doamin_id")) return StatusOnlyResponse(api::kErrRequestValidate, *error);
  std::string role = StrField(request, "role");
  std::string master_domain_id = StrField(request, "master_domain_id");
  if (auto error = RoleAndMasterError(store_, domain_id, role, master_domain_id)) {
    return StatusOnlyResponse(api::kErrRequestValidate, *error);
  }
  std::string cert = StrField(request, "cert");
  if (!cert.empty()) {
    Result<std::string> valid = NormalizeDomainCert(cert);
    if (!valid.ok()) return StatusOnlyResponse(api::kErrRequestValidate, valid.status().message());
    cert = *valid;
  }
  ordered_json auth_center = AuthCenterOf(request);
  if (auth_center.is_null()) auth_center = DefaultAuthCenter();
  Status created = store_.CreateDomain(NewDomainRecord(domain_id, role, cert, std::move(auth_center), master_domain_id));
  if (!created.ok()) return StatusOnlyResponse(DomainErrorCode(created, api::kErrCreateDomain), created.message());
  engine_.AddDomain(domain_id, role == kPartner);
  return StatusOnlyResponse();
}

ordered_json DomainService::QueryDomain(const ordered_json& request) {
  std::string domain_id = StrField(request, "domain_id");
  if (domain_id.empty()) return ErrorResponse(api::kErrRequestValidate, "domain id can not be empty");
  if (domain_id == kMasterDomain) {
    if (master_cert_.empty()) return ErrorResponse(api::kErrQueryDomain, "master ca cert is nil");
    return SuccessResponse({{"domain_id", kMasterDomain}, {"cert", master_cert_}});
  }
  Result<ordered_json> domain = store_.GetDomain(domain_id);
  if (!domain.ok()) return ErrorResponse(DomainErrorCode(domain.status(), api::kErrQueryDomain), domain.status().message());
  return SuccessResponse(std::move(domain).value());
}

ordered_json DomainService::UpdateDomain(const ordered_json& request) {
  if (node_.mode == NodeMode::kLite) return StatusOnlyResponse(kErrLiteAPINotSupport, kLiteNotSupported);
  std::string domain_id = StrField(request, "domain_id");
  if (domain_id.empty()) return StatusOnlyResponse(api::kErrRequestValidate, "domain id can not be empty");
  std::string role = StrField(request, "role");
  std::string master_domain_id = StrField(request, "master_domain_id");
  if (auto error = RoleAndMasterError(store_, domain_id, role, master_domain_id)) {
    return StatusOnlyResponse(api::kErrRequestValidate, *error);
  }
  std::string cert = StrField(request, "cert");
  if (!cert.empty()) {
    Result<std::string> valid = NormalizeDomainCert(cert);
    if (!valid.ok()) return StatusOnlyResponse(api::kErrRequestValidate, valid.status().message());
    cert = *valid;
  }
  Result<ordered_json> current = store_.GetDomain(domain_id);
  if (!current.ok()) {
    return StatusOnlyResponse(DomainErrorCode(current.status(), api::kErrUpdateDomain), current.status().message());
  }
  ordered_json updated = std::move(current).value();
  updated["role"] = role;
  if (!cert.empty()) updated["cert"] = cert;
  updated["master_domain_id"] = master_domain_id.empty() ? domain_id : master_domain_id;
  updated["auth_center"] = AuthCenterOf(request);  // an update without one clears it
  Status stored = store_.UpdateDomain(std::move(updated));
  if (!stored.ok()) return StatusOnlyResponse(api::kErrUpdateDomain, stored.message());
  engine_.AddDomain(domain_id, role == kPartner);
  return StatusOnlyResponse();
}

ordered_json DomainService::DeleteDomain(const ordered_json& request) {
  if (node_.mode == NodeMode::kLite) return StatusOnlyResponse(kErrLiteAPINotSupport, kLiteNotSupported);
  std::string domain_id = StrField(request, "domain_id");
  if (domain_id.empty()) return StatusOnlyResponse(api::kErrRequestValidate, "domain id can not be empty");
  Status deleted = store_.DeleteDomain(domain_id);
  if (!deleted.ok()) return StatusOnlyResponse(DomainErrorCode(deleted, api::kErrDeleteDomain), deleted.message());
  engine_.RemoveDomain(domain_id);
  return StatusOnlyResponse();
}

ordered_json DomainService::BatchQueryDomain(const ordered_json& request) {
  const ordered_json& ids = ArrField(request, "domain_ids");
  if (ids.empty()) return ErrorResponse(api::kErrRequestValidate, "domain ids can not be empty");
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!ids[i].is_string() || ids[i].get<std::string>().empty()) {
      return ErrorResponse(api::kErrRequestValidate, "domain id can not be empty on index " + std::to_string(i));
    }
  }
  ordered_json domains = ordered_json::array();
  for (const ordered_json& id_json : ids) {
    std::string id = id_json.get<std::string>();
    if (id == kMasterDomain) {
      if (master_cert_.empty()) return ErrorResponse(api::kErrQueryDomainStatus, "master ca cert is nil");
      domains.push_back({{"domain_id", kMasterDomain}, {"cert", master_cert_}});
      continue;
    }
    Result<ordered_json> domain = store_.GetDomain(id);
    if (!domain.ok()) {
      return ErrorResponse(DomainErrorCode(domain.status(), api::kErrQueryDomainStatus), domain.status().message());
    }
    domains.push_back({{"domain_id", (*domain)["domain_id"]},
                       {"role", (*domain)["role"]},
                       {"cert", (*domain)["cert"]},
                       {"node_statuses", (*domain)["node_statuses"]}});
  }
  return SuccessResponse({{"domains", std::move(domains)}});
}

}  // namespace kuscia::mock::services
