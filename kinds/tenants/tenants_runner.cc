#include "kinds/tenants/tenants_runner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <thread>

#include "core/process_stats.h"
#include "kinds/tenants/preallocation.h"
#include "kinds/tenants/tenant_packings.h"
#include "kinds/tenants/tenant_provision.h"
#include "kinds/tenants/tenant_requests.h"
#include "kinds/tenants/tenants_spec.h"
#include "shards/dir_census.h"
#include "shards/layout.h"
#include "sqlite/io_counter.h"

namespace shardlab {
namespace {

double Rate(double count, double seconds) { return seconds > 0 ? std::round(count / seconds * 10) / 10 : 0.0; }
double Ratio(double a, double b) { return b > 0 ? std::round(a / b * 1000) / 1000 : 0.0; }

// Descriptors one cached connection may hold: the database, and in WAL mode -wal and
// -shm; a rollback journal is open only while a write commits (one at a time here).
uint64_t DescriptorsNeeded(const Scenario& s) {
  const TenantsSpec& tenants = s.Spec<TenantsSpec>();
  const uint64_t per_connection = s.sqlite.journal_mode == "wal" ? 3 : 1;
  return static_cast<uint64_t>(tenants.cache_files) * per_connection + 64;
}

struct PeakTracker {
  uint64_t peak = 0;
  void Sample() { peak = std::max(peak, PeakResidentBytes()); }
  void Note(const Json& replay) {
    if (replay.contains("rss_peak_bytes")) peak = std::max(peak, replay["rss_peak_bytes"].get<uint64_t>());
  }
};

StatusOr<Json> PackingMetrics(const Scenario& s, const Packing& packing, double load_seconds, const DirCensus& census,
                              Json requests, PeakTracker& peak, uint64_t walk_row) {
  const double users = s.shards.count;
  peak.Sample();
  SHARDLAB_ASSIGN_OR_RETURN(Json walk, WalkAllFiles(s, packing, walk_row));
  return Json{{"files", packing.paths.size()},
              {"users_per_file", std::round(users / static_cast<double>(packing.paths.size()) * 100) / 100},
              {"load_seconds", std::round(load_seconds * 1000) / 1000},
              {"allocated_bytes", census.allocated_bytes},
              {"apparent_bytes", census.apparent_bytes},
              {"bytes_per_user", std::round(static_cast<double>(census.allocated_bytes) / users * 10) / 10},
              {"requests", std::move(requests)},
              {"walk", std::move(walk)}};
}

}  // namespace

StatusOr<Json> RunTenants(const Scenario& s, const std::string& data_dir, Workspace& workspace) {
  const TenantsSpec& t = s.Spec<TenantsSpec>();
  SHARDLAB_ASSIGN_OR_RETURN(KeySpace keys, KeySpace::Make(s.keys));
  const uint32_t tenants = s.shards.count;
  const int threads = t.provision_threads > 0 ? static_cast<int>(t.provision_threads)
                                              : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  PeakTracker peak;
  Json m = {{"tenants", tenants}, {"rows_per_tenant", keys.count()}, {"layout", s.shards.layout}};

  const FileLimit before = OpenFileLimit();
  SHARDLAB_ASSIGN_OR_RETURN(FileLimit limit, EnsureOpenFileLimit(DescriptorsNeeded(s)));
  m["limits"] = {{"nofile_soft_before", before.soft}, {"nofile_soft", limit.soft}, {"nofile_hard", limit.hard},
                 {"descriptors_needed", DescriptorsNeeded(s)}, {"cache_files", t.cache_files}};

  // The bare loop first, on its own directory, removed again before provisioning.
  Json bare = nullptr;
  if (t.bare_files > 0) {
    const uint32_t files = static_cast<uint32_t>(std::min<int64_t>(t.bare_files, tenants));
    SHARDLAB_ASSIGN_OR_RETURN(ProvisionTiming b, BareProvisionLoop(s, keys, data_dir, files, threads));
    bare = {{"files", b.files}, {"seconds", std::round(b.seconds * 1000) / 1000}, {"files_per_s", Rate(b.files, b.seconds)}};
  }

  std::vector<std::string> paths(tenants);
  for (uint32_t id = 0; id < tenants; ++id) paths[id] = TenantPath(s.shards, data_dir, id);
  const IoCounts io_before = IoCounts::Snapshot();
  SHARDLAB_ASSIGN_OR_RETURN(ProvisionTiming p, ProvisionTenants(s, keys, data_dir, paths, threads, workspace));
  const IoCounts provision_io = IoCounts::Snapshot() - io_before;
  Json provision = {{"files", p.files},
                    {"threads", threads},
                    {"seconds", std::round(p.seconds * 1000) / 1000},
                    {"files_per_s", Rate(p.files, p.seconds)},
                    {"sync_seconds", std::round(p.sync_seconds * 1000) / 1000},
                    {"io_per_file", provision_io.PerOp(static_cast<int64_t>(p.files))}};
  if (!bare.is_null()) {
    provision["bare"] = bare;
    provision["vs_bare"] = Ratio(provision["files_per_s"].get<double>(), bare["files_per_s"].get<double>());
  }
  m["provision"] = provision;

  // Census of every root (roots may be symlinks to other filesystems: source 001 (scenarios/CLAIMS.md)).
  DirCensus census;
  Json roots = Json::array();
  std::vector<std::string> seen;
  for (const std::string& root : s.shards.roots) {
    const std::string base = RootDirectory(root, data_dir);
    if (std::find(seen.begin(), seen.end(), base) != seen.end()) continue;
    seen.push_back(base);
    SHARDLAB_ASSIGN_OR_RETURN(DirCensus c, TakeDirCensus(base));
    census.Merge(c, root);
    Json r = {{"root", root}, {"files", c.files}, {"max_entries_per_dir", c.max_entries}};
    if (auto fs = FilesystemOf(base); fs.ok()) {
      r["realpath"] = fs->realpath;
      r["filesystem"] = fs->type;
      r["device"] = fs->device;
    }
    roots.push_back(r);
  }
  m["roots"] = roots;
  m["directories"] = {{"count", census.directories},
                      {"files", census.files},
                      {"max_entries_per_dir", census.max_entries},
                      {"fullest_dir", census.fullest_dir}};
  m["disk"] = {{"allocated_bytes", census.allocated_bytes},
               {"apparent_bytes", census.apparent_bytes},
               {"allocated_bytes_per_tenant", std::round(static_cast<double>(census.allocated_bytes) / tenants * 10) / 10},
               {"apparent_bytes_per_tenant", std::round(static_cast<double>(census.apparent_bytes) / tenants * 10) / 10}};

  SHARDLAB_ASSIGN_OR_RETURN(std::vector<TenantRequest> stream, MakeRequestStream(s));
  Packing per_user{"per_user", paths, {}};
  peak.Sample();
  SHARDLAB_ASSIGN_OR_RETURN(Json requests, ReplayRequests(s, keys, per_user, stream));
  peak.Note(requests);
  m["requests"] = requests;

  if (t.packings) {
    const uint64_t walk_row = keys.count() / 2;
    Json packings = Json::object();
    SHARDLAB_ASSIGN_OR_RETURN(packings["per_user"],
                              PackingMetrics(s, per_user, p.seconds, census, requests, peak, walk_row));
    const std::pair<const char*, int64_t> packed[] = {{"minishards", t.minishards}, {"shards", t.packed_shards}};
    for (const auto& [name, files] : packed) {
      SHARDLAB_ASSIGN_OR_RETURN(PackedLoad load,
                                BuildPackedFiles(s, keys, name, data_dir, static_cast<uint32_t>(files), workspace));
      DirCensus c;  // over the packing's directory in every root
      for (const std::string& dir : load.dirs) {
        SHARDLAB_ASSIGN_OR_RETURN(DirCensus one, TakeDirCensus(dir));
        c.Merge(one, dir);
      }
      peak.Sample();
      SHARDLAB_ASSIGN_OR_RETURN(Json replay, ReplayRequests(s, keys, load.packing, stream));
      peak.Note(replay);
      SHARDLAB_ASSIGN_OR_RETURN(packings[name], PackingMetrics(s, load.packing, load.seconds, c, replay, peak, walk_row));
    }
    // C15 in numbers: what one file per user costs against each packing.
    Json ratios = Json::object();
    for (const char* other : {"minishards", "shards"}) {
      const Json& a = packings["per_user"];
      const Json& b = packings[other];
      auto field = [](const Json& j, const char* k1, const char* k2 = nullptr) {
        const Json& v = k2 ? j[k1][k2] : j[k1];
        return v.is_number() ? v.get<double>() : 0.0;
      };
      ratios[std::string("per_user_vs_") + other] = {
          {"bytes_per_user", Ratio(field(a, "bytes_per_user"), field(b, "bytes_per_user"))},
          {"rss_growth", Ratio(field(a["requests"], "rss_growth_bytes"), field(b["requests"], "rss_growth_bytes"))},
          {"sqlite_heap_cached", Ratio(field(a["requests"], "sqlite_heap_cached_bytes"), field(b["requests"], "sqlite_heap_cached_bytes"))},
          {"request_p50", Ratio(a["requests"]["latency_us"]["all"]["p50"].get<double>(),
                                b["requests"]["latency_us"]["all"]["p50"].get<double>())},
          {"walk_seconds", Ratio(field(a["walk"], "seconds"), field(b["walk"], "seconds"))}};
    }
    packings["ratios"] = ratios;
    m["packings"] = packings;
  }

  if (t.preallocation) {
    SHARDLAB_ASSIGN_OR_RETURN(m["preallocation"], RunPreallocation(s, data_dir + "/preallocation", workspace));
  }
  peak.Sample();
  m["peak_rss_bytes"] = peak.peak;
  return m;
}

}  // namespace shardlab
