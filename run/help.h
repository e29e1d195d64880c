#pragma once
// What `shardlab --help`, `shardlab <command> --help` and `shardlab --version` print.
// The man page (help2man) and the bash completion are generated from these texts.
#include <string>

namespace shardlab {

// The overview of every command (`shardlab --help`).
const char* TopLevelHelp();

// `shardlab <command> --help`: usage, options and an example; nullptr for no such command.
const char* CommandHelp(const std::string& command);

// `shardlab --version`: shardlab's version (git describe), the linked SQLite and its
// compile options.
std::string VersionText();

}  // namespace shardlab
