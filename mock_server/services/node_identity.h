// Which Kuscia this fake plays: a master of a centralized deployment (the default), an autonomy node of a
// point-to-point deployment, or a lite node. The mode decides the P2P initiator rule, who may touch data
// sources, and the lite-only refusals (reference §4 11104, §5.1.1, §5.2, §5.6).
//
//   NodeIdentity node{NodeMode::kAutonomy, "alice"};
//   node.own_domain;        // "alice"; "" for a master, which has no domain of its own
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/error_codes.h"
#include "api/status.h"

namespace kuscia::mock::services {

using api::kErrLiteAPINotSupport;

enum class NodeMode {
  kMaster,    // centralized master: every domain is local, initiators unchecked, data sources read-only
  kAutonomy,  // P2P node: one own domain; partner domains are other clusters
  kLite,      // lite node of a centralized deployment: like autonomy, plus the lite API's refusals
};

struct NodeIdentity {
  NodeMode mode = NodeMode::kMaster;
  std::string own_domain;  // "" in master mode
};

Result<NodeMode> ParseNodeMode(std::string_view text);  // "master" | "autonomy" | "lite"
std::string_view NodeModeName(NodeMode mode);

// The --mode/--domain pair as a whole: master takes no domain, the others need one that is a valid name.
Result<NodeIdentity> MakeNodeIdentity(std::string_view mode, std::string_view domain);

}  // namespace kuscia::mock::services
