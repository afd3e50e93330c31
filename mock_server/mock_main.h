// The kuscia-mock command: options -> MockServerOptions -> run until SIGINT/SIGTERM.
//
//   int main(int argc, char** argv) { return kuscia::mock::RunMockCli(argc, argv); }
#pragma once

namespace kuscia::mock {

// Exit codes: 0 clean shutdown, 1 the server failed, 2 bad options.
int RunMockCli(int argc, char** argv);

}  // namespace kuscia::mock
