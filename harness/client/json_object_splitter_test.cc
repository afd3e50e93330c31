// The WatchJob body splitter: objects split at every possible place, braces and quotes inside strings,
// limits, and what it refuses.
#include "harness/client/json_object_splitter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/client/client.h"

namespace kuscia::harness {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

// A stream as the fake sends it: an ADDED event (no "type"), a heartbeat, a MODIFIED event whose err_msg
// holds braces, brackets, an escaped quote and an escaped backslash — all of which must not end an object.
constexpr std::string_view kStream =
    R"({"object":{"job_id":"j1","status":{"state":"Pending"}}})"
    R"({"type":4})"
    R"({"type":1,"object":{"job_id":"j2","status":{"state":"Failed","err_msg":"x}{] \"q\" \\\"[{"}}})";

void ExpectTheThreeEvents(const std::vector<Json>& events) {
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0]["object"]["job_id"], "j1");
  EXPECT_FALSE(events[0].contains("type"));
  EXPECT_EQ(events[1], Json::parse(R"({"type":4})"));
  EXPECT_EQ(events[2]["type"], 1);
  EXPECT_EQ(events[2]["object"]["status"]["err_msg"], "x}{] \"q\" \\\"[{");
}

TEST(JsonObjectSplitter, SplitsConcatenatedObjectsInOnePiece) {
  JsonObjectSplitter splitter;
  EXPECT_EQ(splitter.Feed(kStream), kStream.size());
  EXPECT_EQ(splitter.count(), 3u);
  EXPECT_FALSE(splitter.mid_object());
  EXPECT_FALSE(splitter.failed());
  EXPECT_EQ(splitter.end_of_last_object(), kStream.size());
  ExpectTheThreeEvents(splitter.TakeObjects());
  EXPECT_TRUE(splitter.objects().empty());
  EXPECT_EQ(splitter.count(), 3u);  // taking does not forget how many there were
}

// Every cut point, including inside strings, right after a backslash and between an object's last brace
// and the next one's first.
TEST(JsonObjectSplitter, ObjectsSplitAcrossPiecesAtEveryOffset) {
  for (size_t cut = 0; cut <= kStream.size(); ++cut) {
    JsonObjectSplitter splitter;
    splitter.Feed(kStream.substr(0, cut));
    splitter.Feed(kStream.substr(cut));
    ASSERT_FALSE(splitter.failed()) << "cut at " << cut << ": " << splitter.error();
    ExpectTheThreeEvents(splitter.objects());
  }
}

TEST(JsonObjectSplitter, OneByteAtATime) {
  JsonObjectSplitter splitter;
  for (char c : kStream) splitter.Feed(std::string_view(&c, 1));
  ExpectTheThreeEvents(splitter.objects());
}

TEST(JsonObjectSplitter, ReportsAnUnfinishedObject) {
  JsonObjectSplitter splitter;
  splitter.Feed(R"({"type":4}{"object":{"job_id":"j1")");
  EXPECT_EQ(splitter.count(), 1u);
  EXPECT_TRUE(splitter.mid_object());
  EXPECT_EQ(splitter.end_of_last_object(), 10u);
}

TEST(JsonObjectSplitter, ToleratesWhitespaceBetweenObjects) {
  JsonObjectSplitter splitter;
  splitter.Feed(" {\"a\":1}\n\r\t{\"b\":[1,{\"c\":2}]}\n");
  ASSERT_EQ(splitter.count(), 2u) << splitter.error();
  EXPECT_EQ(splitter.objects()[1]["b"][1]["c"], 2);
  EXPECT_FALSE(splitter.mid_object());
}

TEST(JsonObjectSplitter, StopsAtTheLimitAndSaysWhere) {
  JsonObjectSplitter splitter;
  std::string_view first_two = R"({"object":{"job_id":"j1","status":{"state":"Pending"}}}{"type":4})";
  EXPECT_EQ(splitter.Feed(kStream, 2), first_two.size());
  EXPECT_EQ(splitter.count(), 2u);
  EXPECT_EQ(splitter.end_of_last_object(), first_two.size());
  EXPECT_EQ(splitter.Feed(kStream.substr(first_two.size()), 2), 0u);  // the limit holds for later pieces
  EXPECT_EQ(splitter.Feed(kStream.substr(first_two.size())), kStream.size() - first_two.size());
  EXPECT_EQ(splitter.count(), 3u);
}

TEST(JsonObjectSplitter, RefusesWhatIsNotASequenceOfObjects) {
  JsonObjectSplitter text;
  EXPECT_EQ(text.Feed("404 page not found"), 0u);
  EXPECT_THAT(text.error(), HasSubstr("byte 0 ('404 page not found') does not start a JSON object"));

  JsonObjectSplitter separated;
  EXPECT_EQ(separated.Feed(R"({"a":1},{"b":2})"), 7u);
  EXPECT_THAT(separated.error(), HasSubstr("byte 7"));
  EXPECT_EQ(separated.count(), 1u);  // what came before the error is kept
  separated.Feed(R"({"c":3})");
  EXPECT_EQ(separated.count(), 1u);  // and nothing after it

  JsonObjectSplitter invalid;
  invalid.Feed(R"({"type":4}{"a":tru})");
  EXPECT_THAT(invalid.error(), HasSubstr("the object at byte 10 is not valid JSON"));
  EXPECT_EQ(invalid.count(), 1u);

  JsonObjectSplitter array;
  array.Feed("[1,2]");
  EXPECT_TRUE(array.failed());
}

TEST(JsonObjectSplitter, EmptyInputIsNoObjects) {
  JsonObjectSplitter splitter;
  EXPECT_EQ(splitter.Feed(""), 0u);
  EXPECT_EQ(splitter.count(), 0u);
  EXPECT_FALSE(splitter.failed());
  EXPECT_FALSE(splitter.mid_object());
}

// FinishStreamOutcome: the rules every client's stream read ends with (client.h), on the splitter.
Outcome Received(TransportClass transport, std::string body) {
  Outcome o;
  o.transport = transport;
  o.http_status = 200;
  o.body = std::move(body);
  return o;
}

TEST(FinishStreamOutcome, MaxEventsKeepsExactlyThatManyAndCutsTheBody) {
  Outcome o = Received(TransportClass::kOk, R"({"type":4}{"a":1}{"b":2}{"c":)");
  FinishStreamOutcome({.max_events = 2}, StreamEnd::kServerClosed, o);
  ASSERT_TRUE(o.stream.has_value());
  EXPECT_EQ(o.stream->end, StreamEnd::kMaxEvents);
  EXPECT_EQ(o.stream->events.size(), 2u);
  EXPECT_EQ(o.body, R"({"type":4}{"a":1})");
  EXPECT_EQ(o.stream->parse_error, "");
}

TEST(FinishStreamOutcome, ACutAfterTheWantedEventsIsNotObserved) {
  Outcome o = Received(TransportClass::kConnectionReset, R"({"a":1}{"b":2})");
  o.detail = "curl: (18) end of response with 5 bytes missing";
  FinishStreamOutcome({.max_events = 2}, StreamEnd::kError, o);
  EXPECT_EQ(o.transport, TransportClass::kOk);
  EXPECT_EQ(o.stream->end, StreamEnd::kMaxEvents);
  EXPECT_THAT(o.detail, HasSubstr("connection_reset after them ignored"));
}

TEST(FinishStreamOutcome, ACutBeforeThemIsAnErrorWithTheEventsSoFar) {
  Outcome o = Received(TransportClass::kConnectionReset, R"({"a":1}{"b")");
  FinishStreamOutcome({.max_events = 3}, StreamEnd::kServerClosed, o);
  EXPECT_EQ(o.transport, TransportClass::kConnectionReset);
  EXPECT_EQ(o.stream->end, StreamEnd::kError);
  EXPECT_EQ(o.stream->events.size(), 1u);
  EXPECT_EQ(o.body, R"({"a":1}{"b")");  // every byte received
  EXPECT_EQ(o.stream->parse_error, "");  // the cut explains the unfinished object
}

TEST(FinishStreamOutcome, AClosedStreamEndingInsideAnObjectIsMalformed) {
  Outcome o = Received(TransportClass::kOk, R"({"a":1}{"b")");
  FinishStreamOutcome({}, StreamEnd::kServerClosed, o);
  EXPECT_EQ(o.stream->end, StreamEnd::kServerClosed);
  EXPECT_THAT(o.stream->parse_error, HasSubstr("ended inside the object after byte 7"));
  Outcome timed = Received(TransportClass::kOk, R"({"a":1}{"b")");
  FinishStreamOutcome({}, StreamEnd::kMaxTime, timed);
  EXPECT_EQ(timed.stream->parse_error, "");  // not finished yet, not wrong
}

TEST(FinishStreamOutcome, ASingleEnvelopeStillGivesItsApiCode) {
  Outcome o = Received(TransportClass::kOk, R"({"status":{"code":11100,"message":"x"}})");
  FinishStreamOutcome({}, StreamEnd::kServerClosed, o);
  EXPECT_EQ(o.api_code, 11100);
  EXPECT_EQ(o.stream->events.size(), 1u);
}

TEST(StreamEndName, RoundTrips) {
  for (StreamEnd end : {StreamEnd::kServerClosed, StreamEnd::kMaxEvents, StreamEnd::kMaxTime, StreamEnd::kError}) {
    Result<StreamEnd> parsed = ParseStreamEnd(StreamEndName(end));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, end);
  }
  EXPECT_FALSE(ParseStreamEnd("closed").ok());
}

}  // namespace
}  // namespace kuscia::harness
