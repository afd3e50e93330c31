// The bench's report: a short human table or one JSON document (`--json`), from a BenchResult (load) or a
// HoldResult (the idle and watch modes).
//
//   PrintTextReport(result, plan, std::cout);
//   std::cout << BenchResultToJson(result, plan).dump(2) << "\n";
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "harness/bench/hold_plan.h"
#include "harness/bench/load_plan.h"

namespace kuscia::bench {

// Keys: target, settings{...}, elapsed_seconds, requests, requests_per_second, latency_ms{p50,p90,p99,p99_9,
// max,mean,min}, http_status{"200":n}, api_code{"0":n,"none":n}, errors{total, by_class{...}, first{...}},
// connections, connects, starved_connections, and for the lifecycle workload jobs{completed, failures,
// states{...}, latency_ms{...}}.
nlohmann::json BenchResultToJson(const BenchResult& result, const LoadPlan& plan);
void PrintTextReport(const BenchResult& result, const LoadPlan& plan, std::ostream& out);

// The hold modes (`--mode idle|watch`). Keys: mode, target, settings{connections, threads, hold_seconds,
// ramp, check_sample, heartbeat_ms, heartbeat_tolerance_ms, expected_job}, connections{requested,
// established, failed, closed_during_hold, first_close_reason, errors{by_class, first}}, establish{seconds,
// per_second, latency_ms{...}}, hold_seconds, idle{checked, alive, failed, http_status, errors{...}} or
// watch{streams_open_at_end, initial_events, streams_with_initial_events, streams_with_expected_job,
// events{added, modified, deleted, other}, first_event_ms{...}, heartbeats{received, unjudged, on_time, late,
// early, missing, streams_with_heartbeat, lateness_ms{...}}}, server_memory{measured, source, before_kb, open_kb,
// held_kb, max_kb, hwm_kb, per_connection_kb, error}, open_file_limit, failed.
nlohmann::json HoldResultToJson(const HoldResult& result, const HoldPlan& plan);
void PrintHoldReport(const HoldResult& result, const HoldPlan& plan, std::ostream& out);

}  // namespace kuscia::bench
