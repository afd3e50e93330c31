// Choosing scenarios: a tag expression (--tags) and a glob on the scenario name (--filter).
//
//   KC_ASSIGN_OR_RETURN(TagExpression e, TagExpression::Parse("auth,tls & !needs-control"));
//   e.Matches({"tls", "live-safe"});          // true
//   GlobMatches("errors-*", "errors-404");    // true
//
// Grammar: `,` and `|` mean or, `&` means and (binds tighter), `!` negates, parentheses group.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/status.h"

namespace kuscia::harness::runner {

class TagExpression {
 public:
  // An empty expression matches everything. InvalidArgument pointing at the offending position.
  static Result<TagExpression> Parse(std::string_view text);
  bool Matches(const std::vector<std::string>& tags) const;

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
};

// Shell-style glob (*, ?, [...]) over the whole name; an empty pattern matches everything.
bool GlobMatches(const std::string& pattern, const std::string& name);

}  // namespace kuscia::harness::runner
