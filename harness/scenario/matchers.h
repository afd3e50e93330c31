// Checking an Outcome against a step's Expectation. Each failed check becomes a Mismatch that says what
// was checked, what was expected and what arrived, so a report needs no further context.
//
//   std::vector<Mismatch> m = CheckExpectation(step.expect, outcome, vars);
//   if (m.empty()) ...   // the step passed
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/client/outcome.h"
#include "harness/scenario/scenario.h"
#include "harness/scenario/variables.h"

namespace kuscia::harness::scenario {

struct Mismatch {
  std::string what;      // "transport", "http_status", "status.code", "body /data/job_id equals", ...
  std::string expected;
  std::string actual;
  std::string diff{};    // for fixture comparisons: one line per differing path
};

std::vector<Mismatch> CheckExpectation(const Expectation& expect, const Outcome& outcome, const Variables& vars);
std::vector<Mismatch> CheckMatchers(const std::vector<Matcher>& matchers, const nlohmann::json& doc,
                                    const Variables& vars);

// Replaces the values at `pointers` ("*" matches any key or index) with "<ignored>" where they exist.
void BlankPaths(nlohmann::json& doc, const std::vector<std::string>& pointers);

// Compact one-line rendering for reports, cut at `max` characters.
std::string Preview(const nlohmann::json& value, size_t max = 200);

}  // namespace kuscia::harness::scenario
