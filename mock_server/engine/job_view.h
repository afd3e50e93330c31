// How a job looks through the Kuscia API: the canonical JobStatus / JobStatusDetail objects (reference
// §5.1.2, §6.5), built from a JobRecord. Keys are proto field names in .proto order, every field present.
//
//   nlohmann::ordered_json status = BuildJobStatus(job);   // {"job_id": ..., "status": {"state": ...}}
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "mock_server/engine/job_model.h"

namespace kuscia::mock::engine {

// JobStatusDetail: state, err_msg, create_time, start_time, end_time, tasks, stage_status_list,
// approve_status_list.
nlohmann::ordered_json BuildJobStatusDetail(const JobRecord& job);

// JobStatus: {job_id, status: JobStatusDetail}; the element of BatchQueryJobStatus and of watch events.
nlohmann::ordered_json BuildJobStatus(const JobRecord& job);

// aggregateErrorMessage: the status message if any; else, for a Failed job,
// "Task[<alias>]-Party[<domain>]: <msg>" for each failed party with a message, joined by "; ".
std::string AggregateErrorMessage(const JobRecord& job);

}  // namespace kuscia::mock::engine
