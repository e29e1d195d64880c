#pragma once
// Facts about this build, generated at build time (run/build_info.cmake).
namespace shardlab {
extern const char* const kGitCommit;
extern const char* const kGitDescribe;  // git describe --tags --always --dirty
extern const char* const kBuildType;
extern const char* const kCompilerFlags;
extern const bool kSanitized;
}  // namespace shardlab
