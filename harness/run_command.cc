#include "harness/run_command.h"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <chrono>
#include <iomanip>
#include <random>

#include "harness/client/client.h"
#include "harness/client/curl_client.h"
#include "harness/report/console.h"
#include "harness/report/junit.h"
#include "harness/runner/runner.h"
#include "harness/runner/selection.h"
#include "harness/scenario/duration.h"
#include "harness/scenario/loader.h"
#include "sys/files.h"

namespace kuscia::harness {
namespace {

constexpr int kUsageError = 2;

struct Selection {
  std::vector<scenario::Scenario> scenarios;
};

// Loads every file (all errors reported, not just the first) and applies --tags and --filter.
std::optional<Selection> LoadAndSelect(const RunCommandOptions& o, std::ostream& err) {
  Result<runner::TagExpression> tags = runner::TagExpression::Parse(o.tags);
  if (!tags.ok()) {
    err << "error: " << tags.status().message() << "\n";
    return std::nullopt;
  }
  std::vector<std::filesystem::path> inputs;
  for (const std::string& p : o.paths) inputs.emplace_back(p);
  if (inputs.empty()) inputs.emplace_back(KC_BUNDLED_SCENARIOS_DIR);
  Result<std::vector<std::filesystem::path>> files = scenario::FindScenarioFiles(inputs);
  if (!files.ok()) {
    err << "error: " << files.status().message() << "\n";
    return std::nullopt;
  }
  scenario::LoadOptions load{.fixtures_dir = o.fixtures_dir.empty() ? KC_BUNDLED_FIXTURES_DIR : o.fixtures_dir};
  Selection selection;
  bool ok = true;
  std::map<std::string, std::string> names;
  std::error_code ec;
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  for (const auto& found : *files) {
    // Show paths relative to the working directory when they are below it (shorter rerun commands).
    std::filesystem::path file = found;
    std::filesystem::path relative = found.lexically_relative(cwd);
    if (!ec && found.is_absolute() && !relative.empty() && *relative.begin() != "..") file = relative;
    Result<scenario::Scenario> s = scenario::LoadScenarioFile(file, load);
    if (!s.ok()) {
      err << "error: " << s.status().message() << "\n";
      ok = false;
      continue;
    }
    if (auto [it, fresh] = names.emplace(s->name, file.string()); !fresh) {
      err << "error: " << file.string() << ": name: '" << s->name << "' is already used by " << it->second
          << "; scenario names must be unique\n";
      ok = false;
      continue;
    }
    if (tags->Matches(s->tags) && runner::GlobMatches(o.filter, s->name)) selection.scenarios.push_back(std::move(*s));
  }
  if (!ok) return std::nullopt;
  return selection;
}

std::string RerunArguments(const RunCommandOptions& o, unsigned long long seed) {
  std::string args;
  if (o.target != "embedded") args += " --target " + ShellQuote(o.target);
  if (!o.certs_dir.empty()) args += " --certs " + ShellQuote(o.certs_dir);
  if (!o.client_cert.empty()) args += " --client-cert " + ShellQuote(o.client_cert);
  if (!o.client_key.empty()) args += " --client-key " + ShellQuote(o.client_key);
  if (o.client != "builtin") args += " --client " + ShellQuote(o.client);
  if (o.read_only) args += " --read-only";
  if (!o.admin.empty()) args += " --admin " + ShellQuote(o.admin);
  if (!o.admin_token.empty()) args += " --admin-token " + ShellQuote(o.admin_token);
  if (!o.fake_profile.empty()) args += " --fake-profile " + ShellQuote(o.fake_profile);
  args += " --seed " + std::to_string(seed);
  return args;
}

}  // namespace

void AddRunOptions(CLI::App* app, RunCommandOptions& o) {
  app->add_option("paths", o.paths, "Scenario files or directories (default: the bundled scenarios/)");
  app->add_option("--target", o.target, "embedded (default: the fake, in-process) or https://HOST:PORT (live)");
  app->add_option("--certs", o.certs_dir, "Live target: Kuscia var/certs dir (ca.crt, kusciaapi-server.crt/.key, token)");
  app->add_option("--client-cert", o.client_cert, "Live target: client certificate instead of kusciaapi-server.crt");
  app->add_option("--client-key", o.client_key, "Live target: client key instead of kusciaapi-server.key");
  app->add_option("--client", o.client, "builtin (default), curl, or exec:COMMAND (docs/clients.md)");
  app->add_option("--tags", o.tags, "Tag expression: a,b (or), a&b (and), !a (not), parentheses");
  app->add_option("--filter", o.filter, "Glob on scenario names, e.g. 'errors-*'");
  app->add_flag("--list", o.list, "List the selected scenarios and exit");
  app->add_flag("--fail-fast", o.fail_fast, "Start no new scenario after the first failure");
  app->add_option("-j,--jobs", o.jobs, "Scenarios to run at the same time (default 4; control-plane ones run alone)")->check(CLI::Range(1, 64));
  app->add_option("--seed", o.seed, "Seed for the run id and the order (printed in the summary)");
  app->add_option("--timeout", o.timeout, "Time budget per scenario, e.g. 60s");
  app->add_option("--junit", o.junit, "Write a JUnit XML report to FILE");
  app->add_option("--json", o.json, "Write a JSON report to FILE");
  app->add_option("--color", o.color, "auto (default; honours NO_COLOR), always or never");
  app->add_flag("--read-only", o.read_only, "Run only scenarios that create nothing");
  app->add_flag("--keep", o.keep, "Embedded target: keep the generated certificates (to rerun curl commands)");
  app->add_option("--fixtures", o.fixtures_dir, "Directory for body_file and matches_fixture paths");
  app->add_option("--admin", o.admin,
                  "Live target that is a kuscia-mock: its control plane (http://127.0.0.1:PORT), so scenarios "
                  "that need it run too");
  app->add_option("--admin-token", o.admin_token, "File with the control plane's --admin-token, if it has one");
  app->add_option("--fake-profile", o.fake_profile,
                  "A file of control steps applied to the fake after every reset: a fake made wrong on purpose, "
                  "to prove the suite fails (docs/scenarios.md)");
}

int RunConformList(const RunCommandOptions& o, std::ostream& out, std::ostream& err) {
  std::optional<Selection> selection = LoadAndSelect(o, err);
  if (!selection) return kUsageError;
  if (selection->scenarios.empty()) {
    err << "error: no scenario matches the selection (--tags '" << o.tags << "', --filter '" << o.filter << "')\n";
    return kUsageError;
  }
  for (const scenario::Scenario& s : selection->scenarios) {
    std::string tags;
    for (const std::string& t : s.tags) tags += (tags.empty() ? "" : ",") + t;
    out << std::left << std::setw(40) << s.name << " " << std::setw(44) << s.where.file << " [" << tags << "]";
    if (s.IsReadOnly()) out << " read-only";
    out << "\n";
  }
  return 0;
}

int RunConformRun(const RunCommandOptions& o, std::ostream& out, std::ostream& err) {
  if (o.list) return RunConformList(o, out, err);
  Result<bool> color = report::ResolveColor(o.color, isatty(STDOUT_FILENO) == 1);
  Result<std::chrono::milliseconds> timeout = ParseDuration(o.timeout);
  Result<std::unique_ptr<Client>> client = MakeClient(o.client);
  for (const Status& s : {color.status(), timeout.status(), client.status()}) {
    if (!s.ok()) {
      err << "error: " << s.message() << "\n";
      return kUsageError;
    }
  }
  std::optional<Selection> selection = LoadAndSelect(o, err);
  if (!selection) return kUsageError;
  if (selection->scenarios.empty()) {
    err << "error: no scenario matches the selection (--tags '" << o.tags << "', --filter '" << o.filter
        << "'); nothing was run\n";
    return kUsageError;
  }

  std::vector<scenario::Step> fake_profile;
  if (!o.fake_profile.empty()) {
    scenario::LoadOptions load{.fixtures_dir = o.fixtures_dir.empty() ? KC_BUNDLED_FIXTURES_DIR : o.fixtures_dir};
    Result<scenario::Scenario> profile = scenario::LoadScenarioFile(o.fake_profile, load);
    if (!profile.ok()) {
      err << "error: --fake-profile: " << profile.status().message() << "\n";
      return kUsageError;
    }
    fake_profile = profile->steps;
  }

  runner::TargetOptions target_options{.spec = o.target, .certs_dir = o.certs_dir, .keep_files = o.keep};
  if (!o.client_cert.empty()) target_options.client_cert = o.client_cert;
  if (!o.client_key.empty()) target_options.client_key = o.client_key;
  if (!o.admin.empty()) target_options.admin_url = o.admin;
  if (!o.admin_token.empty()) target_options.admin_token_file = o.admin_token;
  if (!fake_profile.empty() && o.target != "embedded" && o.admin.empty()) {
    err << "error: --fake-profile changes the fake through its control plane: use the embedded target, or give "
           "the kuscia-mock's control plane with --admin\n";
    return kUsageError;
  }
  Result<std::unique_ptr<runner::Target>> target = runner::OpenTarget(target_options);
  if (!target.ok()) {
    err << "error: " << target.status().message() << "\n";
    return kUsageError;
  }

  unsigned long long seed = o.seed.value_or(std::random_device{}());
  runner::RunnerOptions options{.client_spec = o.client, .jobs = o.jobs, .fail_fast = o.fail_fast, .seed = seed,
                                .scenario_timeout = *timeout, .read_only = o.read_only,
                                .fixtures_dir = o.fixtures_dir.empty() ? KC_BUNDLED_FIXTURES_DIR : o.fixtures_dir,
                                .rerun_arguments = RerunArguments(o, seed), .fake_profile = fake_profile};
  report::ConsoleReport console(out, *color);
  runner::RunSummary header{.client = o.client, .target = (*target)->info().description,
                            .run_id = runner::RunIdForSeed(seed), .seed = seed};
  console.Start(header, static_cast<int>(selection->scenarios.size()));
  runner::RunSummary summary = runner::RunScenarios(
      selection->scenarios, **target, options,
      [&](const runner::ScenarioResult& r, int finished, int total) { console.Progress(r, finished, total); });
  console.Finish(summary);
  if (!(*target)->info().live) {
    if (o.keep) {
      out << "certificates kept in " << (*target)->info().certs_dir.string() << "\n";
    } else if (summary.ExitCode() != 0) {
      out << "note: the embedded target's certificates are removed at exit; add --keep to use the curl commands\n";
    }
  }

  int exit_code = summary.ExitCode();
  if (!o.junit.empty()) {
    if (Status s = sys::WriteFileAtomic(o.junit, report::RenderJUnit(summary)); !s.ok()) {
      err << "error: writing --junit " << o.junit << ": " << s.message() << "\n";
      exit_code = std::max(exit_code, 1);
    }
  }
  if (!o.json.empty()) {
    if (Status s = sys::WriteFileAtomic(o.json, report::RenderJson(summary).dump(2) + "\n"); !s.ok()) {
      err << "error: writing --json " << o.json << ": " << s.message() << "\n";
      exit_code = std::max(exit_code, 1);
    }
  }
  return exit_code;
}

}  // namespace kuscia::harness
