#include "api/error_codes.h"

#include <algorithm>
#include <unordered_map>

namespace kuscia::api {
namespace {

// Names from error_code.proto; meanings from the reference §4 (docs/reference/apis/error_code_cn.md).
const std::vector<ErrorCodeInfo>& Table() {
  static const std::vector<ErrorCodeInfo> table = [] {
    std::vector<ErrorCodeInfo> t = {
        {0, "SUCCESS", "success; status.message is \"success\""},
        {11100, "KusciaAPIErrRequestValidate", "request validation failed in a service (\"... can not be empty\")"},
        {11101, "KusciaAPIErrForUnexpected", "request body could not be decoded, or a handler panicked"},
        {11102, "KusciaAPIErrAuthFailed", "per-domain authorization failed (role domain, internal port only)"},
        {11103, "KusciaAPIErrRequestMasterFailed", "lite mode: proxying the request to master failed"},
        {11104, "KusciaAPIErrLiteAPINotSupport", "lite mode: this interface is not supported"},
        {11105, "KusciaAPIErrMasterAPINotSupport", "master mode: this interface is not supported (log query)"},
        {11201, "KusciaAPIErrCreateJob", "job create failed: already exists or rejected by CRD validation"},
        {11202, "KusciaAPIErrQueryJob", "job query failed (e.g. the job does not exist)"},
        {11203, "KusciaAPIErrQueryJobStatus", "batch job status query failed for at least one id"},
        {11204, "KusciaAPIErrDeleteJob", "job delete failed (e.g. the job does not exist)"},
        {11205, "KusciaAPIErrStopJob", "job stop failed: get or update failed"},
        {11206, "KusciaAPIErrApproveJob", "job approve failed: get or status update failed"},
        {11207, "KusciaAPIErrSuspendJob", "job suspend failed; also a restart update failure (Kuscia bug)"},
        {11208, "KusciaAPIErrRestartJob", "job restart failed: get failed"},
        {11209, "KusciaAPIErrCancelJob", "job cancel failed: get or update failed"},
        {11210, "KusciaAPIErrSuspendNotRunningJob", "suspend of a job whose phase is not Running"},
        {11211, "KusciaAPIErrRestartNotSuspendedOrFailedJob", "restart of a job that is neither Failed nor Suspended"},
        {11300, "KusciaAPIErrCreateDomain", "domain create failed"},
        {11301, "KusciaAPIErrQueryDomain", "domain query failed"},
        {11302, "KusciaAPIErrQueryDomainStatus", "domain batch query failed"},
        {11303, "KusciaAPIErrUpdateDomain", "domain update failed"},
        {11304, "KusciaAPIErrDeleteDomain", "domain delete failed"},
        {11305, "KusciaAPIErrDomainNotExists", "the domain does not exist"},
        {11306, "KusciaAPIErrDomainExists", "the domain already exists"},
        {11400, "KusciaAPIErrCreateDomainRoute", "route create failed (or a bad port protocol)"},
        {11401, "KusciaAPIErrQueryDomainRoute", "route query failed"},
        {11402, "KusciaAPIErrQueryDomainRouteStatus", "route batch status query failed"},
        {11403, "KusciaAPIErrDeleteDomainRoute", "route delete failed"},
        {11404, "KusciaAPIErrDomainRouteNotExists", "the route does not exist"},
        {11405, "KusciaAPIErrDomainRouteExists", "the route already exists"},
        {11500, "KusciaAPIErrCreateDomainDataFailed", "domaindata create failed"},
        {11501, "KusciaAPIErrDeleteDomainDataFailed", "domaindata delete failed (or its physical data)"},
        {11502, "KusciaAPIErrGetDomainDataFailed", "domaindata get failed"},
        {11503, "KusciaAPIErrListDomainDataFailed", "domaindata list failed"},
        {11504, "KusciaAPIErrMergeDomainDataFailed", "domaindata update: building the merge patch failed"},
        {11505, "KusciaAPIErrPatchDomainDataFailed", "domaindata update: patch failed"},
        {11506, "KusciaAPIErrDomainDataNotExists", "the domaindata does not exist"},
        {11507, "KusciaAPIErrDomainDataExists", "the domaindata already exists (race only; create upserts)"},
        {11600, "KusciaAPIErrCreateServing", "serving create failed"},
        {11601, "KusciaAPIErrQueryServing", "serving query failed"},
        {11602, "KusciaAPIErrQueryServingStatus", "serving status query failed"},
        {11603, "KusciaAPIErrUpdateServing", "serving update failed"},
        {11604, "KusciaAPIErrDeleteServing", "serving delete failed"},
        {11700, "KusciaAPIErrCreateDomainDataGrant", "domaindatagrant create failed"},
        {11701, "KusciaAPIErrUpdateDomainDataGrant", "domaindatagrant update failed"},
        {11702, "KusciaAPIErrQueryDomainDataGrant", "domaindatagrant query failed (also not found)"},
        {11703, "KusciaAPIErrDeleteDomainDataGrant", "domaindatagrant delete failed"},
        {11704, "KusciaAPIErrDomainDataGrantExists", "the domaindatagrant already exists"},
        {11705, "KusciaAPIErrDomainDataGrantNotExists", "the domaindatagrant does not exist"},
        {11800, "KusciaAPIErrCreateDomainDataSource", "datasource create failed (also: already exists)"},
        {11801, "KusciaAPIErrUpdateDomainDataSource", "datasource update failed"},
        {11802, "KusciaAPIErrQueryDomainDataSource", "datasource query failed (also: does not exist)"},
        {11803, "KusciaAPIErrBatchQueryDomainDataSource", "datasource batch query failed"},
        {11804, "KusciaAPIErrDeleteDomainDataSource", "datasource delete failed"},
        {11805, "KusciaAPIErrDomainDataSourceExists", "the datasource already exists"},
        {11806, "KusciaAPIErrDomainDataSourceNotExists", "a domaindata refers to a datasource that does not exist"},
        {11807, "KusciaAPIErrDomainDataSourceInfoEncodeFailed", "datasource info could not be encoded"},
        {11808, "KusciaAPIErrListDomainDataSource", "datasource list failed"},
        {11900, "KusciaAPIErrCreateConfig", "config create failed"},
        {11901, "KusciaAPIErrQueryConfig", "config query failed"},
        {11902, "KusciaAPIErrUpdateConfig", "config update failed"},
        {11903, "KusciaAPIErrDeleteConfig", "config delete failed"},
        {11904, "KusciaAPIErrBatchQueryConfig", "config batch query failed"},
        {13100, "KusciaAPIErrCreateAppImage", "appimage create failed"},
        {13101, "KusciaAPIErrQueryAppImage", "appimage query failed"},
        {13102, "KusciaAPIErrUpdateAppImage", "appimage update failed"},
        {13103, "KusciaAPIErrDeleteAppImage", "appimage delete failed"},
        {13104, "KusciaAPIErrBatchQueryAppImage", "appimage batch query failed"},
        {13105, "KusciaAPIErrAppImageNotExists", "the appimage does not exist"},
        {13106, "KusciaAPIErrAppImageExists", "the appimage already exists"},
        {13107, "KusciaAPIErrListAppImage", "appimage list failed"},
        {13200, "KusciaAPIErrQueryLog", "task log query failed"},
        {13201, "KusciaAPIErrQueryPodNode", "pod node query failed"},
        {12100, "DataMeshErrRequestInvalidate", "DataMesh API: request validation failed"},
        {12101, "DataMeshErrForUnexpected", "DataMesh API: unexpected error"},
        {12200, "DataMeshErrCreateDomainData", "DataMesh API: domaindata create failed"},
        {12201, "DataMeshErrQueryDomainData", "DataMesh API: domaindata query failed"},
        {12202, "DataMeshErrGetDomainDataFromKubeFailed", "DataMesh API: domaindata get failed"},
        {12203, "DataMeshErrMergeDomainDataFailed", "DataMesh API: domaindata merge failed"},
        {12204, "DataMeshErrPatchDomainDataFailed", "DataMesh API: domaindata patch failed"},
        {12205, "DataMeshErrDeleteDomainDataFailed", "DataMesh API: domaindata delete failed"},
        {12300, "DataMeshErrCreateDomainDataSource", "DataMesh API: datasource create failed"},
        {12301, "DataMeshErrParseDomainDataSourceFailed", "DataMesh API: datasource parse failed"},
        {12302, "DataMeshErrQueryDomainDataSource", "DataMesh API: datasource query failed"},
        {12303, "DataMeshErrDeleteDomainDataSourceFailed", "DataMesh API: datasource delete failed"},
        {12304, "DataMeshErrDomainDataSourceExists", "DataMesh API: datasource already exists"},
        {12305, "DataMeshErrDomainDataSourceNotExists", "DataMesh API: datasource does not exist"},
        {12306, "DataMeshErrGetDomainDataSourceFromKubeFailed", "DataMesh API: datasource get failed"},
        {12307, "DataMeshErrDecodeDomainDataSourceInfoFailed", "DataMesh API: datasource info decode failed"},
        {12308, "DataMeshErrEncodeDomainDataSourceInfoFailed", "DataMesh API: datasource info encode failed"},
        {12309, "DataMeshErrMergeDomainDataSourceFailed", "DataMesh API: datasource merge failed"},
        {12310, "DataMeshErrPatchDomainDataSourceFailed", "DataMesh API: datasource patch failed"},
        {12400, "DataMeshErrCreateDomainDataGrant", "DataMesh API: domaindatagrant create failed"},
        {12401, "DataMeshErrUpdateDomainDataGrant", "DataMesh API: domaindatagrant update failed"},
        {12402, "DataMeshErrQueryDomainDataGrant", "DataMesh API: domaindatagrant query failed"},
        {12403, "DataMeshErrDeleteDomainDataGrant", "DataMesh API: domaindatagrant delete failed"},
        {12404, "DataMeshErrDomainDataGrantExists", "DataMesh API: domaindatagrant already exists"},
        {12405, "DataMeshErrDomainDataGrantNotExists", "DataMesh API: domaindatagrant does not exist"},
        {2000, "ConfManagerErrRequestInvalidate", "ConfManager: request validation failed"},
        {2001, "ConfManagerErrForUnexpected", "ConfManager: unexpected error"},
        {2102, "ConfManagerErrCreateConfig", "ConfManager: config create failed"},
        {2103, "ConfManagerErrQueryConfig", "ConfManager: config query failed"},
        {2104, "ConfManagerErrUpdateConfig", "ConfManager: config update failed"},
        {2105, "ConfManagerErrDeleteConfig", "ConfManager: config delete failed"},
        {2106, "ConfManagerErrBatchQueryConfig", "ConfManager: config batch query failed"},
        {2200, "ConfManagerErrGenerateKeyCerts", "ConfManager: key and certificate generation failed"},
        {3000, "ReporterErrRequestInvalidate", "Reporter: request validation failed"},
        {3001, "ReporterErrForUnexptected", "Reporter: unexpected error (the proto spells it so)"},
    };
    std::sort(t.begin(), t.end(), [](const ErrorCodeInfo& a, const ErrorCodeInfo& b) { return a.code < b.code; });
    return t;
  }();
  return table;
}

}  // namespace

const ErrorCodeInfo* FindErrorCode(std::int32_t code) {
  const auto& t = Table();
  auto it = std::lower_bound(t.begin(), t.end(), code,
                             [](const ErrorCodeInfo& info, std::int32_t c) { return info.code < c; });
  return (it != t.end() && it->code == code) ? &*it : nullptr;
}

const ErrorCodeInfo* FindErrorCodeByName(std::string_view name) {
  static const std::unordered_map<std::string_view, const ErrorCodeInfo*> by_name = [] {
    std::unordered_map<std::string_view, const ErrorCodeInfo*> m;
    for (const ErrorCodeInfo& info : Table()) m.emplace(info.name, &info);
    return m;
  }();
  auto it = by_name.find(name);
  return it == by_name.end() ? nullptr : it->second;
}

const std::vector<ErrorCodeInfo>& AllErrorCodes() { return Table(); }

}  // namespace kuscia::api
