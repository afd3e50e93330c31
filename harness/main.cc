#include "harness/cli.h"

int main(int argc, char** argv) { return kuscia::harness::RunConformCli(argc, argv); }
