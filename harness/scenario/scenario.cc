#include "harness/scenario/scenario.h"

#include <algorithm>

#include "api/routes.h"

namespace kuscia::harness::scenario {

std::string_view MatcherOpName(Matcher::Op op) {
  switch (op) {
    case Matcher::Op::kEquals: return "equals";
    case Matcher::Op::kNotEquals: return "not_equals";
    case Matcher::Op::kOneOf: return "one_of";
    case Matcher::Op::kRegex: return "regex";
    case Matcher::Op::kExists: return "exists";
    case Matcher::Op::kAbsent: return "absent";
    case Matcher::Op::kType: return "type";
    case Matcher::Op::kLength: return "length";
    case Matcher::Op::kRange: return "range";
    case Matcher::Op::kEvery: return "every";
    case Matcher::Op::kAny: return "any";
    case Matcher::Op::kFixture: return "matches_fixture";
  }
  return "?";
}

const std::vector<std::pair<std::string, std::string>>& KnownRequirements() {
  static const std::vector<std::pair<std::string, std::string>> known = {
      {"control_plane", "the fake's control plane (faults, outcome rules, journal): the embedded target, or a "
                        "kuscia-mock given with --admin"},
      {"manual_clock", "a fake whose clock moves only when the scenario advances it (embedded: a second fake "
                       "started for these scenarios; --admin: a kuscia-mock started with --clock manual)"},
      {"autonomy", "a fake in autonomy (P2P) mode as domain alice, where jobs await approval (embedded only)"},
      {"catalogue", "the certs catalogue of broken identities (embedded: generated; live: DIR/catalogue/)"},
      {"embedded", "only meaningful against the embedded fake (e.g. mock.* outcome fields)"},
      {"client:builtin", "only with the builtin client"},
      {"client:curl", "only with the curl client"},
  };
  return known;
}

bool Scenario::HasTag(std::string_view tag) const {
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

bool Scenario::Requires(std::string_view requirement) const {
  return std::find(requires_.begin(), requires_.end(), requirement) != requires_.end();
}

bool Scenario::HasControlSteps() const {
  auto control = [](const Step& s) {
    return s.is_control || std::any_of(s.during.begin(), s.during.end(), [](const Step& d) { return d.is_control; });
  };
  return std::any_of(steps.begin(), steps.end(), control) || std::any_of(cleanup.begin(), cleanup.end(), control);
}

namespace {

bool IsMutatingRoute(const Step& step) {
  if (std::any_of(step.during.begin(), step.during.end(), IsMutatingRoute)) return true;
  if (step.is_control) return false;
  const api::RouteInfo* route = api::FindRoute(step.path);
  if (!route) return false;  // an unknown path creates nothing (404)
  static const char* kMutating[] = {"create", "update", "delete", "deleteDataAndRaw", "stop",
                                    "suspend", "restart", "cancel", "approve"};
  std::string_view method = route->short_name;
  size_t dot = method.rfind('.');
  std::string_view verb = dot == std::string_view::npos ? method : method.substr(dot + 1);
  return std::any_of(std::begin(kMutating), std::end(kMutating), [&](const char* m) { return verb == m; });
}

}  // namespace

bool Scenario::IsReadOnly() const {
  if (read_only) return *read_only;
  return std::none_of(steps.begin(), steps.end(), IsMutatingRoute) &&
         std::none_of(cleanup.begin(), cleanup.end(), IsMutatingRoute);
}

}  // namespace kuscia::harness::scenario
