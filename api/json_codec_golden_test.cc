// The documented Kuscia examples (fixtures/documented, reference §7) must come out of the encoder byte
// for byte (compacted), both from a decoded copy of themselves and from a sparse, shuffled canonical value.
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/json_codec.h"
#include "testing/status_matchers.h"

namespace kuscia::api {
namespace {

using ::kuscia::testing::IsOk;
using nlohmann::ordered_json;

std::string ReadFixture(const std::string& name) {
  const std::string path = std::string(KC_SOURCE_DIR) + "/fixtures/documented/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Compact(const std::string& text) { return ordered_json::parse(text).dump(); }

// Drops zero values and reverses key order, so the encoder has to restore both from the schema.
ordered_json SparseShuffled(const ordered_json& v) {
  if (v.is_array()) {
    ordered_json out = ordered_json::array();
    for (const ordered_json& e : v) out.push_back(SparseShuffled(e));
    return out;
  }
  if (!v.is_object()) return v;
  ordered_json out = ordered_json::object();
  std::vector<std::pair<std::string, ordered_json>> kept;
  for (const auto& [key, value] : v.items()) {
    const bool zero = value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty()) ||
                      (value.is_boolean() && !value.get<bool>()) || (value.is_number() && value == 0) ||
                      ((value.is_array() || value.is_object()) && value.empty());
    if (!zero) kept.emplace_back(key, SparseShuffled(value));
  }
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) out[it->first] = it->second;
  return out;
}

struct Golden {
  std::string file;
  std::string message;
};

class GoldenTest : public ::testing::TestWithParam<Golden> {};

TEST_P(GoldenTest, DecodeThenEncodeReproducesTheDocumentedBytes) {
  const std::string text = ReadFixture(GetParam().file);
  Result<ordered_json> decoded = DecodeJsonRequest(text, GetParam().message);
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(EncodeProtoJson(GetParam().message, *decoded), Compact(text));
}

TEST_P(GoldenTest, SparseShuffledValueEncodesToTheDocumentedBytes) {
  const std::string text = ReadFixture(GetParam().file);
  EXPECT_EQ(EncodeProtoJson(GetParam().message, SparseShuffled(ordered_json::parse(text))), Compact(text));
}

INSTANTIATE_TEST_SUITE_P(Documented, GoldenTest,
                         ::testing::Values(Golden{"job_create_response.json", "CreateJobResponse"},
                                           Golden{"job_query_response.json", "QueryJobResponse"},
                                           Golden{"job_batch_query_response.json", "BatchQueryJobStatusResponse"},
                                           Golden{"job_delete_response.json", "DeleteJobResponse"},
                                           Golden{"health_response.json", "HealthResponse"},
                                           Golden{"domaindata_create_response.json", "CreateDomainDataResponse"},
                                           Golden{"domaindata_query_response.json", "QueryDomainDataResponse"},
                                           Golden{"domaindata_query_not_found_response.json",
                                                  "QueryDomainDataResponse"}),
                         [](const ::testing::TestParamInfo<Golden>& info) {
                           std::string name = info.param.file.substr(0, info.param.file.find('.'));
                           for (char& c : name) {
                             if (c == '_') c = 'X';
                           }
                           return name;
                         });

TEST(GoldenRequests, DocumentedCreateJobDecodes) {
  Result<ordered_json> req = DecodeJsonRequest(ReadFixture("job_create_request.json"), "CreateJobRequest");
  ASSERT_THAT(req, IsOk());
  EXPECT_EQ((*req)["job_id"], "job-alice-bob-001");
  EXPECT_EQ((*req)["max_parallelism"], 2);
  ASSERT_EQ((*req)["tasks"].size(), 2u);
  const ordered_json& split = (*req)["tasks"][1];
  EXPECT_EQ(split["dependencies"], ordered_json({"job-psi"}));
  EXPECT_EQ(split["parties"][1]["domain_id"], "bob");
  EXPECT_EQ(split["parties"][1]["resources"], nullptr);
  EXPECT_EQ(split["schedule_config"], nullptr);
  EXPECT_EQ(split["tolerable"], false);
  EXPECT_TRUE(ordered_json::accept(split["task_input_config"].get<std::string>()));
  EXPECT_EQ((*req)["custom_fields"], ordered_json::object());
}

TEST(GoldenRequests, DocumentedDomainDataAndBatchRequestsDecode) {
  Result<ordered_json> dd = DecodeJsonRequest(ReadFixture("domaindata_create_request.json"), "CreateDomainDataRequest");
  ASSERT_THAT(dd, IsOk());
  EXPECT_EQ((*dd)["columns"][1]["name"], "marital_single");
  EXPECT_EQ((*dd)["file_format"], "UNKNOWN");
  Result<ordered_json> batch =
      DecodeJsonRequest(ReadFixture("job_batch_query_request.json"), "BatchQueryJobStatusRequest");
  ASSERT_THAT(batch, IsOk());
  EXPECT_EQ((*batch)["job_ids"], ordered_json({"job-alice-bob-001"}));
  Result<ordered_json> del = DecodeJsonRequest(ReadFixture("job_delete_request.json"), "DeleteJobRequest");
  ASSERT_THAT(del, IsOk());
  EXPECT_EQ(del->dump(), R"({"header":null,"job_id":"job-alice-bob-001"})");
}

}  // namespace
}  // namespace kuscia::api
