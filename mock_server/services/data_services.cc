#include "mock_server/services/data_services.h"

#include "mock_server/services/job_inputs.h"

namespace kuscia::mock::services {

DataServices::DataServices(store::DataStore& store, engine::Engine& engine, const NodeIdentity& node,
                           const std::string& ca_cert_pem, uint64_t seed)
    : ids(seed),
      domains(store, engine, node, ca_cert_pem),
      routes(store),
      datasources(store, node, ids),
      data(store, node, ids) {
  engine.SetTaskInputCheck(MakeTaskInputCheck(store));
}

std::vector<std::pair<std::string, ServiceMethod>> DataServices::Routes() {
  auto bind = [](auto* service, auto method) {
    return ServiceMethod([service, method](const nlohmann::ordered_json& request) { return (service->*method)(request); });
  };
  return {
      {"/api/v1/domain/create", bind(&domains, &DomainService::CreateDomain)},
      {"/api/v1/domain/query", bind(&domains, &DomainService::QueryDomain)},
      {"/api/v1/domain/update", bind(&domains, &DomainService::UpdateDomain)},
      {"/api/v1/domain/delete", bind(&domains, &DomainService::DeleteDomain)},
      {"/api/v1/domain/batchQuery", bind(&domains, &DomainService::BatchQueryDomain)},
      {"/api/v1/route/create", bind(&routes, &DomainRouteService::CreateDomainRoute)},
      {"/api/v1/route/delete", bind(&routes, &DomainRouteService::DeleteDomainRoute)},
      {"/api/v1/route/query", bind(&routes, &DomainRouteService::QueryDomainRoute)},
      {"/api/v1/route/status/batchQuery", bind(&routes, &DomainRouteService::BatchQueryDomainRouteStatus)},
      {"/api/v1/domaindata/create", bind(&data, &DomainDataService::CreateDomainData)},
      {"/api/v1/domaindata/update", bind(&data, &DomainDataService::UpdateDomainData)},
      {"/api/v1/domaindata/delete", bind(&data, &DomainDataService::DeleteDomainData)},
      {"/api/v1/domaindata/deleteDataAndRaw", bind(&data, &DomainDataService::DeleteDomainDataAndRaw)},
      {"/api/v1/domaindata/query", bind(&data, &DomainDataService::QueryDomainData)},
      {"/api/v1/domaindata/batchQuery", bind(&data, &DomainDataService::BatchQueryDomainData)},
      {"/api/v1/domaindata/list", bind(&data, &DomainDataService::ListDomainData)},
      {"/api/v1/domaindatasource/create", bind(&datasources, &DomainDataSourceService::CreateDomainDataSource)},
      {"/api/v1/domaindatasource/update", bind(&datasources, &DomainDataSourceService::UpdateDomainDataSource)},
      {"/api/v1/domaindatasource/delete", bind(&datasources, &DomainDataSourceService::DeleteDomainDataSource)},
      {"/api/v1/domaindatasource/query", bind(&datasources, &DomainDataSourceService::QueryDomainDataSource)},
      {"/api/v1/domaindatasource/batchQuery", bind(&datasources, &DomainDataSourceService::BatchQueryDomainDataSource)},
      {"/api/v1/domaindatasource/list", bind(&datasources, &DomainDataSourceService::ListDomainDataSource)},
  };
}

}  // namespace kuscia::mock::services
