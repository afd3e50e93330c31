// What the control plane can match a request on beyond its method and path: the job ids named in its body,
// and glob patterns over ids and paths. Shared by the journal's filters and the fault rules, so a pattern
// means the same thing in both.
//
//   MatchGlob("job-*", "job-psi");                              // true
//   ExtractJobIds(R"({"job_ids":["a","b"]})");                  // {"a", "b"}
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kuscia::mock::journal {

// `*` matches any run of characters (also none), `?` exactly one; everything else matches itself.
bool MatchGlob(std::string_view pattern, std::string_view text);

// The top-level `job_id` string and the `job_ids` string array of a JSON body, in that order. A body that
// is not a JSON object names no job (empty result), never an error: malformed requests are journaled too.
std::vector<std::string> ExtractJobIds(std::string_view body);

}  // namespace kuscia::mock::journal
