#pragma once
// Arms one libfiu fail point to fail on its k-th evaluation, with an errno. libfiu's
// external callbacks carry no user pointer (and for the POSIX preload the failinfo slot
// is the errno), so the schedule lives in the process's one CrashVfs object; a trial
// child arms at most one point.
#include <cstdint>
#include <string>

#include "core/status.h"

namespace shardlab {

// k >= 1: the k-th evaluation of `name` fails with `err`; k = 0: never fail, only count.
Status ArmFailPoint(const std::string& name, int64_t k, int err);
void DisarmFailPoint();
// Evaluations of the armed point so far, and whether it has fired.
int64_t FailPointEvaluations();
bool FailPointFired();
// For the shim: did the armed point fire for this evaluation of `name`? errno in *err.
bool EvaluateFailPoint(const char* name, int* err);

}  // namespace shardlab
