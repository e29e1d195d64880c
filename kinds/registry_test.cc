#include "kinds/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "scenario/scenario.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace registry_test {
namespace {

namespace fs = std::filesystem;

// The registry against the source tree: every kind folder is registered once under its
// own name, with its report section and gate rules; every kind reads the block named
// after it; the registry's loader overloads take every kind, and every shipped scenario
// loads with them.

// kinds/, from this file's path (CMake compiles sources by absolute path).
fs::path KindsDir() {
  fs::path file(__FILE__);
  if (file.is_relative()) file = fs::current_path() / file;
  return file.parent_path();
}

std::vector<std::string> KindNames() {
  std::vector<std::string> names;
  for (const Kind* k : AllKinds()) names.emplace_back(k->name());
  return names;
}

// --- The list against the folders ---------------------------------------------------

TEST(RegistryTest, KindsAreUniqueAndEachIsAFolder) {
  ASSERT_TRUE(fs::is_regular_file(KindsDir() / "registry.cc")) << KindsDir();
  std::set<std::string> seen;
  for (const std::string& name : KindNames()) {
    EXPECT_TRUE(seen.insert(name).second) << name << " is registered twice";
    EXPECT_TRUE(fs::is_directory(KindsDir() / name)) << "no folder kinds/" << name;
    EXPECT_TRUE(fs::is_regular_file(KindsDir() / name / (name + "_kind.cc"))) << "no kinds/" << name << "/" << name
                                                                               << "_kind.cc";
    EXPECT_EQ(FindKind(AllKinds(), name), AllKinds()[seen.size() - 1]) << name;
  }
  EXPECT_EQ(FindKind(AllKinds(), "nope"), nullptr);
}

// A kind's folder is the kind: its <name>_kind.cc must be in the list (the list is written
// out, so a new folder is easy to forget), and nothing else lives in a folder under kinds/.
TEST(RegistryTest, EveryKindFolderIsRegistered) {
  const std::vector<std::string> names = KindNames();
  size_t folders = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(KindsDir())) {
    const std::string folder = entry.path().filename().string();
    if (!entry.is_directory() || folder[0] == '.' || folder == "__pycache__") continue;
    ++folders;
    EXPECT_TRUE(fs::is_regular_file(entry.path() / (folder + "_kind.cc")))
        << "kinds/" << folder << "/ has no " << folder << "_kind.cc";
    EXPECT_NE(std::find(names.begin(), names.end(), folder), names.end())
        << "kinds/" << folder << "/ is not in AllKinds() (kinds/registry.cc)";
  }
  EXPECT_EQ(folders, names.size());
}

// The report (plot/) and the gate load each kind's section and rules from its folder.
TEST(RegistryTest, EveryKindHasReportAndGate) {
  for (const std::string& name : KindNames()) {
    EXPECT_TRUE(fs::is_regular_file(KindsDir() / name / "report.py")) << "no kinds/" << name << "/report.py";
    EXPECT_TRUE(fs::is_regular_file(KindsDir() / name / "gate.py")) << "no kinds/" << name << "/gate.py";
  }
}

// --- The loader bound to every kind ------------------------------------------------

// `kind` lists every kind, in the order `shardlab list`, the docs and the report use.
TEST(RegistryTest, KindChoiceListsEveryKindInOrder) {
  EXPECT_EQ(KindNames(), (std::vector<std::string>{"workload", "crash", "reshard", "concurrency", "ids", "tenants",
                                                   "backup", "migrate"}));
  auto s = LoadScenarioFromJson(Json::parse(R"({"name": "x", "shards": {"count": 2}, "keys": {"count": 10}})"),
                                "f.json", {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "f.json: kind: missing; expected one of workload, crash, reshard, concurrency, ids, "
                                  "tenants, backup, migrate");
}

// Each kind reads the block named after it, and only its own: another kind's block is an
// unknown key.
TEST(RegistryTest, EachKindReadsTheBlockNamedAfterIt) {
  for (const std::string& name : KindNames()) {
    SCOPED_TRACE(name);
    Json j = {{"name", "x"}, {"kind", name}, {"shards", {{"count", 2}}}, {"keys", {{"count", 10}}}};
    j[name] = {{"no_such_key", 1}};
    const std::string other = name == "workload" ? "crash" : "workload";
    j[other] = Json::object();
    auto s = LoadScenarioFromJson(j, "f.json", {});
    ASSERT_FALSE(s.ok());
    const std::string& message = s.status().message();
    EXPECT_NE(message.find("f.json: " + name + ".no_such_key: unknown key; allowed keys here: "), std::string::npos)
        << message;
    EXPECT_NE(message.find("f.json: " + other + ": unknown key; allowed keys here: "), std::string::npos) << message;
  }
}

// The shortest scenario of a kind without required blocks loads through the registry.
TEST(RegistryTest, RegistryOverloadsLoadEveryKind) {
  for (const std::string& name : KindNames()) {
    if (name == "reshard") continue;  // needs reshard.routers and reshard.changes
    SCOPED_TRACE(name);
    Json j = {{"name", "x"}, {"kind", name}, {"shards", {{"count", 2}}}, {"keys", {{"count", 10}}}};
    if (name == "tenants") j["tenants"] = {{"minishards", 2}, {"packed_shards", 1}};
    auto s = LoadScenarioFromJson(j, "f.json", {});
    ASSERT_TRUE(s.ok()) << s.status().message();
    EXPECT_EQ(s->kind, name);
    EXPECT_TRUE(s->resolved.contains(name)) << s->resolved.dump();
  }
}

// Every scenario shipped in scenarios/ (but not the data/ folders) loads, with and without --quick.
TEST(RegistryTest, EveryShippedScenarioLoads) {
  const fs::path scenarios = KindsDir().parent_path() / "scenarios";
  ASSERT_TRUE(fs::is_directory(scenarios)) << scenarios;
  std::set<std::string> files;
  for (auto it = fs::recursive_directory_iterator(scenarios); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory() && it->path().filename() == "data") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".json") files.insert(it->path().string());
  }
  // A broken walk would make the loop below vacuous.
  ASSERT_TRUE(files.count((scenarios / "ci" / "workload-mix.json").string())) << files.size() << " files";
  ASSERT_TRUE(files.count((scenarios / "blog" / "hash-distribution.json").string())) << files.size() << " files";
  std::set<std::string> kinds;
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    auto s = LoadScenario(file, {});
    ASSERT_TRUE(s.ok()) << s.status().message();
    kinds.insert(s->kind);
    LoadOptions quick;
    quick.quick = true;
    auto q = LoadScenario(file, quick);
    ASSERT_TRUE(q.ok()) << q.status().message();
    EXPECT_EQ(q->name, s->name);
  }
  // Every kind has a shipped scenario.
  const std::vector<std::string> names = KindNames();
  EXPECT_EQ(kinds, std::set<std::string>(names.begin(), names.end()));
}

}  // namespace
}  // namespace registry_test
}  // namespace shardlab
