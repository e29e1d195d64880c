#pragma once
// The command line: maps the library's error values to messages and exit codes
// (0 expectations held, 1 an expectation failed, 2 invalid input, 3 runtime failure).
namespace shardlab {
int RunCli(int argc, char** argv);
}  // namespace shardlab
