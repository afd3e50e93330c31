// `kuscia-conform run` and `kuscia-conform list`: options as a plain struct, CLI11 wiring in one function,
// and the entry points that load, select, run and report. Exit codes: 0 all passed, 1 a scenario failed,
// 2 usage or scenario-file error, and 2 when nothing was selected.
//
//   RunCommandOptions options;
//   AddRunOptions(app.add_subcommand("run", "..."), options);
//   ...
//   return RunConformRun(options, std::cout, std::cerr);
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace kuscia::harness {

struct RunCommandOptions {
  std::vector<std::string> paths;         // files or directories; empty: the bundled scenarios/
  std::string target = "embedded";        // embedded | https://HOST:PORT
  std::string certs_dir;                  // live: the Kuscia var/certs directory
  std::string client_cert, client_key;    // live: override the client pair
  std::string client = "builtin";         // builtin | curl | exec:CMD
  std::string tags;                       // tag expression
  std::string filter;                     // glob on scenario names
  bool list = false;                      // print what would run, run nothing
  bool fail_fast = false;
  int jobs = 4;                           // scenarios are isolated by ids (control ones run alone)
  std::optional<unsigned long long> seed;
  std::string timeout = "60s";            // per scenario
  std::string junit, json;                // report files
  std::string color = "auto";
  bool read_only = false;
  bool keep = false;                      // embedded: keep the temp certificates (to rerun curl commands)
  std::string fixtures_dir;               // default: the bundled fixtures/
  std::string admin;                      // live kuscia-mock: its control plane, http://HOST:PORT
  std::string admin_token;                // live kuscia-mock: the file with its --admin-token
  std::string fake_profile;               // a file of control steps that make the fake wrong on purpose
};

// Adds the run options to `app` (the `run` subcommand; `list` uses the same selection options).
void AddRunOptions(CLI::App* app, RunCommandOptions& options);

int RunConformRun(const RunCommandOptions& options, std::ostream& out, std::ostream& err);
int RunConformList(const RunCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace kuscia::harness
