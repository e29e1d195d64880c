#include "core/process_stats.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <vector>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace process_stats_test {
namespace {

TEST(ProcessStats, DescriptorCountFollowsOpens) {
  const int64_t before = OpenDescriptorCount();
  ASSERT_GE(before, 3);
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(OpenDescriptorCount(), before + 1);
  ::close(fd);
  EXPECT_EQ(OpenDescriptorCount(), before);
}

TEST(ProcessStats, ResidentMemoryAndItsPeak) {
  EXPECT_GT(ResidentBytes(), 0u);
  EXPECT_GE(PeakResidentBytes(), ResidentBytes());
  if (!ResetPeakResident()) GTEST_SKIP() << "the kernel refuses /proc/self/clear_refs";
  const uint64_t start = PeakResidentBytes();
  std::vector<char> block(64 << 20);
  for (size_t i = 0; i < block.size(); i += 4096) block[i] = 1;
  EXPECT_GE(PeakResidentBytes(), start + (48u << 20));
}

TEST(ProcessStats, OpenFileLimitIsRaisedOnlyWithinTheHardLimit) {
  const FileLimit now = OpenFileLimit();
  ASSERT_GT(now.soft, 0u);
  StatusOr<FileLimit> same = EnsureOpenFileLimit(16);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->soft, now.soft);  // never lowered
  if (now.hard != RLIM_INFINITY) {
    StatusOr<FileLimit> too_many = EnsureOpenFileLimit(now.hard + 1);
    ASSERT_FALSE(too_many.ok());
    EXPECT_NE(too_many.status().message().find("hard limit"), std::string::npos);
  }
}

TEST(ProcessStats, FilesystemOfNamesTheType) {
  StatusOr<FilesystemInfo> fs = FilesystemOf("/proc");
  ASSERT_TRUE(fs.ok());
  EXPECT_EQ(fs->realpath, "/proc");
  EXPECT_FALSE(fs->type.empty());
  EXPECT_FALSE(FilesystemOf("/no/such/dir/anywhere").ok());
}

}  // namespace
}  // namespace process_stats_test
}  // namespace shardlab
