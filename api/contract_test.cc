// Tests of the contract tables: routes, error codes, states and message schemas.
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/error_codes.h"
#include "api/message_schema.h"
#include "api/routes.h"
#include "api/states.h"

namespace kuscia::api {
namespace {

using ::testing::ElementsAre;

// ---- routes ----

TEST(Routes, JobCreateHasEveryAttribute) {
  const RouteInfo* r = FindRoute("/api/v1/job/create");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->short_name, "job.create");
  EXPECT_EQ(r->service, "JobService");
  EXPECT_EQ(r->grpc_method, "kuscia.proto.api.v1alpha1.kusciaapi.JobService/CreateJob");
  EXPECT_EQ(r->request_message, "CreateJobRequest");
  EXPECT_EQ(r->response_message, "CreateJobResponse");
  EXPECT_FALSE(r->streaming);
  EXPECT_EQ(r->support, RouteSupport::kImplemented);
}

TEST(Routes, HealthIsLowerCaseHealthZOnGrpc) {
  const RouteInfo* r = FindRouteByShortName("health");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->path, "/healthZ");
  EXPECT_EQ(r->grpc_method, "kuscia.proto.api.v1alpha1.kusciaapi.HealthService/healthZ");
  EXPECT_EQ(r->request_message, "HealthRequest");
  EXPECT_EQ(FindRouteByGrpcMethod("HealthService/healthZ"), r);
  EXPECT_EQ(FindRouteByGrpcMethod("/kuscia.proto.api.v1alpha1.kusciaapi.HealthService/healthZ"), r);
}

TEST(Routes, ShortNamesFollowThePath) {
  struct Case {
    std::string_view path, short_name;
  };
  for (const Case& c : {Case{"/api/v1/job/status/batchQuery", "job.status.batchQuery"},
                        Case{"/api/v1/route/status/batchQuery", "route.status.batchQuery"},
                        Case{"/api/v1/domaindata/deleteDataAndRaw", "domaindata.deleteDataAndRaw"},
                        Case{"/api/v1/log/task/query", "log.task.query"}}) {
    const RouteInfo* r = FindRoute(c.path);
    ASSERT_NE(r, nullptr) << c.path;
    EXPECT_EQ(r->short_name, c.short_name);
    EXPECT_EQ(FindRouteByShortName(c.short_name), r);
  }
}

TEST(Routes, StreamsAreWatchAndTaskLog) {
  std::set<std::string> streaming;
  for (const RouteInfo& r : AllRoutes()) {
    if (r.streaming) streaming.insert(r.path);
  }
  EXPECT_THAT(streaming, ElementsAre("/api/v1/job/watch", "/api/v1/log/task/query"));
  EXPECT_EQ(FindRoute("/api/v1/job/watch")->response_message, "WatchJobEventResponse");
}

TEST(Routes, LookupIsExactAndCaseSensitive) {
  EXPECT_EQ(FindRoute("/healthz"), nullptr);
  EXPECT_EQ(FindRoute("/api/v1/job/create/"), nullptr);
  EXPECT_EQ(FindRoute("/api/v1/appimage/batch_query"), nullptr);  // the docs' spelling; the code has batchQuery
  EXPECT_NE(FindRoute("/api/v1/appimage/batchQuery"), nullptr);
  EXPECT_NE(FindRoute("/api/v1/certificate/generate"), nullptr);
}

TEST(Routes, SupportLevels) {
  EXPECT_EQ(FindRoute("/api/v1/job/watch")->support, RouteSupport::kImplemented);
  EXPECT_EQ(FindRoute("/api/v1/domaindatasource/list")->support, RouteSupport::kImplemented);
  EXPECT_EQ(FindRoute("/api/v1/domain/create")->support, RouteSupport::kImplemented);
  EXPECT_EQ(FindRoute("/api/v1/serving/create")->support, RouteSupport::kRecognised);
  EXPECT_EQ(RouteSupportName(RouteSupport::kPlanned), "planned");
}

TEST(Routes, EveryImplementedOrPlannedRouteHasSchemas) {
  int count = 0;
  for (const RouteInfo& r : AllRoutes()) {
    ++count;
    if (r.support == RouteSupport::kRecognised) continue;
    EXPECT_NE(FindMessage(r.request_message), nullptr) << r.path << " " << r.request_message;
    EXPECT_NE(FindMessage(r.response_message), nullptr) << r.path << " " << r.response_message;
  }
  EXPECT_EQ(count, 58);
}

// ---- error codes ----

TEST(ErrorCodes, LookupByNumberAndName) {
  const ErrorCodeInfo* q = FindErrorCode(11202);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->name, "KusciaAPIErrQueryJob");
  EXPECT_EQ(FindErrorCodeByName("KusciaAPIErrForUnexpected")->code, kErrForUnexpected);
  EXPECT_EQ(FindErrorCodeByName("KusciaAPIErrRestartNotSuspendedOrFailedJob")->code, 11211);
  EXPECT_EQ(FindErrorCode(0)->name, "SUCCESS");
  EXPECT_EQ(FindErrorCode(11200), nullptr);
  EXPECT_EQ(FindErrorCodeByName("kusciaapierrqueryjob"), nullptr);
}

TEST(ErrorCodes, TableIsSortedUniqueAndMatchesConstants) {
  const auto& all = AllErrorCodes();
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(all[i - 1].code, all[i].code);
    }
    EXPECT_TRUE(names.insert(all[i].name).second) << all[i].name;
    EXPECT_FALSE(all[i].meaning.empty()) << all[i].name;
  }
  for (std::int32_t c : {kErrRequestValidate, kErrCreateJob, kErrDeleteJob, kErrSuspendNotRunningJob,
                         kErrDomainNotExists, kErrDomainRouteExists, kErrDomainDataNotExists,
                         kErrDomainDataSourceNotExists, kErrQueryDomainDataSource}) {
    EXPECT_NE(FindErrorCode(c), nullptr) << c;
  }
  EXPECT_EQ(FindErrorCode(13107)->name, "KusciaAPIErrListAppImage");
}

// ---- states ----

TEST(States, CrdPhaseToApiState) {
  struct Case {
    std::string_view raw;
    std::string_view api;
  };
  for (const Case& c : {Case{"", "Pending"}, Case{"Pending", "Pending"}, Case{"initialized", "Unknown"},
                        Case{"Initialized", "Unknown"}, Case{"Running", "Running"}, Case{"Succeeded", "Succeeded"},
                        Case{"Failed", "Failed"}, Case{"AwaitingApproval", "AwaitingApproval"},
                        Case{"ApprovalReject", "ApprovalReject"}, Case{"Cancelled", "Cancelled"},
                        Case{"Suspended", "Suspended"}, Case{"bogus", "Unknown"}}) {
    EXPECT_EQ(JobStateName(ApiJobStateFromRaw(c.raw)), c.api) << "phase '" << c.raw << "'";
  }
}

TEST(States, RawPhaseSpellings) {
  EXPECT_EQ(JobPhaseString(JobPhase::kInitialized), "initialized");
  EXPECT_EQ(JobPhaseString(JobPhase::kEmpty), "");
  EXPECT_EQ(JobPhaseFromString("initialized"), JobPhase::kInitialized);
  EXPECT_EQ(JobPhaseFromString("Initialized"), std::nullopt);
  EXPECT_EQ(JobStateFromName("Suspended"), JobState::kSuspended);
  EXPECT_EQ(static_cast<int>(JobState::kSuspended), 8);
}

TEST(States, TerminalAndCompletion) {
  EXPECT_TRUE(IsTerminalPhase(JobPhase::kSucceeded));
  EXPECT_TRUE(IsTerminalPhase(JobPhase::kCancelled));
  EXPECT_TRUE(IsTerminalPhase(JobPhase::kApprovalReject));
  EXPECT_FALSE(IsTerminalPhase(JobPhase::kFailed));  // can be restarted
  EXPECT_TRUE(HasCompletionTime(JobPhase::kFailed));
  EXPECT_FALSE(HasCompletionTime(JobPhase::kSuspended));
}

TEST(States, TaskStatesAndWatchEvents) {
  EXPECT_EQ(ApiTaskState(""), "Pending");
  EXPECT_EQ(ApiTaskState("Running"), "Running");
  EXPECT_EQ(ApiTaskState("Weird"), "Unknown");
  EXPECT_TRUE(IsTaskFinished(TaskPhase::kFailed));
  EXPECT_FALSE(IsTaskFinished(TaskPhase::kRunning));
  EXPECT_EQ(static_cast<int>(WatchEventType::kHeartbeat), 4);
  EXPECT_EQ(WatchEventTypeName(WatchEventType::kAdded), "ADDED");
}

// ---- message schemas ----

std::vector<std::string> FieldNames(std::string_view message) {
  std::vector<std::string> names;
  const MessageSchema* m = FindMessage(message);
  EXPECT_NE(m, nullptr) << message;
  if (m == nullptr) return names;
  for (const FieldSchema& f : m->fields) names.push_back(f.proto_name);
  return names;
}

TEST(Messages, FieldOrderFollowsTheReference) {
  EXPECT_THAT(FieldNames("QueryJobResponseData"),
              ElementsAre("job_id", "initiator", "max_parallelism", "tasks", "status", "custom_fields"));
  EXPECT_THAT(FieldNames("TaskStatus"), ElementsAre("task_id", "state", "err_msg", "create_time", "start_time",
                                                    "end_time", "parties", "alias", "progress"));
  EXPECT_THAT(FieldNames("TaskConfig"), ElementsAre("app_image", "parties", "alias", "task_id", "dependencies",
                                                    "task_input_config", "priority", "schedule_config"));
  EXPECT_THAT(FieldNames("JobStatusDetail"), ElementsAre("state", "err_msg", "create_time", "start_time", "end_time",
                                                         "tasks", "stage_status_list", "approve_status_list"));
  EXPECT_THAT(FieldNames("DomainData"),
              ElementsAre("domaindata_id", "name", "type", "relative_uri", "domain_id", "datasource_id", "attributes",
                          "partition", "columns", "vendor", "status", "author", "file_format"));
  EXPECT_THAT(FieldNames("QueryDomainResponseData"),
              ElementsAre("domain_id", "role", "cert", "node_statuses", "deploy_token_statuses", "annotations",
                          "auth_center", "master_domain_id"));
  EXPECT_THAT(FieldNames("QueryDomainRouteResponseData"),
              ElementsAre("name", "authentication_type", "destination", "endpoint", "source", "token_config",
                          "mtls_config", "status", "transit", "body_encryption"));
  EXPECT_THAT(FieldNames("DeleteDomainRouteRequest"), ElementsAre("header", "destination", "source"));
  EXPECT_THAT(FieldNames("ApproveJobRequest"), ElementsAre("job_id", "result", "reason"));  // no header
  EXPECT_THAT(FieldNames("Status"), ElementsAre("code", "message", "details"));
}

TEST(Messages, JsonNamesAndGoNames) {
  const MessageSchema* req = FindMessage("CreateJobRequest");
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(req->FindByProtoName("max_parallelism")->json_name, "maxParallelism");
  EXPECT_EQ(req->FindByProtoOrJsonName("maxParallelism"), req->FindByProtoName("max_parallelism"));
  EXPECT_EQ(req->FindByProtoOrJsonName("MaxParallelism"), nullptr);
  EXPECT_EQ(FindMessage("EndpointPort")->FindByProtoName("isTLS")->json_name, "isTLS");
  EXPECT_EQ(FindMessage("Transit.Domain")->go_name, "Transit_Domain");
  EXPECT_EQ(FindMessage("Status")->go_package, "v1alpha1");
  EXPECT_EQ(FindMessageByFullName("kuscia.proto.api.v1alpha1.Status"), FindMessage("Status"));
  EXPECT_EQ(ProtoJsonName("resource_reallocation_interval_seconds"), "resourceReallocationIntervalSeconds");
}

TEST(Messages, GoTypeStrings) {
  const MessageSchema* req = FindMessage("CreateJobRequest");
  EXPECT_EQ(GoFieldTypeString(*req->FindByProtoName("tasks")), "[]*kusciaapi.Task");
  EXPECT_EQ(GoElementTypeString(*req->FindByProtoName("tasks")), "kusciaapi.Task");
  EXPECT_EQ(GoFieldTypeString(*req->FindByProtoName("custom_fields")), "map[string]string");
  EXPECT_EQ(GoFieldTypeString(*req->FindByProtoName("header")), "v1alpha1.RequestHeader");
  EXPECT_EQ(GoFieldTypeString(*req->FindByProtoName("max_parallelism")), "int32");
  EXPECT_EQ(GoFieldTypeString(*FindMessage("ApproveJobRequest")->FindByProtoName("result")), "kusciaapi.ApproveResult");
  EXPECT_EQ(GoFieldTypeString(*FindMessage("BandwidthLimit")->FindByProtoName("limit_kbps")), "uint64");
  EXPECT_EQ(GoFieldTypeString(*FindMessage("Task")->FindByProtoName("dependencies")), "[]string");
  EXPECT_EQ(GoFieldTypeString(*FindMessage("TaskStatus")->FindByProtoName("progress")), "float32");
  EXPECT_EQ(GoFieldTypeString(*FindMessage("DomainData")->FindByProtoName("file_format")), "v1alpha1.FileFormat");
}

TEST(Messages, EveryReferenceResolvesAndEnumsHaveZero) {
  for (const MessageSchema* m : AllMessages()) {
    for (const FieldSchema& f : m->fields) {
      if (f.kind == FieldKind::kMessage) {
        EXPECT_NE(f.message, nullptr) << m->name << "." << f.proto_name;
      }
      if (f.kind == FieldKind::kEnum) {
        ASSERT_NE(f.enumeration, nullptr) << m->name << "." << f.proto_name;
        EXPECT_NE(f.enumeration->FindByNumber(0), nullptr) << f.type_name;
      }
    }
  }
  EXPECT_TRUE(FindMessage("CreateDomainDataSourceRequest")->FindByProtoName("info_key")->optional);
  EXPECT_EQ(FindEnum("JobState.State")->go_type, "kusciaapi.JobState_State");
}

}  // namespace
}  // namespace kuscia::api
