// The ids Kuscia generates when a create request names none (reference §5.2, §5.6, §8.9): DomainData ids
// `<sanitised name>-<32 hex>` (GenDomainDataID) and data source ids `<type>-<32 hex>`.
//
//   IdGenerator ids(/*seed=*/0);                 // 0 = nondeterministic
//   ids.DomainDataId("alice.csv");               // "alicecsv-3f0c...(32 hex)"
//   ids.DataSourceId("localfs");                 // "localfs-9b1e...(32 hex)"
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

namespace kuscia::mock::services {

// GenDomainDataID's prefix: keep [a-zA-Z0-9/-], lower-case, strip leading digits, '/' and '-', cut to 16
// characters; "" when nothing is left (the id is then the 32 hex characters alone).
std::string DomainDataIdPrefix(std::string_view name);

class IdGenerator {
 public:
  explicit IdGenerator(uint64_t seed = 0);

  std::string Hex32();
  std::string DomainDataId(std::string_view name);
  std::string DataSourceId(std::string_view type) { return std::string(type) + "-" + Hex32(); }

 private:
  std::mutex mu_;
  std::mt19937_64 random_;
};

}  // namespace kuscia::mock::services
