// Every kind's Kind::Estimate over the shipped CI scenarios: a floor each must reach
// (what the run visibly creates), and growth with keys.count and shards.count.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "kinds/registry.h"
#include "scenario/kind.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace estimate_test {
namespace {

namespace fs = std::filesystem;

fs::path CiDir() {
  fs::path file(__FILE__);
  if (file.is_relative()) file = fs::current_path() / file;
  return file.parent_path().parent_path() / "scenarios" / "ci";
}

Footprint EstimateOf(const std::string& file, std::vector<std::pair<std::string, std::string>> sets = {}) {
  LoadOptions options;
  options.overrides = std::move(sets);
  auto s = LoadScenario(file, options);
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return {};
  return FindKind(AllKinds(), s->kind)->Estimate(*s);
}

std::vector<std::string> CiScenarios() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(CiDir())) {
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  }
  return files;
}

TEST(Estimate, EveryCiScenarioWithShardFilesHasAtLeastThem) {
  ASSERT_FALSE(CiScenarios().empty());
  for (const std::string& file : CiScenarios()) {
    auto s = LoadScenario(file, {});
    ASSERT_TRUE(s.ok()) << s.status().message();
    const Footprint f = FindKind(AllKinds(), s->kind)->Estimate(*s);
    if (s->name == "ci-reshard-movement") {  // pure analysis: no files
      EXPECT_EQ(f.bytes, 0u);
      EXPECT_EQ(f.files, 0u);
      continue;
    }
    // At least one file per shard, each at least two pages (header and a root).
    EXPECT_GE(f.files, s->shards.count) << file;
    EXPECT_GE(f.bytes, uint64_t{s->shards.count} * 2 * static_cast<uint64_t>(s->sqlite.page_size)) << file;
    EXPECT_GE(f.files_per_dir_max, 1u) << file;
    EXPECT_GE(f.fds, 1u) << file;
  }
}

TEST(Estimate, GrowsWithKeysAndShards) {
  for (const std::string& file : CiScenarios()) {
    if (file.find("reshard-movement") != std::string::npos) continue;
    const Footprint base = EstimateOf(file);
    const Footprint keys = EstimateOf(file, {{"keys.count", "2000000"}});
    EXPECT_GT(keys.bytes, base.bytes) << file;
    EXPECT_GE(keys.files, base.files) << file;
    const Footprint more = EstimateOf(file, {{"keys.count", "4000000"}});
    EXPECT_GT(more.bytes, keys.bytes) << file;
  }
  const Footprint walk = EstimateOf((CiDir() / "walk.json").string());
  const Footprint walk_shards = EstimateOf((CiDir() / "walk.json").string(), {{"shards.count", "640"}});
  EXPECT_EQ(walk_shards.files, walk.files - 64 + 640);
  EXPECT_EQ(walk_shards.files_per_dir_max, 640u);
  EXPECT_EQ(walk_shards.fds, walk.fds * 10);
}

TEST(Estimate, HugeCasesOfTheIssue) {
  // keys.count = 1e9 on the walk: far more than 74 GB (two copies of every row).
  const Footprint keys = EstimateOf((CiDir() / "walk.json").string(), {{"keys.count", "1000000000"}});
  EXPECT_GT(keys.bytes, uint64_t{100'000'000'000});
  // shards.count = 1e6: a million files in one directory and a connection to each.
  const Footprint shards = EstimateOf((CiDir() / "walk.json").string(), {{"shards.count", "1000000"}});
  EXPECT_EQ(shards.files_per_dir_max, 1'000'000u);
  EXPECT_GT(shards.fds, uint64_t{1'048'576});  // Linux's default fs.nr_open: no RLIMIT_NOFILE reaches it
}

}  // namespace
}  // namespace estimate_test
}  // namespace shardlab
