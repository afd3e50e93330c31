// Encoding rules: protojson (reference §2.4) and encoding/json for streams (§5.1.10), plus Go text helpers.
#include <cmath>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/envelope.h"
#include "api/go_text.h"
#include "api/json_codec.h"
#include "testing/status_matchers.h"

namespace kuscia::api {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using nlohmann::ordered_json;

TEST(ProtoJson, UnsetMessagesAreNullAndZerosAreWritten) {
  EXPECT_EQ(EncodeProtoJson("CreateJobResponse", ordered_json::object()), R"({"status":null,"data":null})");
  EXPECT_EQ(EncodeProtoJson("TaskConfig", ordered_json::object()),
            R"({"app_image":"","parties":[],"alias":"","task_id":"","dependencies":[],"task_input_config":"",)"
            R"("priority":0,"schedule_config":null})");
}

TEST(ProtoJson, DeclarationOrderWhateverTheInputOrder) {
  ordered_json v = {{"data", {{"job_id", "j1"}}}, {"status", SuccessStatus()}};
  EXPECT_EQ(EncodeProtoJson("CreateJobResponse", v),
            R"({"status":{"code":0,"message":"success","details":[]},"data":{"job_id":"j1"}})");
}

TEST(ProtoJson, SixtyFourBitIntegersAreStrings) {
  EXPECT_EQ(EncodeProtoJson("TokenConfig", {{"rolling_update_period", 0}}),
            R"({"destination_public_key":"","rolling_update_period":"0","source_public_key":"","token_gen_method":""})");
  EXPECT_EQ(EncodeProtoJson("BandwidthLimit", {{"destination_id", "bob"}, {"limit_kbps", 18446744073709551615ULL}}),
            R"({"destination_id":"bob","limit_kbps":"18446744073709551615"})");
  EXPECT_EQ(EncodeProtoJson("WatchJobRequest", {{"timeout_seconds", -3}}),
            R"({"header":null,"timeout_seconds":"-3"})");
}

TEST(ProtoJson, EnumsAsNames) {
  const std::string dd = EncodeProtoJson("DomainData", ordered_json::object());
  EXPECT_THAT(dd, ::testing::EndsWith(R"("author":"","file_format":"UNKNOWN"})"));
  EXPECT_EQ(EncodeProtoJson("ApproveJobRequest", {{"result", 2}}),
            R"({"job_id":"","result":"APPROVE_RESULT_REJECT","reason":""})");
  EXPECT_EQ(EncodeProtoJson("ApproveJobRequest", {{"result", 9}}), R"({"job_id":"","result":9,"reason":""})");
  EXPECT_EQ(EncodeProtoJson("WatchJobEventResponse", {{"type", "HEARTBEAT"}}), R"({"type":"HEARTBEAT","object":null})");
}

TEST(ProtoJson, MapKeysSortedAndNoHtmlEscaping) {
  ordered_json data = {{"job_id", "<a&b>"}, {"custom_fields", {{"b", "1"}, {"a", "2"}, {"B", "3"}}}};
  const std::string out = EncodeProtoJson("QueryJobResponseData", data);
  EXPECT_THAT(out, ::testing::StartsWith(R"({"job_id":"<a&b>",)"));
  EXPECT_THAT(out, ::testing::EndsWith(R"("custom_fields":{"B":"3","a":"2","b":"1"}})"));
}

TEST(ProtoJson, StringEscapes) {
  EXPECT_EQ(EncodeProtoJson("JobResource", {{"cpu", "q\"\\\b\f\n\r\t\x01\x7f\xe2\x80\xa8\xc3\xa9"}}),
            "{\"cpu\":\"q\\\"\\\\\\b\\f\\n\\r\\t\\u0001\x7f\xe2\x80\xa8\xc3\xa9\",\"memory\":\"\",\"bandwidth\":\"\"}");
  // protojson cannot marshal invalid UTF-8; the encoder substitutes U+FFFD rather than fail.
  EXPECT_EQ(EncodeProtoJson("AuthCenter", {{"authentication_type", "a\xff"}}),
            "{\"authentication_type\":\"a\xef\xbf\xbd\",\"token_gen_method\":\"\"}");
}

TEST(ProtoJson, Floats) {
  auto progress = [](double p) {
    std::string s = EncodeProtoJson("TaskStatus", {{"progress", p}});
    return s.substr(s.rfind(':') + 1, s.size() - s.rfind(':') - 2);
  };
  EXPECT_EQ(progress(1), "1");
  EXPECT_EQ(progress(0.5), "0.5");
  EXPECT_EQ(progress(0.1), "0.1");  // float32 shortest form, not 0.10000000149011612
  EXPECT_EQ(progress(1e-7), "1e-7");
  EXPECT_EQ(progress(1e21), "1e+21");
  EXPECT_EQ(progress(123456.0), "123456");
  EXPECT_EQ(progress(std::numeric_limits<double>::quiet_NaN()), "\"NaN\"");
  EXPECT_EQ(progress(-std::numeric_limits<double>::infinity()), "\"-Infinity\"");
}

TEST(ProtoJson, OptionalFieldsAreOmittedWhenUnset) {
  EXPECT_EQ(EncodeProtoJson("CreateDomainDataSourceRequest", {{"domain_id", "alice"}}),
            R"({"header":null,"domain_id":"alice","datasource_id":"","type":""})");
  EXPECT_EQ(EncodeProtoJson("CreateDomainDataSourceRequest", {{"access_directly", false}, {"name", ""}}),
            R"({"header":null,"domain_id":"","datasource_id":"","type":"","name":"","access_directly":false})");
}

TEST(ProtoJson, AnyDetailsCarryTheirType) {
  ordered_json status = ErrorStatus(11702, "BatchQuery has error.");
  status["details"].push_back({{"@type", "type.googleapis.com/kuscia.proto.api.v1alpha1.Status"},
                               {"code", 11705},
                               {"message", "not found"}});
  EXPECT_EQ(EncodeProtoJson("Status", status),
            R"({"code":11702,"message":"BatchQuery has error.","details":[{"@type":)"
            R"("type.googleapis.com/kuscia.proto.api.v1alpha1.Status","code":11705,"message":"not found",)"
            R"("details":[]}]})");
}

TEST(GoJson, HeartbeatAndAddedEvents) {
  EXPECT_EQ(EncodeGoJson("WatchJobEventResponse", {{"type", "HEARTBEAT"}}), R"({"type":4})");
  ordered_json added = {{"type", "ADDED"},
                        {"object",
                         {{"job_id", "j1"},
                          {"status", {{"state", "Pending"}, {"err_msg", ""}, {"create_time", "2025-04-16T10:42:55Z"},
                                      {"tasks", ordered_json::array()}}}}}};
  EXPECT_EQ(EncodeGoJson("WatchJobEventResponse", added),
            R"({"object":{"job_id":"j1","status":{"state":"Pending","create_time":"2025-04-16T10:42:55Z"}}})");
  added["type"] = 1;
  EXPECT_THAT(EncodeGoJson("WatchJobEventResponse", added), ::testing::StartsWith(R"({"type":1,"object":)"));
}

TEST(GoJson, OmitEmptyNumericEnumsAndHtmlEscaping) {
  ordered_json task = {{"task_id", "t<1>&"}, {"state", "Running"}, {"alias", "\xe2\x80\xa8"},
                       {"progress", 0.25},   {"parties", ordered_json::array()}};
  EXPECT_EQ(EncodeGoJson("TaskStatus", task),
            R"({"task_id":"t\u003c1\u003e\u0026","state":"Running","alias":"\u2028","progress":0.25})");
  EXPECT_EQ(EncodeGoJson("TaskStatus", {{"progress", 0}}), "{}");
  EXPECT_EQ(EncodeGoJson("WatchJobRequest", {{"timeout_seconds", 5}}), R"({"timeout_seconds":5})");
  EXPECT_EQ(EncodeGoJson("BandwidthLimit", {{"limit_kbps", 1024}}), R"({"limit_kbps":1024})");
  EXPECT_EQ(EncodeGoJson("ApproveJobRequest", {{"result", "APPROVE_RESULT_ACCEPT"}}), R"({"result":1})");
  // An empty but present message is not omitted; a set optional scalar is written even when zero.
  EXPECT_EQ(EncodeGoJson("Party", {{"resources", ordered_json::object()}}), R"({"resources":{}})");
  EXPECT_EQ(EncodeGoJson("CreateDomainDataSourceRequest", {{"access_directly", false}}), R"({"access_directly":false})");
  EXPECT_EQ(EncodeGoJson("CreateJobRequest", {{"custom_fields", {{"z", ""}, {"a", "<"}}}}),
            R"({"custom_fields":{"a":"\u003c","z":""}})");
}

TEST(GoJson, LogStreamStatusOmitsCodeZero) {
  EXPECT_EQ(EncodeGoJson("Status", SuccessStatus()), R"({"message":"success"})");
  EXPECT_EQ(EncodeGoJson("Status", {{"code", 0}, {"message", "a\x01\xff"}}), R"({"message":"a\u0001\ufffd"})");
}

TEST(Canonical, FillsZerosAndNamesEnums) {
  ordered_json c = Canonicalize("ApproveJobRequest", {{"result", 1}});
  EXPECT_EQ(c.dump(), R"({"job_id":"","result":"APPROVE_RESULT_ACCEPT","reason":""})");
  ordered_json q = Canonicalize("QueryJobResponse", {{"data", {{"tasks", {{{"alias", "a"}}}}}}});
  EXPECT_EQ(q["data"]["tasks"][0]["schedule_config"], nullptr);
  EXPECT_EQ(q["data"]["status"], nullptr);
  EXPECT_EQ(q["data"]["custom_fields"], ordered_json::object());
  EXPECT_EQ(q["status"], nullptr);
}

TEST(Canonical, ValidateNamesThePointerOfTheProblem) {
  EXPECT_THAT(ValidateCanonical("QueryJobResponse", Canonicalize("QueryJobResponse", ordered_json::object())), IsOk());
  EXPECT_THAT(ValidateCanonical("QueryJobResponse", {{"data", {{"tasks", {{{"priority", "high"}}}}}}}),
              StatusIs(StatusCode::kInvalidArgument, ::testing::StartsWith("/data/tasks/0/priority: expected an integer")));
  EXPECT_THAT(ValidateCanonical("CreateJobResponse", {{"data", {{"jobId", "x"}}}}),
              StatusIs(StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("/data/jobId: message CreateJobResponseData declares no field 'jobId'")));
  EXPECT_THAT(ValidateCanonical("ApproveJobRequest", {{"result", "ACCEPT"}}),
              StatusIs(StatusCode::kInvalidArgument, ::testing::StartsWith("/result: expected a value name")));
}

TEST(GoText, QuoteLikeStrconv) {
  EXPECT_EQ(GoQuote("job-1"), "\"job-1\"");
  EXPECT_EQ(GoQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(GoQuote("\x01\n\x7f"), "\"\\x01\\n\\x7f\"");
  EXPECT_EQ(GoQuote("\xc3\xa9\xe4\xb8\xad"), "\"\xc3\xa9\xe4\xb8\xad\"");  // printable Unicode stays raw
  EXPECT_EQ(GoQuote("\xc2\xa0\xe2\x80\x8b"), "\"\\u00a0\\u200b\"");
  EXPECT_EQ(GoQuote("\xff"), "\"\\xff\"");
  EXPECT_EQ(GoQuoteChar('x'), "'x'");
  EXPECT_EQ(GoQuoteChar('\''), "'\\''");
  EXPECT_EQ(GoQuoteChar('"'), "'\"'");
  EXPECT_EQ(GoQuoteChar('\\'), "'\\\\'");
  EXPECT_EQ(GoQuoteChar(0x85), "'\\u0085'");
  EXPECT_EQ(GoQuoteChar(0xe9), "'\xc3\xa9'");
}

TEST(GoText, Utf8DecodingFollowsGo) {
  char32_t r;
  EXPECT_EQ(DecodeUtf8Rune("\xed\xa0\x80", 0, &r), 1u);  // encoded surrogate
  EXPECT_EQ(r, 0xFFFDu);
  EXPECT_EQ(DecodeUtf8Rune("\xc0\xaf", 0, &r), 1u);  // overlong
  EXPECT_EQ(DecodeUtf8Rune("\xf0\x9f\x98\x80", 0, &r), 4u);
  EXPECT_EQ(r, 0x1F600u);
  EXPECT_TRUE(IsValidUtf8("abc\xc3\xa9"));
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
}

}  // namespace
}  // namespace kuscia::api
