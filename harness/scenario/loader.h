// Reads scenario files (YAML; JSON is accepted as YAML) into Scenario values, checking the schema of
// docs/scenarios.md as it goes. Every error names the file, the line and the field, and says what would
// be accepted:  "scenarios/auth.yaml:14: steps[1].expect.transport: unknown transport class 'tls_rejected';
// use one of: ok, tls_client_rejected, ...".
//
//   LoadOptions options{.fixtures_dir = "fixtures"};
//   Result<Scenario> s = LoadScenarioFile("scenarios/health.yaml", options);
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "api/status.h"
#include "harness/scenario/scenario.h"

namespace kuscia::harness::scenario {

struct LoadOptions {
  // body_file / matches_fixture paths are looked up beside the scenario file first, then here.
  std::filesystem::path fixtures_dir{};
};

Result<Scenario> LoadScenarioFile(const std::filesystem::path& file, const LoadOptions& options = {});
// `file_name` is used for messages and to resolve relative paths.
Result<Scenario> LoadScenarioText(std::string_view text, const std::string& file_name, const LoadOptions& options = {});

// Scenario files under `inputs` (files as given; directories searched recursively for *.yaml, *.yml,
// *.json), sorted. NotFound for an input that does not exist.
Result<std::vector<std::filesystem::path>> FindScenarioFiles(const std::vector<std::filesystem::path>& inputs);

// The variable names a string refers to ("${a}-${b}" -> a, b).
std::vector<std::string> ReferencedVariables(std::string_view text);

}  // namespace kuscia::harness::scenario
