// Decoding rules of reference §2.2: protojson first, encoding/json second, Go's error texts.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/json_codec.h"
#include "testing/status_matchers.h"

namespace kuscia::api {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using nlohmann::ordered_json;

struct ErrorCase {
  std::string name;
  std::string message;  // request message
  std::string body;
  std::string error;    // exact status.message
};

class DecodeErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(DecodeErrorTest, ReportsGosExactText) {
  const ErrorCase& c = GetParam();
  Result<ordered_json> r = DecodeJsonRequest(c.body, c.message);
  EXPECT_THAT(r.status(), StatusIs(StatusCode::kInvalidArgument, c.error)) << "body: " << c.body;
}

const std::string kCreate = "CreateJobRequest";

INSTANTIATE_TEST_SUITE_P(
    Kuscia, DecodeErrorTest,
    ::testing::Values(
        ErrorCase{"EmptyBody", kCreate, "", "EOF"},
        ErrorCase{"WhitespaceBody", kCreate, " \r\n\t", "EOF"},
        ErrorCase{"OpenBrace", kCreate, "{", "unexpected EOF"},
        ErrorCase{"UnterminatedString", kCreate, "{\"job_id\":\"ab", "unexpected EOF"},
        ErrorCase{"PartialLiteral", kCreate, "tru", "unexpected EOF"},
        ErrorCase{"Garbage", kCreate, "x", "invalid character 'x' looking for beginning of value"},
        ErrorCase{"NonAsciiByte", kCreate, "\xc3", "invalid character '\xc3\x83' looking for beginning of value"},
        ErrorCase{"ControlByte", kCreate, "\x01", "invalid character '\\x01' looking for beginning of value"},
        ErrorCase{"TrailingComma", kCreate, "{\"job_id\":\"a\",}",
                  "invalid character '}' looking for beginning of object key string"},
        ErrorCase{"MissingColon", kCreate, "{\"job_id\" \"a\"}", "invalid character '\"' after object key"},
        ErrorCase{"KeyWithoutValue", kCreate, "{\"job_id\"}", "invalid character '}' after object key"},
        ErrorCase{"MissingComma", kCreate, "{\"job_id\":\"a\" \"b\"}",
                  "invalid character '\"' after object key:value pair"},
        ErrorCase{"ArrayMissingComma", "BatchQueryJobStatusRequest", "{\"job_ids\":[\"a\" \"b\"]}",
                  "invalid character '\"' after array element"},
        ErrorCase{"BadTrue", "Task", "{\"tolerable\":tru}", "invalid character '}' in literal true (expecting 'e')"},
        ErrorCase{"BadFalse", "Task", "{\"tolerable\":fxlse}", "invalid character 'x' in literal false (expecting 'a')"},
        ErrorCase{"BadNull", kCreate, "{\"job_id\":nul}", "invalid character '}' in literal null (expecting 'l')"},
        ErrorCase{"LoneMinus", kCreate, "{\"max_parallelism\":-}", "invalid character '}' in numeric literal"},
        ErrorCase{"BareDecimalPoint", kCreate, "{\"max_parallelism\":1.}",
                  "invalid character '}' after decimal point in numeric literal"},
        ErrorCase{"EmptyExponent", kCreate, "{\"max_parallelism\":1e}",
                  "invalid character '}' in exponent of numeric literal"},
        ErrorCase{"LeadingZero", kCreate, "{\"max_parallelism\":01}",
                  "invalid character '1' after object key:value pair"},
        ErrorCase{"BadEscape", kCreate, "{\"job_id\":\"a\\qb\"}", "invalid character 'q' in string escape code"},
        ErrorCase{"BadUnicodeEscape", kCreate, "{\"job_id\":\"\\u12G4\"}",
                  "invalid character 'G' in \\u hexadecimal character escape"},
        ErrorCase{"NewlineInString", kCreate, "{\"job_id\":\"a\nb\"}", "invalid character '\\n' in string literal"},
        ErrorCase{"TooDeep", kCreate, std::string(10001, '['), "invalid character '[' exceeded max depth"},
        // Pass 2 type errors: encoding/json's UnmarshalTypeError with the innermost struct and the field path.
        ErrorCase{"NestedBool", kCreate, R"({"tasks":[{"tolerable":"yes"}]})",
                  "json: cannot unmarshal string into Go struct field Task.tasks.tolerable of type bool"},
        ErrorCase{"IntAsWord", kCreate, R"({"max_parallelism":"abc"})",
                  "json: cannot unmarshal string into Go struct field CreateJobRequest.max_parallelism of type int32"},
        ErrorCase{"IntWithFraction", kCreate, R"({"max_parallelism":1.5})",
                  "json: cannot unmarshal number 1.5 into Go struct field CreateJobRequest.max_parallelism of type int32"},
        ErrorCase{"IntOverflow", kCreate, R"({"max_parallelism":3000000000})",
                  "json: cannot unmarshal number 3000000000 into Go struct field CreateJobRequest.max_parallelism of "
                  "type int32"},
        ErrorCase{"TopLevelArray", kCreate, "[1]",
                  "json: cannot unmarshal array into Go value of type kusciaapi.CreateJobRequest"},
        ErrorCase{"TopLevelString", kCreate, "\"x\"",
                  "json: cannot unmarshal string into Go value of type kusciaapi.CreateJobRequest"},
        ErrorCase{"NumberThenGarbage", kCreate, "123abc",
                  "json: cannot unmarshal number into Go value of type kusciaapi.CreateJobRequest"},
        ErrorCase{"SliceAsString", kCreate, R"({"tasks":"x"})",
                  "json: cannot unmarshal string into Go struct field CreateJobRequest.tasks of type []*kusciaapi.Task"},
        ErrorCase{"ElementAsString", kCreate, R"({"tasks":["x"]})",
                  "json: cannot unmarshal string into Go struct field CreateJobRequest.tasks of type kusciaapi.Task"},
        ErrorCase{"MessageAsString", kCreate, R"({"header":"x"})",
                  "json: cannot unmarshal string into Go struct field CreateJobRequest.header of type "
                  "v1alpha1.RequestHeader"},
        ErrorCase{"MapValueNumber", kCreate, R"({"custom_fields":{"a":1}})",
                  "json: cannot unmarshal number into Go struct field CreateJobRequest.custom_fields of type string"},
        ErrorCase{"MapAsArray", kCreate, R"({"custom_fields":[]})",
                  "json: cannot unmarshal array into Go struct field CreateJobRequest.custom_fields of type "
                  "map[string]string"},
        ErrorCase{"StringListElement", kCreate, R"({"tasks":[{"dependencies":[1]}]})",
                  "json: cannot unmarshal number into Go struct field Task.tasks.dependencies of type string"},
        ErrorCase{"DeepUint", kCreate, R"({"tasks":[{"parties":[{"bandwidth_limits":[{"limit_kbps":-1}]}]}]})",
                  "json: cannot unmarshal number -1 into Go struct field "
                  "BandwidthLimit.tasks.parties.bandwidth_limits.limit_kbps of type uint64"},
        ErrorCase{"EnumFraction", "ApproveJobRequest", R"({"result":1.5})",
                  "json: cannot unmarshal number 1.5 into Go struct field ApproveJobRequest.result of type "
                  "kusciaapi.ApproveResult"},
        ErrorCase{"EnumName", "ApproveJobRequest", R"({"result":"APPROVE_RESULT_ACCEPT"} trailing)",
                  "json: cannot unmarshal string into Go struct field ApproveJobRequest.result of type "
                  "kusciaapi.ApproveResult"},
        ErrorCase{"FloatOverflow", "TaskStatus", R"({"progress":1e39})",
                  "json: cannot unmarshal number 1e39 into Go struct field TaskStatus.progress of type float32"},
        ErrorCase{"QuotedIntWithSpace", "WatchJobRequest", R"({"timeout_seconds":" 1"})",
                  "json: cannot unmarshal string into Go struct field WatchJobRequest.timeout_seconds of type int64"},
        ErrorCase{"NestedStructName", "CreateDomainRouteRequest", R"({"transit":{"domain":{"domain_id":5}}})",
                  "json: cannot unmarshal number into Go struct field Transit_Domain.transit.domain.domain_id of "
                  "type string"},
        // Pass 2 unknown fields (DisallowUnknownFields), only reached when pass 1 failed.
        ErrorCase{"CamelCaseAfterTrailingGarbage", kCreate, R"({"jobId":"a"} x)", R"(json: unknown field "jobId")"},
        ErrorCase{"DuplicateAcrossSpellings", kCreate, R"({"job_id":"a","jobId":"b"})",
                  R"(json: unknown field "jobId")"},
        ErrorCase{"UnknownWithMapNull", kCreate, R"({"unknown":1,"custom_fields":{"k":null}})",
                  R"(json: unknown field "unknown")"},
        ErrorCase{"UnknownKeyIsGoQuoted", kCreate, "{\"a\\\"b\\u00a0\":1,\"custom_fields\":{\"k\":null}}",
                  R"(json: unknown field "a\"b\u00a0")"},
        // The first error in document order wins.
        ErrorCase{"TypeErrorBeforeUnknown", kCreate, R"({"max_parallelism":"x","unknown":1})",
                  "json: cannot unmarshal string into Go struct field CreateJobRequest.max_parallelism of type int32"},
        ErrorCase{"UnknownBeforeTypeError", kCreate, R"({"unknown":1,"max_parallelism":"x"})",
                  R"(json: unknown field "unknown")"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

ordered_json MustDecode(std::string_view body, std::string_view message) {
  Result<ordered_json> r = DecodeJsonRequest(body, message);
  EXPECT_THAT(r, IsOk()) << "body: " << body;
  return r.ok() ? *r : ordered_json();
}

TEST(Decode, ResultIsCanonicalInDeclarationOrder) {
  ordered_json r = MustDecode(R"({"tasks":[{"alias":"a","parties":[{"domain_id":"alice"}]}],"job_id":"j"})", kCreate);
  EXPECT_EQ(r.dump(),
            R"({"header":null,"job_id":"j","initiator":"","max_parallelism":0,"tasks":[{"app_image":"",)"
            R"("parties":[{"domain_id":"alice","role":"","resources":null,"bandwidth_limits":[]}],"alias":"a",)"
            R"("task_id":"","dependencies":[],"task_input_config":"","priority":0,"schedule_config":null,)"
            R"("tolerable":false}],"custom_fields":{}})");
}

TEST(Decode, NullBodyIsAnEmptyRequest) {
  EXPECT_EQ(MustDecode("null", "HealthRequest").dump(), R"({"header":null})");
  EXPECT_EQ(MustDecode(" {} ", "HealthRequest").dump(), R"({"header":null})");
}

TEST(Decode, ProtojsonAcceptsBothNamesNumbersInStringsAndNull) {
  EXPECT_EQ(MustDecode(R"({"jobId":"a"})", kCreate)["job_id"], "a");
  EXPECT_EQ(MustDecode(R"({"maxParallelism":"3"})", kCreate)["max_parallelism"], 3);
  EXPECT_EQ(MustDecode(R"({"max_parallelism":1.0})", kCreate)["max_parallelism"], 1);
  EXPECT_EQ(MustDecode(R"({"max_parallelism":1e2})", kCreate)["max_parallelism"], 100);
  EXPECT_EQ(MustDecode(R"({"max_parallelism":"-5E-0"})", kCreate)["max_parallelism"], -5);
  EXPECT_EQ(MustDecode(R"({"job_id":null,"tasks":null,"header":null})", kCreate)["tasks"], ordered_json::array());
  EXPECT_EQ(MustDecode(R"({"timeout_seconds":"9007199254740993"})", "WatchJobRequest")["timeout_seconds"],
            9007199254740993LL);
  EXPECT_EQ(MustDecode(R"({"limit_kbps":"18446744073709551615"})", "BandwidthLimit")["limit_kbps"],
            18446744073709551615ULL);
}

TEST(Decode, UnknownFieldsAndCaseVariantsAreIgnoredByPass1) {
  EXPECT_EQ(MustDecode(R"({"unknown":{"deep":[1,2,{"x":null}]},"job_id":"a"})", kCreate)["job_id"], "a");
  // protojson does not fold case, so JOB_ID is an unknown field and pass 1 succeeds with an empty id.
  EXPECT_EQ(MustDecode(R"({"JOB_ID":"a"})", kCreate)["job_id"], "");
}

TEST(Decode, DeepUnknownValuesAreSkippedWithoutRecursion) {
  const std::string deep = std::string(9000, '[') + std::string(9000, ']');
  EXPECT_EQ(MustDecode(R"({"x":)" + deep + R"(,"job_id":"a"})", kCreate)["job_id"], "a");
  Result<ordered_json> go = DecodeGoJsonRequest(R"({"x":)" + deep + R"(,"timeout_seconds":3})", "WatchJobRequest");
  ASSERT_THAT(go, IsOk());
  EXPECT_EQ((*go)["timeout_seconds"], 3);
}

TEST(Decode, Pass2SucceedsWhenPass1Fails) {
  // Map values of null: protojson fails, encoding/json stores "" (the binder's documented reason).
  ordered_json r = MustDecode(R"({"job_id":"a","custom_fields":{"k":null,"j":"v"}})", kCreate);
  EXPECT_EQ(r["custom_fields"], ordered_json({{"k", ""}, {"j", "v"}}));
  // Once pass 2 runs, keys match case-insensitively.
  EXPECT_EQ(MustDecode(R"({"JOB_ID":"a","custom_fields":{"k":null}})", kCreate)["job_id"], "a");
  EXPECT_EQ(MustDecode(R"({"Job_Id":"b","custom_fields":{"k":null}})", kCreate)["job_id"], "b");
  // Duplicate keys: protojson rejects them, encoding/json keeps the last.
  EXPECT_EQ(MustDecode(R"({"job_id":"a","job_id":"b"})", kCreate)["job_id"], "b");
  // Trailing garbage after the first value is never read by encoding/json.
  EXPECT_EQ(MustDecode(R"({"job_id":"a"} xyz)", kCreate)["job_id"], "a");
  EXPECT_EQ(MustDecode(R"({"job_id":"a"}})", kCreate)["job_id"], "a");
  // Null inside a string list: protojson fails, Go leaves the element at "".
  EXPECT_EQ(MustDecode(R"({"tasks":[{"dependencies":["x",null]}]})", kCreate)["tasks"][0]["dependencies"],
            ordered_json({"x", ""}));
}

TEST(Decode, StringsAreValidatedThenRepaired) {
  EXPECT_EQ(MustDecode("{\"job_id\":\"\\ud83d\\ude00\"}", kCreate)["job_id"], "\xf0\x9f\x98\x80");
  // Invalid UTF-8 and lone surrogates fail protojson; encoding/json substitutes U+FFFD.
  EXPECT_EQ(MustDecode("{\"job_id\":\"a\xff" "b\"}", kCreate)["job_id"], "a\xef\xbf\xbd" "b");
  EXPECT_EQ(MustDecode("{\"job_id\":\"\\ud800x\"}", kCreate)["job_id"], "\xef\xbf\xbdx");
  EXPECT_EQ(MustDecode(R"({"job_id":"\/\b\f\n\r\t\"\\"})", kCreate)["job_id"], "/\b\f\n\r\t\"\\");
}

TEST(Decode, EnumsByNameOrNumber) {
  const std::string approve = "ApproveJobRequest";
  EXPECT_EQ(MustDecode(R"({"result":"APPROVE_RESULT_ACCEPT"})", approve)["result"], "APPROVE_RESULT_ACCEPT");
  EXPECT_EQ(MustDecode(R"({"result":2})", approve)["result"], "APPROVE_RESULT_REJECT");
  EXPECT_EQ(MustDecode(R"({"result":"BOGUS"})", approve)["result"], "APPROVE_RESULT_UNKNOWN");
  EXPECT_EQ(MustDecode(R"({"result":"1"})", approve)["result"], "APPROVE_RESULT_UNKNOWN");  // names only
  EXPECT_EQ(MustDecode(R"({"result":7})", approve)["result"], 7);  // unknown numbers keep their value
  EXPECT_EQ(MustDecode(R"({})", approve)["result"], "APPROVE_RESULT_UNKNOWN");
  // Pass 2 (reached here through trailing bytes) takes numbers only.
  EXPECT_EQ(MustDecode(R"({"result":1} trailing)", approve)["result"], "APPROVE_RESULT_ACCEPT");
}

TEST(Decode, Floats) {
  ordered_json nan = MustDecode(R"({"progress":"NaN"})", "TaskStatus");
  EXPECT_TRUE(std::isnan(nan["progress"].get<double>()));
  EXPECT_EQ(MustDecode(R"({"progress":"0.5"})", "TaskStatus")["progress"], 0.5);
  EXPECT_EQ(MustDecode(R"({"progress":"-Infinity"})", "TaskStatus")["progress"],
            -std::numeric_limits<double>::infinity());
  EXPECT_EQ(MustDecode(R"({"progress":1e-50})", "TaskStatus")["progress"], 0.0);  // underflow is not an error
}

TEST(Decode, OptionalFieldsKeepPresence) {
  const std::string ds = "CreateDomainDataSourceRequest";
  ordered_json unset = MustDecode(R"({"domain_id":"alice"})", ds);
  EXPECT_TRUE(unset["access_directly"].is_null());
  EXPECT_TRUE(unset["name"].is_null());
  ordered_json set = MustDecode(R"({"access_directly":false,"name":"","info":{"localfs":{"path":"/x"}}})", ds);
  EXPECT_EQ(set["access_directly"], false);
  EXPECT_EQ(set["name"], "");
  EXPECT_EQ(set["info"]["localfs"]["path"], "/x");
  EXPECT_TRUE(set["info"]["oss"].is_null());
}

TEST(DecodeGo, WatchRouteUsesGinShouldBind) {
  EXPECT_THAT(DecodeGoJsonRequest("", "WatchJobRequest").status(), StatusIs(StatusCode::kInvalidArgument, "EOF"));
  Result<ordered_json> ok = DecodeGoJsonRequest(R"({"timeout_seconds":10,"bogus":1,"HEADER":null})",
                                                "WatchJobRequest");
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->dump(), R"({"header":null,"timeout_seconds":10})");
  EXPECT_THAT(DecodeGoJsonRequest(R"({"timeout_seconds":"10"})", "WatchJobRequest").status(),
              StatusIs(StatusCode::kInvalidArgument,
                       "json: cannot unmarshal string into Go struct field WatchJobRequest.timeout_seconds of type "
                       "int64"));
}

TEST(Decode, UnknownMessageNameIsNamed) {
  EXPECT_THAT(DecodeJsonRequest("{}", "NoSuchRequest").status(),
              StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("'NoSuchRequest'")));
}

}  // namespace
}  // namespace kuscia::api
