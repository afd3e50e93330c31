#include "mock_server/services/state_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_server/engine/tutorial_job_for_test.h"
#include "mock_server/services/service_test_fixture.h"
#include "sys/files.h"
#include "testing/status_matchers.h"

namespace kuscia::mock::services {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;
using nlohmann::ordered_json;
using std::chrono::seconds;

// A second, empty node to load into.
struct EmptyNode {
  explicit EmptyNode(NodeIdentity identity = {})
      : node(std::move(identity)),
        clock(std::make_shared<engine::ManualClock>(engine::ParseRfc3339("2025-04-16T11:00:00Z").value())) {
    engine::EngineOptions options;
    options.clock = clock;
    options.domains = {};
    options.own_domain = node.own_domain;
    engine = std::make_unique<engine::Engine>(options);
  }
  Status Load(const ordered_json& doc) { return ApplyState(doc, "state.yaml", store, *engine, node); }
  std::string State(const std::string& job_id) {
    auto job = engine->GetJob(job_id);
    return job.ok() ? (*job->job_status)["status"]["state"].get<std::string>() : job.status().message();
  }

  NodeIdentity node;
  std::shared_ptr<engine::ManualClock> clock;
  store::DataStore store;
  std::unique_ptr<engine::Engine> engine;
};

std::string Job(const std::string& id) {
  ordered_json parties = ordered_json::array({{{"domain_id", "alice"}}, {{"domain_id", "bob"}}});
  return ordered_json({{"job_id", id},
                       {"initiator", "alice"},
                       {"tasks",
                        {{{"alias", "a"}, {"parties", parties}},
                         {{"alias", "b"}, {"parties", parties}, {"dependencies", {"a"}}}}}})
      .dump();
}

TEST(StateFile, SaveAndLoadRoundTripsEveryKindOfObjectAndJob) {
  ServiceFixture node;
  ASSERT_EQ(node.Post("/api/v1/domain/create", R"({"domain_id":"carol","role":"partner"})").code(), 0);
  ASSERT_EQ(node.Post("/api/v1/domaindata/create", R"({"domain_id":"bob","domaindata_id":"b2","type":"table",)"
                                                   R"("relative_uri":"b2.csv","attributes":{"k":"v"}})").code(), 0);
  ASSERT_EQ(node.Post("/api/v1/job/create", Job("done")).code(), 0);
  node.Advance(seconds(3));
  ASSERT_EQ(node.Post("/api/v1/job/create", Job("running")).code(), 0);
  node.Advance(std::chrono::milliseconds(1500));
  ASSERT_EQ(node.JobState("done"), "Succeeded");
  ASSERT_EQ(node.JobState("running"), "Running");
  ordered_json saved = CaptureState(node.store(), node.engine());

  for (const char* name : {"state.yaml", "state.json"}) {
    sys::TempDir dir;
    ASSERT_THAT(WriteStateFile(dir.path() / name, saved), IsOk());
    Result<ordered_json> read = ReadStateFile(dir.path() / name);
    ASSERT_THAT(read, IsOk());
    EXPECT_EQ(*read, saved) << name;
    EmptyNode restored;
    ASSERT_THAT(restored.Load(*read), IsOk()) << name;
    EXPECT_EQ(CaptureState(restored.store, *restored.engine), saved) << name;
    EXPECT_TRUE(restored.engine->IsPartner("carol"));
    EXPECT_EQ(restored.State("done"), "Succeeded");
    EXPECT_EQ(restored.State("running"), "Running");
    // The restored job resumes: its clock is later than every due time, so it finishes on the next tick.
    ASSERT_THAT(restored.clock->Advance(seconds(1)), IsOk());
    EXPECT_EQ(restored.State("running"), "Succeeded");
  }
}

TEST(StateFile, HandWrittenYamlWithJobsInAnyState) {
  Result<ordered_json> doc = ParseStateText(R"(
version: 1
domains:
  - domain_id: alice
  - domain_id: bob
  - {domain_id: carol, role: partner}
datasources:
  - {domain_id: alice, datasource_id: default-data-source, type: localfs, info: {localfs: {path: /data}}}
domaindata:
  - {domain_id: alice, domaindata_id: t1, type: table, relative_uri: t1.csv}
jobs:
)" + [] {
    std::string jobs;
    for (const char* state : {"Pending", "Running", "Succeeded", "Failed", "Cancelled", "Suspended", "AwaitingApproval",
                              "ApprovalReject"}) {
      std::string id = "job-" + std::string(state);
      for (char& c : id) c = static_cast<char>(std::tolower(c));
      jobs += "  - {job_id: " + id + ", initiator: alice, state: " + state +
              ", tasks: [{alias: a, parties: [{domain_id: alice}, {domain_id: bob}]}]}\n";
    }
    return jobs;
  }(), "state.yaml");
  ASSERT_THAT(doc, IsOk());
  EmptyNode node;
  ASSERT_THAT(node.Load(*doc), IsOk());
  for (const char* state : {"Pending", "Running", "Succeeded", "Failed", "Cancelled", "Suspended", "AwaitingApproval",
                            "ApprovalReject"}) {
    std::string id = "job-" + std::string(state);
    for (char& c : id) c = static_cast<char>(std::tolower(c));
    EXPECT_EQ(node.State(id), state) << id;
  }
  Result<ordered_json> t1 = node.store.GetDomainData("alice", "t1");
  ASSERT_THAT(t1, IsOk());
  EXPECT_EQ((*t1)["vendor"], "manual");
  EXPECT_EQ((*t1)["datasource_id"], "default-data-source");
  EXPECT_EQ((*t1)["status"], "Available");
}

struct BadCase {
  const char* name;
  const char* yaml;
  const char* message;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class BadStateFiles : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadStateFiles, AreRefusedWithTheBadFieldNamed) {
  Result<ordered_json> doc = ParseStateText(GetParam().yaml, "state.yaml");
  Status status = doc.ok() ? EmptyNode().Load(*doc) : doc.status();
  EXPECT_THAT(status, StatusIs(StatusCode::kInvalidArgument, HasSubstr(GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadStateFiles,
    ::testing::Values(
        BadCase{"NotYaml", "domains: [", "state.yaml: not valid YAML: line"},
        BadCase{"UnknownSection", "domain: []", "state.yaml: /domain: unknown section"},
        BadCase{"WrongVersion", "version: 2", "state.yaml: /version: must be 1, got 2"},
        BadCase{"SectionNotAList", "domains: {domain_id: alice}", "state.yaml: /domains: expected a list"},
        BadCase{"DomainWithoutId", "domains: [{role: partner}]", "state.yaml: /domains/0/domain_id: is required"},
        BadCase{"BadRole", "domains: [{domain_id: a, role: boss}]",
                "state.yaml: /domains/0/role: role is invalid, must be empty or partner"},
        BadCase{"WrongType", "domains: [{domain_id: a, node_statuses: 3}]", "state.yaml: /domains/0/node_statuses"},
        BadCase{"DuplicateDomain", "domains: [{domain_id: a}, {domain_id: a}]", "/domains/1/domain_id: is listed twice"},
        BadCase{"RouteToUnknownDomain", "domains: [{domain_id: a}]\nroutes: [{source: a, destination: b}]",
                "state.yaml: /routes/0/destination: domain \"b\" is not listed under domains"},
        BadCase{"DataSourceInfo", "domains: [{domain_id: a}]\ndatasources: [{domain_id: a, datasource_id: d, type: oss, info: {oss: {}}}]",
                "state.yaml: /datasources/0/info: oss 'endpoint' is empty"},
        BadCase{"DomainDataWithoutUri", "domains: [{domain_id: a}]\ndomaindata: [{domain_id: a, domaindata_id: t, type: table}]",
                "state.yaml: /domaindata/0/relative_uri: is required"},
        BadCase{"JobRule", "jobs: [{job_id: j, initiator: a}]", "state.yaml: /jobs/0: tasks can not be empty (code 11100)"},
        BadCase{"JobState", "jobs: [{job_id: j, initiator: a, state: Done, tasks: [{alias: x, parties: [{domain_id: a}]}]}]",
                "state.yaml: /jobs/0/state: unknown job state \"Done\""},
        BadCase{"UnreachableState",
                "domains: [{domain_id: a}]\njobs: [{job_id: j, initiator: a, state: ApprovalReject, tasks: [{alias: x, parties: [{domain_id: a}]}]}]",
                "state.yaml: job j: the job cannot be put in state ApprovalReject"},
        BadCase{"RuntimeField",
                "jobs: [{job_id: j, initiator: a, tasks: [{alias: x, parties: [{domain_id: a}]}], runtime: {phase: Done}}]",
                "state.yaml: /jobs/0/runtime/phase: unknown phase \"Done\""}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(StateFile, AnAutonomyNodeNeedsItsOwnDomainInTheFile) {
  EmptyNode node(NodeIdentity{NodeMode::kAutonomy, "dave"});
  EXPECT_THAT(node.Load(ordered_json::parse(R"({"domains":[{"domain_id":"alice"}]})")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("the node's own domain \"dave\" (--domain) is not listed")));
}

TEST(StateFile, DefaultStatesMatchTheMode) {
  auto now = engine::ParseRfc3339("2025-04-16T10:42:55Z").value();
  ordered_json master = DefaultState({}, now);
  EXPECT_EQ(master["domains"].size(), 2u);
  EXPECT_EQ(master["routes"].size(), 2u);
  EXPECT_EQ(master["domaindata"][1]["domaindata_id"], "bob-table");
  ordered_json carol = DefaultState({NodeMode::kAutonomy, "carol"}, now);
  EXPECT_EQ(carol["domains"].size(), 3u);
  EXPECT_EQ(carol["routes"].size(), 4u) << "carol <-> alice and carol <-> bob";
  EXPECT_EQ(carol["domaindata"][0]["domaindata_id"], "carol-table");
}

}  // namespace
}  // namespace kuscia::mock::services
