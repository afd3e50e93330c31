// The bench's report: a short human table or one JSON document (`--json`), both from a BenchResult.
//
//   PrintTextReport(result, plan, std::cout);
//   std::cout << BenchResultToJson(result, plan).dump(2) << "\n";
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "harness/bench/load_plan.h"

namespace kuscia::bench {

// Keys: target, settings{...}, elapsed_seconds, requests, requests_per_second, latency_ms{p50,p90,p99,p99_9,
// max,mean,min}, http_status{"200":n}, api_code{"0":n,"none":n}, errors{total, by_class{...}, first{...}},
// connections, connects, starved_connections, and for the lifecycle workload jobs{completed, failures,
// states{...}, latency_ms{...}}.
nlohmann::json BenchResultToJson(const BenchResult& result, const LoadPlan& plan);
void PrintTextReport(const BenchResult& result, const LoadPlan& plan, std::ostream& out);

}  // namespace kuscia::bench
