#include "faults/fiu_schedule.h"

#include <fiu-control.h>
#include <fiu.h>

#include <cstdint>

#include "faults/crash_vfs.h"

namespace shardlab {
namespace {

CrashVfs::FailSchedule* Schedule() {
  auto vfs = CrashVfs::Get();
  return vfs.ok() ? &(*vfs)->fail_schedule() : nullptr;
}

// libfiu asks this on every evaluation of the armed point: fail on the k-th only.
int CountingCallback(const char*, int*, void**, unsigned int*) {
  CrashVfs::FailSchedule& s = *Schedule();
  ++s.evaluations;
  const bool fail = s.k > 0 && s.evaluations == s.k;
  s.fired = s.fired || fail;
  return fail ? 1 : 0;
}

}  // namespace

Status ArmFailPoint(const std::string& name, int64_t k, int err) {
  static const bool initialised = fiu_init(0) == 0;
  if (!initialised) return Status::Runtime("libfiu: fiu_init failed");
  CrashVfs::FailSchedule* schedule = Schedule();
  if (schedule == nullptr) return Status::Runtime("libfiu: the crash shim is not available");
  DisarmFailPoint();
  *schedule = CrashVfs::FailSchedule{name, k, 0, false, true};
  // failinfo is the errno the POSIX preload sets; the shim reads it the same way.
  if (fiu_enable_external(name.c_str(), 1, reinterpret_cast<void*>(static_cast<intptr_t>(err)), 0,
                          CountingCallback) != 0) {
    schedule->armed = false;
    return Status::Runtime("libfiu: cannot enable " + name);
  }
  return Status::Ok();
}

void DisarmFailPoint() {
  CrashVfs::FailSchedule* s = Schedule();
  if (s == nullptr) return;
  if (s->armed) fiu_disable(s->name.c_str());
  s->armed = false;
}

int64_t FailPointEvaluations() { return Schedule() ? Schedule()->evaluations : 0; }
bool FailPointFired() { return Schedule() && Schedule()->fired; }

bool EvaluateFailPoint(const char* name, int* err) {
  CrashVfs::FailSchedule* s = Schedule();
  if (s == nullptr || !s->armed || fiu_fail(name) == 0) return false;
  *err = static_cast<int>(reinterpret_cast<intptr_t>(fiu_failinfo()));
  return true;
}

}  // namespace shardlab
