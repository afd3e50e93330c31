// The fake's whole state as one document: what `kuscia-mock --state FILE` starts from and what
// `--save-state FILE` writes on a clean shutdown (SIGINT/SIGTERM). docs/mock-server.md documents the format:
//
//   version: 1
//   domains:     [QueryDomain `data` objects]          e.g. {domain_id: alice, role: ""}
//   routes:      [QueryDomainRoute `data` objects]     e.g. {source: alice, destination: bob, ...}
//   datasources: [DomainDataSource objects]
//   domaindata:  [DomainData objects]
//   jobs:        [CreateJob requests, plus `state` (Succeeded, Failed, ...) or the saved `runtime`]
//
// YAML or JSON; omitted fields take their zero values. Loading checks everything first and names the first
// bad field ("state.yaml: /datasources/0/type: ..."), so a bad file changes nothing.
//
//   KC_ASSIGN_OR_RETURN(auto doc, ReadStateFile("state.yaml"));
//   KC_RETURN_IF_ERROR(ApplyState(doc, "state.yaml", store, engine, node));
//   KC_RETURN_IF_ERROR(WriteStateFile("saved.yaml", CaptureState(store, engine)));
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "api/status.h"
#include "mock_server/engine/engine.h"
#include "mock_server/services/node_identity.h"
#include "mock_server/store/data_store.h"

namespace kuscia::mock::services {

inline constexpr int kStateFileVersion = 1;

// The starting state without --state: for a master, domains alice and bob, each with its
// `default-data-source` (localfs) and its tutorial table (alice-table, bob-table), and routes both ways.
// For an autonomy or lite node: its own domain with that data, the other of alice/bob (both when the own
// domain is neither) as partner domains, and routes both ways between the own domain and each partner.
nlohmann::ordered_json DefaultState(const NodeIdentity& node, std::chrono::system_clock::time_point now);

// Parses a YAML or JSON state file into a document (JSON when the first character is '{').
Result<nlohmann::ordered_json> ReadStateFile(const std::filesystem::path& path);
Result<nlohmann::ordered_json> ParseStateText(const std::string& text, const std::string& source_name);

// Checks `doc` as a whole, then loads it into an empty store and engine (domains also go to the engine's
// registry). `source_name` prefixes every error message.
Status ApplyState(const nlohmann::ordered_json& doc, const std::string& source_name, store::DataStore& store,
                  engine::Engine& engine, const NodeIdentity& node);

// The current state, in the documented format; jobs carry `state` and their full `runtime`.
nlohmann::ordered_json CaptureState(const store::DataStore& store, const engine::Engine& engine);

// Writes atomically: JSON for a `.json` path, YAML otherwise.
Status WriteStateFile(const std::filesystem::path& path, const nlohmann::ordered_json& doc);

// The CreateJob request that reproduces `spec` (generated task ids included).
nlohmann::ordered_json JobSpecToRequest(const engine::JobSpec& spec);

}  // namespace kuscia::mock::services
