#include "harness/cli.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "certs/certs_command.h"
#include "harness/bench/bench.h"
#include "harness/doctor/doctor.h"
#include "harness/run_command.h"

namespace kuscia::harness {
namespace {

constexpr int kUsageError = 2;

}  // namespace

int RunConformCli(int argc, char** argv) {
  CLI::App app{"kuscia-conform: conformance runner, certificate toolkit and doctor for the Kuscia API"};
  app.require_subcommand(1);

  certs::CertsCommandOptions certs_options;
  CLI::App* certs = app.add_subcommand("certs", "Generate a Kuscia-layout certificate directory (and broken ones)");
  certs->add_option("--out", certs_options.out, "Directory to write (created if missing)")->required();
  certs->add_option("--san", certs_options.sans, "Extra subject alternative name for the server cert (repeatable)");
  certs->add_option("--key", certs_options.key, "Key type: ec (P-256, default) or rsa (2048)");
  certs->add_option("--key-format", certs_options.key_format, "Private key format: pkcs8 (default) or pkcs1");
  certs->add_option("--days", certs_options.days, "Validity of the server and client certificates in days");
  certs->add_flag("--catalogue", certs_options.catalogue,
                  "Also write the catalogue of broken identities under DIR/catalogue/");
  std::string inspect_dir;
  CLI::App* inspect = certs->add_subcommand("inspect", "Describe every certificate, key and token in a directory");
  inspect->add_option("dir", inspect_dir, "A Kuscia var/certs directory")->required();
  // `certs inspect DIR` takes no --out; generation needs it.
  certs->require_subcommand(0, 1);
  certs->get_option("--out")->required(false);

  RunCommandOptions run_options;
  CLI::App* run = app.add_subcommand("run", "Run conformance scenarios against the embedded fake or a live cluster");
  AddRunOptions(run, run_options);
  RunCommandOptions list_options;
  CLI::App* list = app.add_subcommand("list", "List the scenarios (bundled, or under PATH...) with their tags");
  list->add_option("paths", list_options.paths, "Scenario files or directories (default: the bundled scenarios/)");
  list->add_option("--tags", list_options.tags, "Tag expression: a,b (or), a&b (and), !a (not)");
  list->add_option("--filter", list_options.filter, "Glob on scenario names");
  kuscia::doctor::DoctorOptions doctor_options;
  CLI::App* doctor = app.add_subcommand("doctor", "Diagnose a live deployment's certificates, token and endpoint");
  kuscia::doctor::AddDoctorOptions(*doctor, doctor_options);
  kuscia::bench::BenchOptions bench_options;
  CLI::App* bench = app.add_subcommand("bench", "Load-test a Kuscia API endpoint (mutual TLS, token)");
  kuscia::bench::AddBenchOptions(*bench, bench_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kUsageError;
  }

  if (certs->parsed()) {
    if (inspect->parsed()) return certs::RunCertsInspect(inspect_dir, std::cout, std::cerr);
    if (certs_options.out.empty()) {
      std::cerr << "error: --out DIR is required; example: kuscia-conform certs --out ./certs\n";
      return kUsageError;
    }
    return certs::RunCertsGenerate(certs_options, std::cout, std::cerr);
  }
  if (run->parsed()) return RunConformRun(run_options, std::cout, std::cerr);
  if (list->parsed()) return RunConformList(list_options, std::cout, std::cerr);
  if (doctor->parsed()) return kuscia::doctor::RunDoctor(doctor_options, std::cout, std::cerr);
  if (bench->parsed()) return kuscia::bench::RunBench(bench_options, std::cout, std::cerr);
  return kUsageError;
}

}  // namespace kuscia::harness
