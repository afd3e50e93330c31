// Test data only: the documented two-task job (reference §7.1, `job-best-effort-linear` in the tutorial),
// with task_input_config strings in the documented shape. Linked by tests, never by the libraries.
#pragma once

#include <string>

namespace kuscia::mock::testdata {

inline const std::string kClusterDesc =
    R"("sf_cluster_desc":{"parties":["alice","bob"],"devices":[{"name":"spu","type":"spu","parties":["alice","bob"],)"
    R"("config":"{\"runtime_config\":{\"protocol\":\"REF2K\",\"field\":\"FM64\"},\"link_desc\":{\"connect_retry_times\":60,)"
    R"(\"connect_retry_interval_ms\":1000,\"brpc_channel_protocol\":\"http\",\"brpc_channel_connection_type\":\"pooled\",)"
    R"(\"recv_timeout_ms\":1200000,\"http_timeout_ms\":1200000}}"},{"name":"heu","type":"heu","parties":["alice","bob"],)"
    R"("config":"{\"mode\": \"PHEU\", \"schema\": \"paillier\", \"key_size\": 2048}"}],)"
    R"("ray_fed_config":{"cross_silo_comm_backend":"brpc_link"}})";

inline const std::string kPsiTaskInputConfig =
    R"({"sf_datasource_config":{"alice":{"id":"default-data-source"},"bob":{"id":"default-data-source"}},)" + kClusterDesc +
    R"(,"sf_node_eval_param":{"domain":"data_prep","name":"psi","version":"1.0.0","attr_paths":["input/input_ds1/keys",)"
    R"("input/input_ds2/keys","protocol"],"attrs":[{"ss":["id1"]},{"ss":["id2"]},{"s":"PROTOCOL_ECDH"}]},)"
    R"("sf_input_ids":["alice-table","bob-table"],"sf_output_ids":["psi-output-0","psi-output-1"],)"
    R"("sf_output_uris":["psi-output-0","psi-output-1"]})";

inline const std::string kSplitTaskInputConfig =
    R"({"sf_datasource_config":{"alice":{"id":"default-data-source"},"bob":{"id":"default-data-source"}},)" + kClusterDesc +
    R"(,"sf_node_eval_param":{"domain":"data_prep","name":"train_test_split","version":"1.0.0","attr_paths":)"
    R"(["train_size","test_size","random_state","shuffle"],"attrs":[{"f":0.75},{"f":0.25},{"i64":"1234"},{"b":true}]},)"
    R"("sf_output_uris":["train-dataset.csv","test-dataset.csv"],"sf_output_ids":["train-dataset","test-dataset"],)"
    R"("sf_input_ids":["psi-output-0"]})";

}  // namespace kuscia::mock::testdata
