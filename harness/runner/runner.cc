#include "harness/runner/runner.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <numeric>
#include <random>
#include <map>
#include <shared_mutex>
#include <thread>

#include "harness/client/curl_client.h"
#include "harness/runner/control_steps.h"
#include "harness/runner/step_executor.h"

namespace kuscia::harness::runner {
namespace {

using scenario::Scenario;
using scenario::Step;
using Clock = std::chrono::steady_clock;

// Cleanup runs even when the scenario spent its time budget; it gets this much on top.
constexpr std::chrono::milliseconds kCleanupGrace{15000};

// Which fakes have had their first reset (and profile): each exactly once, whichever worker gets there.
class PreparedFakes {
 public:
  Status PrepareOnce(const Target& target, const std::function<Status()>& prepare) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = done_.find(&target);
    if (it != done_.end()) return it->second;
    std::unique_lock<std::shared_mutex> exclusive(target.scenario_lock());
    return done_.emplace(&target, prepare()).first->second;
  }

 private:
  std::mutex mutex_;
  std::map<const Target*, Status> done_;
};

}  // namespace

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPassed: return "PASS";
    case Verdict::kFailed: return "FAIL";
    case Verdict::kError: return "ERROR";
    case Verdict::kSkipped: return "SKIP";
  }
  return "?";
}

int RunSummary::Count(Verdict v) const {
  return static_cast<int>(std::count_if(scenarios.begin(), scenarios.end(), [v](const auto& s) { return s.verdict == v; }));
}

int RunSummary::ExitCode() const { return Count(Verdict::kFailed) + Count(Verdict::kError) > 0 ? 1 : 0; }

std::string RunIdForSeed(unsigned long long seed) {
  std::mt19937_64 rng(seed);
  char buf[16];
  std::snprintf(buf, sizeof buf, "kc%08llx", static_cast<unsigned long long>(rng() & 0xffffffffULL));
  return buf;
}

std::string SkipReason(const Scenario& s, const TargetInfo& target, const RunnerOptions& options) {
  if ((s.Requires("control_plane") || s.HasControlSteps()) && !target.control_plane) {
    return "needs the control plane: a live target has none (against a kuscia-mock started on its own, give its "
           "control plane with --admin http://127.0.0.1:PORT)";
  }
  if (s.Requires("embedded") && target.live) return "only meaningful against the embedded fake";
  if (s.Requires("catalogue") && !target.catalogue_dir) {
    return "needs the certs catalogue: none under " + (target.certs_dir / "catalogue").string() +
           " (write one with `kuscia-conform certs --catalogue --out DIR`)";
  }
  std::string client = options.client_spec.rfind("exec:", 0) == 0 ? "exec" : options.client_spec;
  for (const std::string& r : s.requires_) {
    if (r.rfind("client:", 0) == 0 && r.substr(7) != client) return "needs the " + r.substr(7) + " client";
  }
  if (options.read_only && !s.IsReadOnly()) return "creates resources (--read-only)";
  return "";
}

bool NeedsExclusiveFake(const Scenario& s) { return s.Requires("control_plane") || s.HasControlSteps(); }

namespace {

ScenarioResult RunOnTarget(const Scenario& s, int index, const Target& target, Client& client,
                           const RunnerOptions& options, const std::string& run_id);

ScenarioResult RunOne(const Scenario& s, int index, const Target& main_target, Client& client,
                      const RunnerOptions& options, const std::string& run_id, PreparedFakes& prepared) {
  ScenarioResult result{.name = s.name, .file = s.where.file, .tags = s.tags, .description = s.description};
  result.rerun = "kuscia-conform run " + ShellQuote(s.where.file) + options.rerun_arguments;
  auto skip = [&](std::string reason) {
    result.verdict = Verdict::kSkipped;
    result.skip_reason = std::move(reason);
    return result;
  };
  if (std::string reason = SkipReason(s, main_target.info(), options); !reason.empty()) return skip(reason);
  Result<const Target*> chosen =
      main_target.Variant({.manual_clock = s.Requires("manual_clock"), .autonomy = s.Requires("autonomy")});
  if (!chosen.ok()) return skip(chosen.status().message());
  const Target& target = **chosen;

  auto fake_error = [&](const Status& status) {
    result.verdict = Verdict::kError;
    result.steps.push_back({.name = "prepare the fake", .where = s.where, .verdict = Verdict::kError,
                            .error = status.message()});
    return result;
  };
  // Every fake is reset and given the profile once before its first scenario.
  if (Status first = prepared.PrepareOnce(target, [&] { return ResetFake(target, options, client); }); !first.ok()) {
    return fake_error(first);
  }
  if (!NeedsExclusiveFake(s)) {
    std::shared_lock<std::shared_mutex> lock(target.scenario_lock());
    return RunOnTarget(s, index, target, client, options, run_id);
  }
  // A scenario that drives the control plane changes the whole fake: it runs alone, from the starting
  // state, and leaves the starting state behind for the others.
  std::unique_lock<std::shared_mutex> lock(target.scenario_lock());
  if (Status before = ResetFake(target, options, client); !before.ok()) return fake_error(before);
  result = RunOnTarget(s, index, target, client, options, run_id);
  if (Status after = ResetFake(target, options, client); !after.ok() && result.verdict == Verdict::kPassed) {
    result.verdict = Verdict::kError;
    result.steps.push_back({.name = "reset the fake", .where = s.where, .verdict = Verdict::kError,
                            .error = after.message()});
  }
  return result;
}

ScenarioResult RunOnTarget(const Scenario& s, int index, const Target& target, Client& client,
                           const RunnerOptions& options, const std::string& run_id) {
  ScenarioResult result{.name = s.name, .file = s.where.file, .tags = s.tags, .description = s.description};
  result.rerun = "kuscia-conform run " + ShellQuote(s.where.file) + options.rerun_arguments;
  auto started = Clock::now();
  auto finish = [&] {
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return result;
  };
  StepContext ctx{.target = target, .client = client, .options = options};
  ctx.vars.Set("run_id", run_id);
  ctx.vars.Set("uid", run_id + "-" + std::to_string(index));
  ctx.vars.Set("base_url", target.info().base_url);
  ctx.vars.Set("certs_dir", target.info().certs_dir.string());
  ctx.vars.Set("fixtures_dir", options.fixtures_dir);
  ctx.run_id = run_id;
  for (const auto& [name, value] : s.variables) {
    Result<std::string> expanded = ctx.vars.Expand(value);
    if (!expanded.ok()) {
      result.verdict = Verdict::kError;
      result.steps.push_back({.name = "variables", .where = s.where, .verdict = Verdict::kError,
                              .error = "variables." + name + ": " + expanded.status().message()});
      return finish();
    }
    ctx.vars.Set(name, *expanded);
  }

  ctx.deadline = started + options.scenario_timeout;
  for (const Step& step : s.steps) {
    StepResult r = RunStep(step, /*cleanup=*/false, ctx);
    Verdict v = r.verdict;
    result.steps.push_back(std::move(r));
    if (v != Verdict::kPassed) {
      result.verdict = v;
      break;  // later steps build on this one
    }
  }
  ctx.deadline = std::max(ctx.deadline, Clock::now()) + kCleanupGrace;
  for (const Step& step : s.cleanup) {
    StepResult r = RunStep(step, /*cleanup=*/true, ctx);
    if (r.verdict != Verdict::kPassed && result.verdict == Verdict::kPassed) result.verdict = r.verdict;
    result.steps.push_back(std::move(r));
  }
  result.leftovers = FindLeftovers(ctx);
  if (!result.leftovers.empty() && result.verdict == Verdict::kPassed) result.verdict = Verdict::kFailed;
  return finish();
}

}  // namespace

RunSummary RunScenarios(const std::vector<Scenario>& scenarios, const Target& target, const RunnerOptions& options,
                        const ProgressFn& progress) {
  RunSummary summary;
  summary.client = options.client_spec;
  summary.target = target.info().description;
  summary.seed = options.seed;
  summary.run_id = RunIdForSeed(options.seed);
  summary.scenarios.resize(scenarios.size());
  auto started = Clock::now();

  // Order from the seed: scenarios are isolated by their ids, so any order must pass; shuffling shows
  // hidden dependencies, and the seed in the summary reproduces the order.
  std::vector<size_t> order(scenarios.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(options.seed);
  std::shuffle(order.begin(), order.end(), rng);

  PreparedFakes prepared;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  int finished = 0;
  auto worker = [&] {
    Result<std::unique_ptr<Client>> client = MakeClient(options.client_spec);
    while (true) {
      size_t slot = next.fetch_add(1);
      if (slot >= order.size()) return;
      size_t i = order[slot];
      ScenarioResult result;
      if (stop.load()) {
        result = {.name = scenarios[i].name, .file = scenarios[i].where.file, .tags = scenarios[i].tags,
                  .description = scenarios[i].description, .verdict = Verdict::kSkipped,
                  .skip_reason = "not run: --fail-fast stopped the run after a failure"};
      } else if (!client.ok()) {
        result = {.name = scenarios[i].name, .file = scenarios[i].where.file, .verdict = Verdict::kError};
        result.steps.push_back({.name = "client", .verdict = Verdict::kError, .error = client.status().message()});
      } else {
        result = RunOne(scenarios[i], static_cast<int>(i), target, **client, options, summary.run_id, prepared);
      }
      if (options.fail_fast && (result.verdict == Verdict::kFailed || result.verdict == Verdict::kError)) stop = true;
      std::lock_guard<std::mutex> lock(mu);
      summary.scenarios[i] = std::move(result);
      ++finished;
      if (progress) progress(summary.scenarios[i], finished, static_cast<int>(scenarios.size()));
    }
  };
  int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(scenarios.size())));
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  summary.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return summary;
}

}  // namespace kuscia::harness::runner
