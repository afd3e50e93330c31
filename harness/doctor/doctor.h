// `kuscia-conform doctor`: diagnoses a live deployment's certificates, token and endpoint and says, for
// each check, ok / warning / error with the cause and the fix (failure-catalogue.md §2: C*, S*, T*, P*).
// The lead's cli.cc wires it:
//
//   DoctorOptions options;
//   CLI::App* cmd = app.add_subcommand("doctor", "diagnose a live deployment");
//   AddDoctorOptions(*cmd, options);
//   cmd->callback([&] { exit_code = RunDoctor(options, std::cout, std::cerr); });
//
// Exit codes: 0 healthy (warnings allowed), 1 errors found, 2 the command itself was misused.
#pragma once

#include <chrono>
#include <filesystem>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "api/status.h"
#include "harness/doctor/finding.h"

namespace kuscia::doctor {

struct DoctorOptions {
  std::string endpoint{};                  // https://HOST:PORT, or http://HOST:PORT for NOTLS
  std::filesystem::path certs_dir{};       // Kuscia's var/certs (ca.crt, token, kusciaapi-*.crt/.key)
  std::filesystem::path client_cert{};     // default: DIR/kusciaapi-client.crt, else DIR/kusciaapi-server.crt
  std::filesystem::path client_key{};      // default: the key beside the chosen certificate
  std::filesystem::path json_file{};       // empty: no JSON report
  std::chrono::milliseconds timeout{5000};  // per probe
};

inline constexpr int kExitHealthy = 0;
inline constexpr int kExitErrorsFound = 1;
inline constexpr int kExitMisuse = 2;

void AddDoctorOptions(CLI::App& cmd, DoctorOptions& options);

// InvalidArgument naming the option and the fix when the command itself is misused.
Status ValidateDoctorOptions(const DoctorOptions& options);

// Runs every check; InvalidArgument on misuse (nothing is probed then).
Result<Report> Diagnose(const DoctorOptions& options);

// Diagnose + text report on `out` (+ JSON file); misuse and I/O problems on `err`.
int RunDoctor(const DoctorOptions& options, std::ostream& out, std::ostream& err);

}  // namespace kuscia::doctor
