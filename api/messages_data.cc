// common.proto, health.proto, domain.proto, domain_route.proto, domaindata.proto, domaindatasource.proto
// (reference §3, §5.2–§5.6). Fields the reference adds to the stored .proto versions (`master_domain_id`,
// `file_format`) are placed where the reference lists them.
#include "api/messages.h"

namespace kuscia::api::internal {

void AddCommonMessages(SchemaTables& t) {
  constexpr Package kCommon = Package::kCommon;
  AddEnum(t, kCommon, "FileFormat", {{"UNKNOWN", 0}, {"CSV", 1}, {"BINARY", 2}});
  AddMessage(t, kCommon, "RequestHeader", {StrMap("custom_headers")});
  AddMessage(t, kCommon, "Status", {Int32("code"), Str("message"), AnyList("details")});
  AddMessage(t, kCommon, "Partition", {Str("type"), Rep(Msg("fields", "DataColumn"))});
  AddMessage(t, kCommon, "DataColumn", {Str("name"), Str("type"), Str("comment"), Bool("not_nullable")});
}

void AddHealthMessages(SchemaTables& t) {
  constexpr Package kApi = Package::kKusciaApi;
  AddMessage(t, kApi, "HealthRequest", {Msg("header", "RequestHeader")});
  AddMessage(t, kApi, "HealthResponse", {Msg("status", "Status"), Msg("data", "HealthResponseData")});
  AddMessage(t, kApi, "HealthResponseData", {Bool("ready")});
}

void AddDomainMessages(SchemaTables& t) {
  constexpr Package kApi = Package::kKusciaApi;
  AddMessage(t, kApi, "CreateDomainRequest",
             {Msg("header", "RequestHeader"), Str("domain_id"), Str("role"), Str("cert"),
              Msg("auth_center", "AuthCenter"), Str("master_domain_id")});
  AddMessage(t, kApi, "CreateDomainResponse", {Msg("status", "Status")});
  AddMessage(t, kApi, "DeleteDomainRequest", {Msg("header", "RequestHeader"), Str("domain_id")});
  AddMessage(t, kApi, "DeleteDomainResponse", {Msg("status", "Status")});
  AddMessage(t, kApi, "QueryDomainRequest", {Msg("header", "RequestHeader"), Str("domain_id")});
  AddMessage(t, kApi, "QueryDomainResponse", {Msg("status", "Status"), Msg("data", "QueryDomainResponseData")});
  AddMessage(t, kApi, "QueryDomainResponseData",
             {Str("domain_id"), Str("role"), Str("cert"), Rep(Msg("node_statuses", "NodeStatus")),
              Rep(Msg("deploy_token_statuses", "DeployTokenStatus")), StrMap("annotations"),
              Msg("auth_center", "AuthCenter"), Str("master_domain_id")});
  AddMessage(t, kApi, "NodeStatus",
             {Str("name"), Str("status"), Str("version"), Str("last_heartbeat_time"), Str("last_transition_time")});
  AddMessage(t, kApi, "UpdateDomainRequest",
             {Msg("header", "RequestHeader"), Str("domain_id"), Str("role"), Str("cert"),
              Msg("auth_center", "AuthCenter"), Str("master_domain_id")});
  AddMessage(t, kApi, "UpdateDomainResponse", {Msg("status", "Status")});
  AddMessage(t, kApi, "BatchQueryDomainRequest", {Msg("header", "RequestHeader"), Rep(Str("domain_ids"))});
  AddMessage(t, kApi, "BatchQueryDomainResponse",
             {Msg("status", "Status"), Msg("data", "BatchQueryDomainResponseData")});
  AddMessage(t, kApi, "BatchQueryDomainResponseData", {Rep(Msg("domains", "Domain"))});
  AddMessage(t, kApi, "Domain",
             {Str("domain_id"), Str("role"), Str("cert"), Rep(Msg("node_statuses", "NodeStatus"))});
  AddMessage(t, kApi, "DeployTokenStatus", {Str("token"), Str("state"), Str("last_transition_time")});
  AddMessage(t, kApi, "AuthCenter", {Str("authentication_type"), Str("token_gen_method")});
}

void AddDomainRouteMessages(SchemaTables& t) {
  constexpr Package kApi = Package::kKusciaApi;
  AddEnum(t, kApi, "AuthenticationType", {{"Token", 0}, {"MTLS", 1}});
  AddEnum(t, kApi, "BodyEncryptionAlgorithmType", {{"AES", 0}, {"SM4", 1}});
  AddMessage(t, kApi, "CreateDomainRouteRequest",
             {Msg("header", "RequestHeader"), Str("authentication_type"), Str("destination"),
              Msg("endpoint", "RouteEndpoint"), Str("source"), Msg("token_config", "TokenConfig"),
              Msg("mtls_config", "MTLSConfig"), Msg("transit", "Transit"),
              Msg("body_encryption", "BodyEncryption")});
  AddMessage(t, kApi, "RouteEndpoint", {Str("host"), Rep(Msg("ports", "EndpointPort"))});
  AddMessage(t, kApi, "EndpointPort",
             {Str("name"), Int32("port"), Str("protocol"), Bool("isTLS"), Str("path_prefix")});
  AddMessage(t, kApi, "TokenConfig",
             {Str("destination_public_key"), Int64("rolling_update_period"), Str("source_public_key"),
              Str("token_gen_method")});
  AddMessage(t, kApi, "MTLSConfig", {Str("tls_ca"), Str("source_client_private_key"), Str("source_client_cert")});
  AddMessage(t, kApi, "Transit", {Str("transit_method"), Msg("domain", "Transit.Domain")});
  AddMessage(t, kApi, "Transit.Domain", {Str("domain_id")});
  AddMessage(t, kApi, "BodyEncryption", {Str("algorithm")});
  AddMessage(t, kApi, "CreateDomainRouteResponse",
             {Msg("status", "Status"), Msg("data", "CreateDomainRouteResponseData")});
  AddMessage(t, kApi, "CreateDomainRouteResponseData", {Str("name")});
  // Declared destination (=3) before source (=2); protojson emits declaration order.
  AddMessage(t, kApi, "DeleteDomainRouteRequest", {Msg("header", "RequestHeader"), Str("destination"), Str("source")});
  AddMessage(t, kApi, "DeleteDomainRouteResponse", {Msg("status", "Status")});
  AddMessage(t, kApi, "QueryDomainRouteRequest", {Msg("header", "RequestHeader"), Str("destination"), Str("source")});
  AddMessage(t, kApi, "QueryDomainRouteResponse",
             {Msg("status", "Status"), Msg("data", "QueryDomainRouteResponseData")});
  AddMessage(t, kApi, "QueryDomainRouteResponseData",
             {Str("name"), Str("authentication_type"), Str("destination"), Msg("endpoint", "RouteEndpoint"),
              Str("source"), Msg("token_config", "TokenConfig"), Msg("mtls_config", "MTLSConfig"),
              Msg("status", "RouteStatus"), Msg("transit", "Transit"), Msg("body_encryption", "BodyEncryption")});
  AddMessage(t, kApi, "RouteStatus", {Str("status"), Str("reason")});
  AddMessage(t, kApi, "BatchQueryDomainRouteStatusRequest",
             {Msg("header", "RequestHeader"), Rep(Msg("route_keys", "DomainRouteKey"))});
  AddMessage(t, kApi, "DomainRouteKey", {Str("source"), Str("destination")});
  AddMessage(t, kApi, "BatchQueryDomainRouteStatusResponse",
             {Msg("status", "Status"), Msg("data", "BatchQueryDomainRouteStatusResponseData")});
  AddMessage(t, kApi, "BatchQueryDomainRouteStatusResponseData", {Rep(Msg("routes", "DomainRouteStatus"))});
  AddMessage(t, kApi, "DomainRouteStatus",
             {Str("name"), Str("destination"), Str("source"), Msg("status", "RouteStatus")});
}

void AddDomainDataMessages(SchemaTables& t) {
  constexpr Package kApi = Package::kKusciaApi;
  for (const char* op : {"Create", "Update"}) {
    AddMessage(t, kApi, std::string(op) + "DomainDataRequest",
               {Msg("header", "RequestHeader"), Str("domaindata_id"), Str("name"), Str("type"), Str("relative_uri"),
                Str("domain_id"), Str("datasource_id"), StrMap("attributes"), Msg("partition", "Partition"),
                Rep(Msg("columns", "DataColumn")), Str("vendor"), Enum("file_format", "FileFormat")});
  }
  AddMessage(t, kApi, "CreateDomainDataResponse",
             {Msg("status", "Status"), Msg("data", "CreateDomainDataResponseData")});
  AddMessage(t, kApi, "CreateDomainDataResponseData", {Str("domaindata_id")});
  AddMessage(t, kApi, "UpdateDomainDataResponse", {Msg("status", "Status")});
  for (const char* op : {"DeleteDomainData", "DeleteDomainDataAndRaw"}) {
    AddMessage(t, kApi, std::string(op) + "Request",
               {Msg("header", "RequestHeader"), Str("domain_id"), Str("domaindata_id")});
    AddMessage(t, kApi, std::string(op) + "Response", {Msg("status", "Status")});
  }
  AddMessage(t, kApi, "QueryDomainDataRequest",
             {Msg("header", "RequestHeader"), Msg("data", "QueryDomainDataRequestData")});
  AddMessage(t, kApi, "QueryDomainDataResponse", {Msg("status", "Status"), Msg("data", "DomainData")});
  AddMessage(t, kApi, "QueryDomainDataRequestData", {Str("domain_id"), Str("domaindata_id")});
  AddMessage(t, kApi, "BatchQueryDomainDataRequest",
             {Msg("header", "RequestHeader"), Rep(Msg("data", "QueryDomainDataRequestData"))});
  AddMessage(t, kApi, "BatchQueryDomainDataResponse", {Msg("status", "Status"), Msg("data", "DomainDataList")});
  AddMessage(t, kApi, "ListDomainDataRequest",
             {Msg("header", "RequestHeader"), Msg("data", "ListDomainDataRequestData")});
  AddMessage(t, kApi, "ListDomainDataResponse", {Msg("status", "Status"), Msg("data", "DomainDataList")});
  AddMessage(t, kApi, "ListDomainDataRequestData",
             {Str("domain_id"), Str("domaindata_type"), Str("domaindata_vendor")});
  AddMessage(t, kApi, "DomainDataList", {Rep(Msg("domaindata_list", "DomainData"))});
  AddMessage(t, kApi, "DomainData",
             {Str("domaindata_id"), Str("name"), Str("type"), Str("relative_uri"), Str("domain_id"),
              Str("datasource_id"), StrMap("attributes"), Msg("partition", "Partition"),
              Rep(Msg("columns", "DataColumn")), Str("vendor"), Str("status"), Str("author"),
              Enum("file_format", "FileFormat")});
}

void AddDomainDataSourceMessages(SchemaTables& t) {
  constexpr Package kApi = Package::kKusciaApi;
  for (const char* op : {"Create", "Update"}) {
    AddMessage(t, kApi, std::string(op) + "DomainDataSourceRequest",
               {Msg("header", "RequestHeader"), Str("domain_id"), Str("datasource_id"), Str("type"),
                Opt(Str("name")), Opt(Msg("info", "DataSourceInfo")), Opt(Str("info_key")),
                Opt(Bool("access_directly"))});
  }
  AddMessage(t, kApi, "CreateDomainDataSourceResponse",
             {Msg("status", "Status"), Msg("data", "CreateDomainDataSourceResponseData")});
  AddMessage(t, kApi, "CreateDomainDataSourceResponseData", {Str("datasource_id")});
  AddMessage(t, kApi, "UpdateDomainDataSourceResponse", {Msg("status", "Status")});
  AddMessage(t, kApi, "DeleteDomainDataSourceRequest",
             {Msg("header", "RequestHeader"), Str("domain_id"), Str("datasource_id")});
  AddMessage(t, kApi, "DeleteDomainDataSourceResponse", {Msg("status", "Status")});
  AddMessage(t, kApi, "QueryDomainDataSourceRequest",
             {Msg("header", "RequestHeader"), Str("domain_id"), Str("datasource_id")});
  AddMessage(t, kApi, "QueryDomainDataSourceResponse", {Msg("status", "Status"), Msg("data", "DomainDataSource")});
  AddMessage(t, kApi, "QueryDomainDataSourceRequestData", {Str("domain_id"), Str("datasource_id")});
  AddMessage(t, kApi, "BatchQueryDomainDataSourceRequest",
             {Msg("header", "RequestHeader"), Rep(Msg("data", "QueryDomainDataSourceRequestData"))});
  AddMessage(t, kApi, "BatchQueryDomainDataSourceResponse",
             {Msg("status", "Status"), Msg("data", "DomainDataSourceList")});
  AddMessage(t, kApi, "ListDomainDataSourceRequest", {Msg("header", "RequestHeader"), Str("domain_id")});
  AddMessage(t, kApi, "ListDomainDataSourceResponse", {Msg("status", "Status"), Msg("data", "DomainDataSourceList")});
  AddMessage(t, kApi, "DomainDataSourceList", {Rep(Msg("datasource_list", "DomainDataSource"))});
  AddMessage(t, kApi, "DomainDataSource",
             {Str("domain_id"), Str("datasource_id"), Str("name"), Str("type"), Str("status"),
              Msg("info", "DataSourceInfo"), Str("info_key"), Bool("access_directly")});
  AddMessage(t, kApi, "DataSourceInfo",
             {Msg("localfs", "LocalDataSourceInfo"), Msg("oss", "OssDataSourceInfo"),
              Msg("database", "DatabaseDataSourceInfo"), Msg("odps", "OdpsDataSourceInfo")});
  AddMessage(t, kApi, "LocalDataSourceInfo", {Str("path")});
  AddMessage(t, kApi, "OssDataSourceInfo",
             {Str("endpoint"), Str("bucket"), Str("prefix"), Str("access_key_id"), Str("access_key_secret"),
              Bool("virtualhost"), Str("version"), Str("storage_type")});
  AddMessage(t, kApi, "DatabaseDataSourceInfo", {Str("endpoint"), Str("user"), Str("password"), Str("database")});
  AddMessage(t, kApi, "OdpsDataSourceInfo",
             {Str("endpoint"), Str("project"), Str("access_key_id"), Str("access_key_secret")});
}

}  // namespace kuscia::api::internal
