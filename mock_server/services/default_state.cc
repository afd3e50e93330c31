// DefaultState: the data the tutorial's job reads (reference §7.1, docs/tutorial/run_sf_job_with_api_cn.md),
// already registered, as a freshly deployed Kuscia with the sample data has it.
#include <random>

#include "mock_server/engine/clock.h"
#include "mock_server/services/domain_service.h"
#include "mock_server/services/state_file.h"

namespace kuscia::mock::services {
namespace {

using nlohmann::ordered_json;

constexpr char kDataPath[] = "/home/kuscia/var/storage/data";

ordered_json Columns(std::initializer_list<std::pair<const char*, const char*>> columns) {
  ordered_json out = ordered_json::array();
  for (auto [name, type] : columns) out.push_back({{"name", name}, {"type", type}, {"comment", ""}, {"not_nullable", false}});
  return out;
}

// The tutorial's alice.csv / bob.csv, first columns: ids and a few features of the bank marketing set.
ordered_json TableColumns(const std::string& domain) {
  if (domain == "alice") {
    return Columns({{"id1", "str"}, {"age", "float"}, {"education", "float"}, {"default", "float"}, {"balance", "float"},
                    {"housing", "float"}, {"loan", "float"}, {"day", "float"}, {"duration", "float"}});
  }
  if (domain == "bob") {
    return Columns({{"id2", "str"}, {"marital_single", "float"}, {"marital_married", "float"},
                    {"contact_cellular", "float"}, {"month_may", "float"}, {"y", "int"}});
  }
  return Columns({{"id", "str"}, {"x1", "float"}, {"y", "int"}});
}

std::string DeployToken(std::mt19937_64& random) {
  constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string token;
  for (int i = 0; i < 32; ++i) token.push_back(kChars[random() % (sizeof kChars - 1)]);
  return token;
}

ordered_json LocalDomain(const std::string& id, const std::string& node_prefix, const std::string& time,
                         std::mt19937_64& random) {
  ordered_json domain = NewDomainRecord(id, "", "", {{"authentication_type", "Token"}, {"token_gen_method", "RSA-GEN"}}, "");
  domain["node_statuses"] = ordered_json::array({{{"name", node_prefix + id},
                                                  {"status", "Ready"},
                                                  {"version", "kuscia-mock"},
                                                  {"last_heartbeat_time", time},
                                                  {"last_transition_time", time}}});
  domain["deploy_token_statuses"] =
      ordered_json::array({{{"token", DeployToken(random)}, {"state", "used"}, {"last_transition_time", time}}});
  return domain;
}

ordered_json Route(const std::string& source, const std::string& destination, const std::string& host_prefix) {
  return {{"name", source + "-" + destination},
          {"authentication_type", "Token"},
          {"destination", destination},
          {"endpoint",
           {{"host", host_prefix + destination},
            {"ports", ordered_json::array({{{"name", "http"}, {"port", 1080}, {"protocol", "HTTP"}, {"isTLS", false},
                                            {"path_prefix", ""}}})}}},
          {"source", source},
          {"token_config",
           {{"destination_public_key", ""}, {"rolling_update_period", 0}, {"source_public_key", ""},
            {"token_gen_method", "RSA-GEN"}}},
          {"mtls_config", nullptr},
          {"status", {{"status", "Succeeded"}, {"reason", ""}}},
          {"transit", nullptr},
          {"body_encryption", nullptr}};
}

ordered_json DefaultDataSource(const std::string& domain) {
  return {{"domain_id", domain},
          {"datasource_id", "default-data-source"},
          {"name", "default-data-source"},
          {"type", "localfs"},
          {"status", ""},
          {"info", {{"localfs", {{"path", kDataPath}}}, {"oss", nullptr}, {"database", nullptr}, {"odps", nullptr}}},
          {"info_key", ""},
          {"access_directly", true}};
}

ordered_json Table(const std::string& domain) {
  return {{"domaindata_id", domain + "-table"},
          {"name", domain + ".csv"},
          {"type", "table"},
          {"relative_uri", domain + ".csv"},
          {"domain_id", domain},
          {"datasource_id", "default-data-source"},
          {"attributes", ordered_json::object()},
          {"partition", nullptr},
          {"columns", TableColumns(domain)},
          {"vendor", "manual"},
          {"status", "Available"},
          {"author", domain},
          {"file_format", "CSV"}};
}

}  // namespace

ordered_json DefaultState(const NodeIdentity& node, std::chrono::system_clock::time_point now) {
  std::mt19937_64 random(std::random_device{}());
  const std::string time = engine::FormatRfc3339(now);
  ordered_json doc;
  doc["version"] = kStateFileVersion;
  doc["domains"] = ordered_json::array();
  doc["routes"] = ordered_json::array();
  doc["datasources"] = ordered_json::array();
  doc["domaindata"] = ordered_json::array();
  doc["jobs"] = ordered_json::array();

  std::vector<std::string> local;
  std::vector<std::string> partners;
  std::string node_prefix;
  std::string host_prefix;
  if (node.mode == NodeMode::kMaster) {
    local = {"alice", "bob"};
    node_prefix = "kuscia-lite-";
    host_prefix = "kuscia-lite-";
  } else {
    local = {node.own_domain};
    for (const char* other : {"alice", "bob"}) {
      if (node.own_domain != other) partners.push_back(other);
    }
    node_prefix = "kuscia-" + std::string(NodeModeName(node.mode)) + "-";
    host_prefix = "kuscia-" + std::string(NodeModeName(node.mode)) + "-";
  }
  for (const std::string& domain : local) {
    doc["domains"].push_back(LocalDomain(domain, node_prefix, time, random));
    doc["datasources"].push_back(DefaultDataSource(domain));
    doc["domaindata"].push_back(Table(domain));
  }
  for (const std::string& partner : partners) {
    doc["domains"].push_back(NewDomainRecord(partner, "partner", "", {{"authentication_type", "Token"},
                                                                      {"token_gen_method", "RSA-GEN"}}, partner));
  }
  // Routes both ways between every pair that talks: all local pairs (master), own <-> each partner (P2P).
  std::vector<std::string> all = local;
  all.insert(all.end(), partners.begin(), partners.end());
  for (const std::string& a : all) {
    for (const std::string& b : all) {
      if (a == b) continue;
      bool a_local = std::find(local.begin(), local.end(), a) != local.end();
      bool b_local = std::find(local.begin(), local.end(), b) != local.end();
      if (a_local || b_local) doc["routes"].push_back(Route(a, b, host_prefix));
    }
  }
  return doc;
}

}  // namespace kuscia::mock::services
