#include "mock_server/services/node_identity.h"

#include "mock_server/services/kube_validation.h"

namespace kuscia::mock::services {

Result<NodeMode> ParseNodeMode(std::string_view text) {
  if (text == "master") return NodeMode::kMaster;
  if (text == "autonomy") return NodeMode::kAutonomy;
  if (text == "lite") return NodeMode::kLite;
  return InvalidArgument("--mode must be 'master', 'autonomy' or 'lite', got '" + std::string(text) + "'");
}

std::string_view NodeModeName(NodeMode mode) {
  switch (mode) {
    case NodeMode::kMaster: return "master";
    case NodeMode::kAutonomy: return "autonomy";
    case NodeMode::kLite: return "lite";
  }
  return "master";
}

Result<NodeIdentity> MakeNodeIdentity(std::string_view mode_text, std::string_view domain) {
  KC_ASSIGN_OR_RETURN(NodeMode mode, ParseNodeMode(mode_text));
  if (mode == NodeMode::kMaster) {
    if (!domain.empty()) {
      return InvalidArgument("--domain is only for --mode autonomy or lite; a master has no domain of its own");
    }
    return NodeIdentity{mode, ""};
  }
  if (domain.empty()) {
    return InvalidArgument("--mode " + std::string(mode_text) + " needs --domain <own domain id>, e.g. --domain alice");
  }
  if (auto error = ValidateK8sName(domain, "domain")) return InvalidArgument("--domain: " + *error);
  return NodeIdentity{mode, std::string(domain)};
}

}  // namespace kuscia::mock::services
