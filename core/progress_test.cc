#include "core/progress.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace progress_test {
namespace {

// What the progress of one phase writes to a memory file, under `v`.
std::string Written(Verbosity v, bool terminal, int sleep_ms, uint64_t units) {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* sink = open_memstream(&buffer, &size);
  Progress::SetSinkForTesting(sink, terminal);
  SetVerbosity(v);
  {
    Progress p("load", units);
    if (sleep_ms > 0) usleep(static_cast<useconds_t>(sleep_ms) * 1000);
    p.Add(units);
  }
  SetVerbosity(Verbosity::kNormal);
  Progress::SetSinkForTesting(nullptr, false);
  std::fclose(sink);
  std::string out(buffer, size);
  free(buffer);
  return out;
}

TEST(ProgressTest, LinesUseHumanUnits) {
  EXPECT_EQ(Progress::LiveLine("load", 4500, 10000, 37.8), "  load  45%  4,500/10,000  119/s  ETA 46.2s");
  EXPECT_EQ(Progress::DoneLine("walk", 100000, 1.2), "  walk: 100,000 in 1.2 s (83.3k/s)");
}

TEST(ProgressTest, VerboseLeavesALineForAPhaseOfASecondOrMore) {
  const std::string out = Written(Verbosity::kVerbose, /*terminal=*/false, 1100, 5);
  EXPECT_EQ(out.rfind("  load: 5 in 1.", 0), 0u) << out;
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(Written(Verbosity::kVerbose, false, 0, 5), "");  // too short to mention
}

TEST(ProgressTest, NormalOffATerminalAndQuietSayNothing) {
  EXPECT_EQ(Written(Verbosity::kNormal, /*terminal=*/false, 1100, 5), "");
  EXPECT_EQ(Written(Verbosity::kQuiet, /*terminal=*/true, 1100, 5), "");
  SetVerbosity(Verbosity::kQuiet);
  EXPECT_FALSE(Progress::Enabled());
  SetVerbosity(Verbosity::kNormal);
}

}  // namespace
}  // namespace progress_test
}  // namespace shardlab
