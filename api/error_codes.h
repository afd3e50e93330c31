// Kuscia's business error codes (enum ErrorCode in proto/api/v1alpha1/errorcode/error_code.proto,
// reference §4): number, name and a one-line meaning, in one table.
//
//   const api::ErrorCodeInfo* info = api::FindErrorCode(11202);  // {11202, "KusciaAPIErrQueryJob", "..."}
//   int code = api::kErrQueryJob;                            // the constants services use
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace kuscia::api {

struct ErrorCodeInfo {
  std::int32_t code;
  std::string_view name;
  std::string_view meaning;
};

// The codes the fake produces, by name (values from error_code.proto).
inline constexpr std::int32_t kSuccess = 0;
inline constexpr std::int32_t kErrRequestValidate = 11100;
inline constexpr std::int32_t kErrForUnexpected = 11101;
inline constexpr std::int32_t kErrAuthFailed = 11102;
inline constexpr std::int32_t kErrLiteAPINotSupport = 11104;
inline constexpr std::int32_t kErrMasterAPINotSupport = 11105;
inline constexpr std::int32_t kErrCreateJob = 11201;
inline constexpr std::int32_t kErrQueryJob = 11202;
inline constexpr std::int32_t kErrQueryJobStatus = 11203;
inline constexpr std::int32_t kErrDeleteJob = 11204;
inline constexpr std::int32_t kErrStopJob = 11205;
inline constexpr std::int32_t kErrApproveJob = 11206;
inline constexpr std::int32_t kErrSuspendJob = 11207;
inline constexpr std::int32_t kErrRestartJob = 11208;
inline constexpr std::int32_t kErrCancelJob = 11209;
inline constexpr std::int32_t kErrSuspendNotRunningJob = 11210;
inline constexpr std::int32_t kErrRestartNotSuspendedOrFailedJob = 11211;
inline constexpr std::int32_t kErrCreateDomain = 11300;
inline constexpr std::int32_t kErrQueryDomain = 11301;
inline constexpr std::int32_t kErrQueryDomainStatus = 11302;
inline constexpr std::int32_t kErrUpdateDomain = 11303;
inline constexpr std::int32_t kErrDeleteDomain = 11304;
inline constexpr std::int32_t kErrDomainNotExists = 11305;
inline constexpr std::int32_t kErrDomainExists = 11306;
inline constexpr std::int32_t kErrCreateDomainRoute = 11400;
inline constexpr std::int32_t kErrQueryDomainRoute = 11401;
inline constexpr std::int32_t kErrQueryDomainRouteStatus = 11402;
inline constexpr std::int32_t kErrDeleteDomainRoute = 11403;
inline constexpr std::int32_t kErrDomainRouteNotExists = 11404;
inline constexpr std::int32_t kErrDomainRouteExists = 11405;
inline constexpr std::int32_t kErrCreateDomainDataFailed = 11500;
inline constexpr std::int32_t kErrDeleteDomainDataFailed = 11501;
inline constexpr std::int32_t kErrGetDomainDataFailed = 11502;
inline constexpr std::int32_t kErrListDomainDataFailed = 11503;
inline constexpr std::int32_t kErrMergeDomainDataFailed = 11504;
inline constexpr std::int32_t kErrPatchDomainDataFailed = 11505;
inline constexpr std::int32_t kErrDomainDataNotExists = 11506;
inline constexpr std::int32_t kErrDomainDataExists = 11507;
inline constexpr std::int32_t kErrCreateDomainDataSource = 11800;
inline constexpr std::int32_t kErrUpdateDomainDataSource = 11801;
inline constexpr std::int32_t kErrQueryDomainDataSource = 11802;
inline constexpr std::int32_t kErrBatchQueryDomainDataSource = 11803;
inline constexpr std::int32_t kErrDeleteDomainDataSource = 11804;
inline constexpr std::int32_t kErrDomainDataSourceExists = 11805;
inline constexpr std::int32_t kErrDomainDataSourceNotExists = 11806;
inline constexpr std::int32_t kErrListDomainDataSource = 11808;

// Null when the number is not a Kuscia error code.
const ErrorCodeInfo* FindErrorCode(std::int32_t code);
// By enum name, e.g. "KusciaAPIErrQueryJob" (exact, case-sensitive).
const ErrorCodeInfo* FindErrorCodeByName(std::string_view name);
// Every code, ascending by number.
const std::vector<ErrorCodeInfo>& AllErrorCodes();

}  // namespace kuscia::api
