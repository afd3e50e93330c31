// HoldPlan and HoldResult: the bench's two "hold" modes, which measure what open connections cost a
// server rather than how fast it answers.
//  - idle: open N keep-alive mTLS connections (handshake + one request each), hold them idle, then check
//    that they still work (one request on each, or on a sample);
//  - watch: open N WatchJob streams, check their first events, and judge the heartbeats for the hold time.
// Both sample the server's memory while the connections are held. `RunBench` (bench.h) builds the plan
// from `--mode idle|watch`; tests build one directly.
//
//   HoldPlan plan{.mode = HoldMode::kWatch, .target = load_plan, .heartbeat = 100ms};
//   KC_ASSIGN_OR_RETURN(HoldResult result, RunHold(plan));
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "api/status.h"
#include "harness/bench/histogram.h"
#include "harness/bench/load_plan.h"
#include "harness/bench/process_stats.h"
#include "harness/bench/watch_stream.h"

namespace kuscia::bench {

enum class HoldMode { kIdle, kWatch };
std::string_view HoldModeName(HoldMode mode);

inline constexpr char kWatchJobRoute[] = "/api/v1/job/watch";
// No timeout: the stream lasts until the bench closes it (reference §5.1.10).
inline constexpr char kWatchJobBody[] = R"({"timeout_seconds":0})";

struct HoldPlan {
  HoldMode mode = HoldMode::kIdle;
  // The target and credentials; `connections` (N), `threads`, `duration` (the hold time, counted from the
  // moment every connection is open or has failed) and `timeout` (each connect, handshake and request).
  // Idle mode sends target.method/route/body on each connection to establish it and again to check it.
  LoadPlan target;
  int ramp = 64;                 // connections being opened at once (a burst of N SYNs would overflow backlogs)
  int check_sample = 0;          // idle: check this many connections at the end, spread evenly; 0 = all
  std::chrono::nanoseconds heartbeat{std::chrono::seconds(10)};  // watch: the server's heartbeat interval
  std::chrono::nanoseconds heartbeat_tolerance{0};               // watch: 0 = a fifth of the interval
  std::string expected_job;      // watch: a job every stream's initial ADDED events must include ("" = none)
  // Reads the server's memory; called before opening, when all are open, every `memory_sample_interval`
  // while holding, and at the end of the hold. Empty = not measured.
  std::function<Result<ProcessMemory>()> sample_server_memory;
  std::string memory_source;     // says whose memory that is, for the report
  std::chrono::milliseconds memory_sample_interval{1000};
  // Descriptors that others in this process will need while the run lasts (the embedded fake's end of
  // every connection), added to N when raising and checking RLIMIT_NOFILE.
  uint64_t extra_open_files = 0;
  // Overall bounds of the two phases around the hold, so that the run always ends (0 = derived, see
  // OpenPhaseBound and CheckPhaseBound; tests set them). When the opening phase's bound passes, every
  // connection not yet open (opening, or not even started) fails with `timeout` "not opened within N s" and
  // the hold starts with the rest; when the check phase's passes, every unanswered check fails with
  // `timeout` "not answered within N s" and the run reports.
  std::chrono::nanoseconds open_phase_bound{0};
  std::chrono::nanoseconds check_phase_bound{0};
};

// The opening phase's bound: each connection settles within `timeout` of its connect, and a loop opens
// `ramp / threads` at a time, so a loop's ceil(connections per loop / ramp per loop) waves take at most
// that many timeouts; one more timeout is slack for a client busy with handshakes.
std::chrono::nanoseconds OpenPhaseBound(const HoldPlan& plan);
// The check phase's bound (idle: every check request at once, each with its own `timeout`; watch: the
// streams are closed at once): twice the timeout.
std::chrono::nanoseconds CheckPhaseBound(const HoldPlan& plan);

struct ServerMemory {
  bool measured = false;
  std::string source;
  std::string error;           // the first failed sample, if any
  uint64_t before_kb = 0;      // before the first connection
  uint64_t open_kb = 0;        // when every connection was open
  uint64_t held_kb = 0;        // at the end of the hold: the steady state with the connections open
  uint64_t max_kb = 0;         // the largest sample
  uint64_t hwm_kb = 0;         // VmHWM at the end of the hold
};

struct HoldResult {
  HoldMode mode = HoldMode::kIdle;
  int connections = 0;                          // N asked for
  // Opening: TCP connect + TLS handshake + (idle) the first answer / (watch) the stream's response head.
  int established = 0;
  int failed = 0;
  uint64_t error_counts[kErrorClassCount] = {};
  std::string first_error[kErrorClassCount];
  double establish_seconds = 0;                 // first connect -> every connection open or failed
  LatencyHistogram establish_latency;           // per connection
  double hold_seconds = 0;
  // Established connections the server closed (or broke) during the hold; for watch, streams that ended.
  int closed_during_hold = 0;
  std::string first_close_reason;
  // Idle: the check at the end.
  int checked = 0;
  int alive = 0;
  int check_failed = 0;
  uint64_t check_error_counts[kErrorClassCount] = {};
  std::string first_check_error[kErrorClassCount];
  std::map<int, uint64_t> check_http_status;
  // Watch.
  int streams_open_at_end = 0;
  uint64_t initial_events = 0;                  // ADDED events before a stream's first heartbeat
  int streams_with_initial_events = 0;
  int streams_with_expected_job = 0;            // when HoldPlan::expected_job is set
  uint64_t events_added = 0;
  uint64_t events_modified = 0;
  uint64_t events_deleted = 0;
  uint64_t events_other = 0;                    // ERROR, or a type the bench does not know
  HeartbeatStats heartbeats;
  LatencyHistogram first_event_latency;         // request sent -> first object of the stream
  ServerMemory server_memory;
  uint64_t open_file_limit = 0;                 // this process's, after raising it

  // What makes the run a failure (exit 1): connections that did not open, idle connections dropped or dead
  // at the check, streams that ended, heartbeats that never came, initial events without the expected job.
  bool Failed(const HoldPlan& plan) const;
};

// Opens, holds and checks the connections. Individual failures are counted in the result; a non-OK
// Status means the run could not start (bad plan, unreadable TLS files, too few file descriptors).
Result<HoldResult> RunHold(const HoldPlan& plan);

// The effective tolerance: plan.heartbeat_tolerance, or a fifth of the interval when that is 0.
std::chrono::nanoseconds EffectiveHeartbeatTolerance(const HoldPlan& plan);

}  // namespace kuscia::bench
