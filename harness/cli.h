// kuscia-conform's command line: parses the subcommand and its options into plain structs and calls the
// library function that does the work. Exit codes: 0 success, 1 a check failed, 2 usage or input error.
//
//   int main(int argc, char** argv) { return kuscia::harness::RunConformCli(argc, argv); }
#pragma once

namespace kuscia::harness {

int RunConformCli(int argc, char** argv);

}  // namespace kuscia::harness
