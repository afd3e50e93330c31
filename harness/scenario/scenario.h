// A scenario as data: what the loader produces from a scenario file and the runner executes. The file
// format is documented in docs/scenarios.md; every field here maps to one key there.
//
//   Result<Scenario> s = LoadScenarioFile("scenarios/errors/empty_body.yaml");
//   for (const Step& step : s->steps) ...
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/client/outcome.h"

namespace kuscia::harness::scenario {

// Where something came from, for error messages and reports ("scenarios/x.yaml:12").
struct SourceLocation {
  std::string file{};
  int line = 0;  // 1-based; 0 when unknown
  std::string ToString() const { return line > 0 ? file + ":" + std::to_string(line) : file; }
};

// One check on a JSON body. `path` is a JSON Pointer (RFC 6901; "" is the whole document).
struct Matcher {
  enum class Op {
    kEquals,       // the value equals `value` (JSON equality; 1 and 1.0 are equal)
    kNotEquals,    // the value exists and differs from `value`
    kOneOf,        // the value equals one element of `value` (an array)
    kRegex,        // the value is a string matching `value` (ECMAScript, whole string)
    kExists,       // the path resolves
    kAbsent,       // the path does not resolve
    kType,         // the value's JSON type is `value`: string, number, integer, boolean, array, object, null
    kLength,       // the array/string/object has `value` elements (or {min, max})
    kRange,        // the value is a number within {min, max} (either bound may be left out; both inclusive)
    kEvery,        // the value is an array and every element satisfies `nested` (paths relative to it)
    kAny,          // the value is an array and at least one element satisfies `nested`
    kFixture,      // the value equals the JSON file `fixture` after blanking the `ignore` paths in both
  };
  std::string path{};
  Op op = Op::kEquals;
  nlohmann::json value{};
  std::vector<Matcher> nested{};
  std::string fixture{};                // resolved absolute path
  std::vector<std::string> ignore{};    // pointers; a "*" segment matches any key or index
  SourceLocation where{};
};
std::string_view MatcherOpName(Matcher::Op op);

// What a response must look like. Unset parts are not checked.
struct Expectation {
  std::vector<TransportClass> transport{};    // any of these; empty: not checked
  std::vector<int> http_status{};             // any of these
  std::vector<int> code{};                    // status.code, any of these
  bool code_absent = false;                   // `code: none`: the body must not be a Kuscia envelope
  std::optional<std::string> body_text{};     // the raw body, exactly
  std::optional<std::string> body_regex{};    // the raw body matches this (ECMAScript, whole body)
  std::vector<Matcher> body{};               // for a stream step: over the array of events
  std::vector<StreamEnd> stream_end{};        // a stream step: how the read ended, any of these
  struct Header {
    std::string name{};                       // case-insensitive
    std::optional<std::string> equals{};
    std::optional<std::string> regex{};
    bool absent = false;
  };
  std::vector<Header> headers{};
};

// Repeat the call until the matchers hold (never unbounded: `timeout` is required by the loader).
struct Until {
  std::vector<Matcher> matchers{};
  std::chrono::milliseconds interval{200};
  std::chrono::milliseconds timeout{10000};
};

// Per-step changes to the client's identity (each part independently), on top of the run's identity.
struct IdentityOverride {
  std::optional<std::string> catalogue{};   // a certs catalogue identity: its client pair, CA and token
  enum class Cert { kDefault, kNone, kServerPair, kClientPair, kMissingFiles };
  Cert cert = Cert::kDefault;               // kServerPair is what the docs use; kClientPair kusciaapi-client.*;
                                            // kMissingFiles: paths that do not exist (a typo in --cert/--key)
  enum class Token { kDefault, kNone, kWrong, kLiteral };
  Token token = Token::kDefault;
  std::string token_literal{};
  std::optional<bool> verify_server{};      // false = curl -k
  bool no_ca = false;                       // trust the system store instead of ca.crt
};

// A control-plane action (faults, outcome rules, clock, journal). The schema is fixed now; the fake's
// control plane is not built yet, so the runner skips scenarios that contain one, with that reason.
struct ControlAction {
  std::string kind{};        // fault, clear_faults, outcome, advance_clock, wait_journal, assert_journal, reset
  nlohmann::json args{};     // the remaining keys of the step
};

struct Step {
  std::string name{};
  SourceLocation where{};
  bool is_control = false;
  ControlAction control{};

  // An HTTP call. `route` is a short name from api/routes.h (resolved to `path`), or method + path given.
  std::string route{};
  std::string scheme{};                     // "http"/"https" instead of the target's (plain HTTP to a TLS port)
  std::string method = "POST";
  std::string path{};
  std::vector<std::pair<std::string, std::string>> headers{};
  bool content_type_json = true;            // add Content-Type: application/json unless the step sets one
  enum class BodyKind { kNone, kJson, kText, kFile };
  BodyKind body_kind = BodyKind::kNone;
  nlohmann::json body{};                    // kJson: the value; kFile: the overrides {pointer: value}
  std::string body_text{};                  // kText: sent as is
  std::string body_file{};                  // kFile: resolved absolute path
  IdentityOverride identity{};
  std::optional<std::chrono::milliseconds> timeout{};
  // A stream read (job.watch): read until max_events objects, the server's end, or max_time.
  struct Stream {
    int max_events = 0;                     // 0: no limit
    std::chrono::milliseconds max_time{0};
  };
  std::optional<Stream> stream{};
  std::vector<Step> during{};               // steps run while the stream is open (stream steps only)
  Expectation expect{};
  std::optional<Until> until{};
  std::vector<std::pair<std::string, std::string>> captures{};  // variable name, JSON pointer
};

struct Scenario {
  std::string name{};
  std::string description{};
  std::string source{};                      // the reference section or issue the expectations come from
  std::vector<std::string> tags{};
  std::vector<std::string> requires_{};      // control_plane, manual_clock, catalogue, client:curl, ...
  std::vector<std::pair<std::string, std::string>> variables{};  // in file order; values may use ${...}
  std::vector<Step> steps{};
  std::vector<Step> cleanup{};
  std::optional<bool> read_only{};           // explicit; otherwise derived from the routes it calls
  SourceLocation where{};

  bool HasTag(std::string_view tag) const;
  bool Requires(std::string_view requirement) const;
  bool HasControlSteps() const;
  // True when the scenario creates nothing (explicit `read_only`, else no step calls a mutating route).
  bool IsReadOnly() const;
};

// The requirement names the loader accepts, each with a one-line meaning (docs/scenarios.md).
const std::vector<std::pair<std::string, std::string>>& KnownRequirements();

}  // namespace kuscia::harness::scenario
