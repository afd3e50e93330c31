#include "mock_server/mock_main.h"

int main(int argc, char** argv) { return kuscia::mock::RunMockCli(argc, argv); }
