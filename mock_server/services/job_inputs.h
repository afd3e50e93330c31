// What a fake task does with its inputs (docs/mock-server.md, "Data"): a SecretFlow task names the
// DomainData it reads in `sf_input_ids` inside `task_input_config`. Kuscia does not check them at CreateJob;
// the engine container fails at run time. The fake does the same, with a clear party err_msg.
//
//   engine.SetTaskInputCheck(MakeTaskInputCheck(store));
//   // a task reading "carol-table" that no party domain has fails with
//   // sf_input_ids: domaindata "carol-table" does not exist in domain alice or bob; create it ...
#pragma once

#include <string>

#include "mock_server/engine/engine.h"
#include "mock_server/store/data_store.h"

namespace kuscia::mock::services {

// "" when every `sf_input_ids` entry of task `task_index` exists: as an `sf_output_ids` entry of a task of
// the same job, as DomainData of one of the task's party domains, or possibly in a partner domain's own
// cluster (which this node cannot see). Otherwise the err_msg for the task's parties. A task_input_config
// that is not JSON, or has no sf_input_ids, has nothing to check.
std::string CheckTaskInputs(const store::DataStore& store, const engine::JobSpec& spec, size_t task_index);

engine::TaskInputCheck MakeTaskInputCheck(const store::DataStore& store);

}  // namespace kuscia::mock::services
