#include "mock_server/store/data_store.h"

#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace kuscia::mock::store {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using nlohmann::ordered_json;

ordered_json Data(const std::string& domain, const std::string& id) {
  return {{"domaindata_id", id}, {"domain_id", domain}, {"name", id}};
}

TEST(DataStore, DomainsUseKubernetesMessages) {
  DataStore store;
  EXPECT_THAT(store.CreateDomain({{"domain_id", "alice"}}), IsOk());
  EXPECT_THAT(store.CreateDomain({{"domain_id", "alice"}}),
              StatusIs(StatusCode::kAlreadyExists, "domains.kuscia.secretflow \"alice\" already exists"));
  EXPECT_THAT(store.GetDomain("carol").status(),
              StatusIs(StatusCode::kNotFound, "domains.kuscia.secretflow \"carol\" not found"));
  EXPECT_THAT(store.UpdateDomain({{"domain_id", "carol"}}),
              StatusIs(StatusCode::kNotFound, "domains.kuscia.secretflow \"carol\" not found"));
}

TEST(DataStore, DeletingADomainDeletesItsNamespace) {
  DataStore store;
  ASSERT_THAT(store.CreateDomain({{"domain_id", "alice"}}), IsOk());
  ASSERT_THAT(store.CreateDomain({{"domain_id", "bob"}}), IsOk());
  store.PutDomainData(Data("alice", "t1"));
  store.PutDomainData(Data("bob", "t2"));
  store.PutDataSource({{"domain_id", "alice"}, {"datasource_id", "default-data-source"}});
  ASSERT_THAT(store.DeleteDomain("alice"), IsOk());
  EXPECT_FALSE(store.HasDomainData("alice", "t1"));
  EXPECT_FALSE(store.HasDataSource("alice", "default-data-source"));
  EXPECT_TRUE(store.HasDomainData("bob", "t2"));
  EXPECT_THAT(store.DeleteDomain("alice"),
              StatusIs(StatusCode::kNotFound, "domains.kuscia.secretflow \"alice\" not found"));
}

TEST(DataStore, ListsSortLikeKubernetes) {
  DataStore store;
  store.PutDomainData(Data("bob", "b"));
  store.PutDomainData(Data("alice", "z"));
  store.PutDomainData(Data("alice", "a"));
  std::vector<ordered_json> alice = store.ListDomainData("alice");
  ASSERT_EQ(alice.size(), 2u);
  EXPECT_EQ(alice[0]["domaindata_id"], "a");
  EXPECT_EQ(alice[1]["domaindata_id"], "z");
  EXPECT_EQ(store.ListAllDomainData().size(), 3u);
}

TEST(DataStore, RoutesAreNamedSourceDashDestination) {
  DataStore store;
  ASSERT_THAT(store.CreateRoute({{"source", "alice"}, {"destination", "bob"}}), IsOk());
  EXPECT_THAT(store.CreateRoute({{"source", "alice"}, {"destination", "bob"}}),
              StatusIs(StatusCode::kAlreadyExists, "clusterdomainroutes.kuscia.secretflow \"alice-bob\" already exists"));
  EXPECT_THAT(store.DeleteRoute("bob", "alice"),
              StatusIs(StatusCode::kNotFound, "clusterdomainroutes.kuscia.secretflow \"bob-alice\" not found"));
  EXPECT_THAT(store.GetRoute("alice", "bob"), IsOk());
}

}  // namespace
}  // namespace kuscia::mock::store
