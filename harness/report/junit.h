// JUnit XML and JSON renderings of a run, for CI. JUnit: one <testcase> per scenario, named
// "<scenario> [<client>]" and unique within the file; the failure text is in the element body.
//
//   sys::WriteFileAtomic(path, RenderJUnit(summary));
//   sys::WriteFileAtomic(path, RenderJson(summary).dump(2));
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "harness/runner/results.h"

namespace kuscia::harness::report {

std::string RenderJUnit(const runner::RunSummary& summary);
nlohmann::ordered_json RenderJson(const runner::RunSummary& summary);

// The failure text of one scenario (shared by JUnit and JSON): steps, expected/actual, diffs, commands.
std::string FailureText(const runner::ScenarioResult& result);

}  // namespace kuscia::harness::report
