#include "run/cli.h"

int main(int argc, char** argv) { return shardlab::RunCli(argc, argv); }
