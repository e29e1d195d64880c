#include "core/progress.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace progress_test {
namespace {

// Sends progress to a temporary file for one test, and restores stderr and kNormal after.
class ProgressSink {
 public:
  explicit ProgressSink(Verbosity v, double min_seconds) : file_(std::tmpfile()) {
    SetVerbosity(v);
    SetProgressSinkForTesting(file_, min_seconds);
  }
  ~ProgressSink() {
    SetProgressSinkForTesting(nullptr);
    SetVerbosity(Verbosity::kNormal);
    if (file_ != nullptr) std::fclose(file_);
  }
  std::string Text() {
    std::fflush(file_);
    std::rewind(file_);
    std::string text;
    char buf[256];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) text.append(buf, n);
    return text;
  }

 private:
  std::FILE* file_;
};

TEST(ProgressTest, VerbosityRoundTrips) {
  EXPECT_EQ(GetVerbosity(), Verbosity::kNormal);  // the default
  SetVerbosity(Verbosity::kQuiet);
  EXPECT_EQ(GetVerbosity(), Verbosity::kQuiet);
  EXPECT_FALSE(Progress::Enabled());
  SetVerbosity(Verbosity::kNormal);
}

TEST(ProgressTest, FinishLineHasHumanUnits) {
  EXPECT_EQ(ProgressFinishLine("load", 100000, 1.2), "  load: 100,000 in 1.2 s (83.3k/s)");
  EXPECT_EQ(ProgressFinishLine("trials", 240, 2.0), "  trials: 240 in 2.0 s (120/s)");
  EXPECT_EQ(ProgressFinishLine("walk a", 9120, 2.0), "  walk a: 9,120 in 2.0 s (4,560/s)");
  EXPECT_EQ(ProgressFinishLine("x", 5, 12.3), "  x: 5 in 12 s (0.4/s)");
}

TEST(ProgressTest, VerbosePrintsOneLineWhenAPhaseFinishes) {
  ProgressSink sink(Verbosity::kVerbose, 0.01);
  {
    Progress p("load", 1000);
    p.Add(400);
    p.Add(600);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const std::string text = sink.Text();
  EXPECT_EQ(text.rfind("  load: 1,000 in ", 0), 0u) << text;
  EXPECT_NE(text.find(" s ("), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\r'), std::string::npos) << "no live line off a terminal";
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "exactly one line";
}

TEST(ProgressTest, VerboseFinishIsPrintedOnce) {
  ProgressSink sink(Verbosity::kVerbose, 0.0);
  {
    Progress p("files", 3);
    p.Add(3);
    p.Finish();
    p.Finish();
  }  // and the destructor
  const std::string text = sink.Text();
  EXPECT_EQ(text.rfind("  files: 3 in ", 0), 0u) << text;
  EXPECT_EQ(text.find('\n'), text.size() - 1) << text;
}

TEST(ProgressTest, VerboseSkipsShortPhases) {
  ProgressSink sink(Verbosity::kVerbose, 1.0);
  {
    Progress p("quick", 10);
    p.Add(10);
  }
  EXPECT_EQ(sink.Text(), "");
}

TEST(ProgressTest, NormalAndQuietPrintNothingOffATerminal) {
  for (const Verbosity v : {Verbosity::kNormal, Verbosity::kQuiet}) {
    ProgressSink sink(v, 0.0);
    {
      Progress p("load", 10);
      p.Add(10);
    }
    EXPECT_EQ(sink.Text(), "");
  }
}

}  // namespace
}  // namespace progress_test
}  // namespace shardlab
