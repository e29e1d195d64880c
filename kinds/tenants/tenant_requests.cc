#include "kinds/tenants/tenant_requests.h"

#include <malloc.h>

#include <chrono>
#include <cmath>

#include "core/elapsed.h"
#include "core/histogram.h"
#include "core/lru_cache.h"
#include "core/process_stats.h"
#include "core/progress.h"
#include "kinds/tenants/tenant_provision.h"
#include "kinds/tenants/tenants_spec.h"
#include "shards/shard_set.h"
#include "sqlite/io_counter.h"
#include "workloads/distribution.h"
#include "workloads/rng.h"

namespace shardlab {
namespace {

using Clock = std::chrono::steady_clock;

struct TenantConn {
  Db db;
  Stmt first;   // get (or the walk's count)
  Stmt second;  // put
};

// ?1 is the user (packed files only), ?2 the row key, ?3 the new value.
StatusOr<TenantConn> OpenConn(const std::string& path, const SqliteSpec& sqlite, bool packed) {
  TenantConn c;
  SHARDLAB_ASSIGN_OR_RETURN(c.db, ShardSet::ConnectPath(path, sqlite));
  const std::string where = packed ? "user = ?1 AND k = ?2" : "k = ?2";
  SHARDLAB_ASSIGN_OR_RETURN(c.first, c.db.Prepare("SELECT v FROM kv WHERE " + where));
  SHARDLAB_ASSIGN_OR_RETURN(c.second, c.db.Prepare("UPDATE kv SET v = ?3 WHERE " + where));
  return c;
}


}  // namespace

StatusOr<std::vector<TenantRequest>> MakeRequestStream(const Scenario& s) {
  const TenantsSpec& tenants = s.Spec<TenantsSpec>();
  SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<KeyChooser> tenant, MakeKeyChooser(tenants.distribution, s.shards.count));
  SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<KeyChooser> row, MakeKeyChooser(s.distribution, s.keys.count));
  Rng rng(DeriveSeed(s.seed, "tenants/requests"));
  std::vector<TenantRequest> stream(static_cast<size_t>(tenants.requests));
  for (TenantRequest& r : stream) {
    r.user = static_cast<uint32_t>(tenant->Next(rng));
    r.row = static_cast<uint32_t>(row->Next(rng));
    r.put = rng.NextDouble() < tenants.put_fraction;
  }
  return stream;
}

StatusOr<Json> ReplayRequests(const Scenario& s, const KeySpace& keys, const Packing& packing,
                              const std::vector<TenantRequest>& stream) {
  const TenantsSpec& tenants = s.Spec<TenantsSpec>();
  const std::vector<std::string> row_keys = TenantRowKeys(keys);
  const bool packed = packing.packed();
  auto open = [&](uint32_t file) { return OpenConn(packing.paths[file], s.sqlite, packed); };

  malloc_trim(0);  // return earlier phases' free memory, so growth shows this phase's pages
  const bool peak_reset = ResetPeakResident();
  const uint64_t rss_before = ResidentBytes();
  const int64_t heap_before = sqlite3_memory_used();
  sqlite3_memory_highwater(/*resetFlag=*/1);
  LruCache<TenantConn> cache(static_cast<size_t>(tenants.cache_files));
  LatencyHistogram latency[2][2];  // [hit][put]
  Progress progress("requests " + packing.name, stream.size());
  const IoCounts io_before = IoCounts::Snapshot();
  const auto start = Clock::now();
  for (size_t i = 0; i < stream.size(); ++i) {
    const TenantRequest& r = stream[i];
    const uint32_t file = packed ? packing.file_of_user[r.user] : r.user;
    const std::string value = r.put ? TenantValue(r.user, r.row, tenants.value_bytes, i + 1) : std::string();
    const auto t0 = Clock::now();
    SHARDLAB_ASSIGN_OR_RETURN(auto lookup, cache.Get(file, open));
    TenantConn& c = *lookup.value;
    Stmt& stmt = r.put ? c.second : c.first;
    stmt.BindInt(1, r.user);
    stmt.BindTextStatic(2, row_keys[r.row]);
    if (r.put) stmt.BindTextStatic(3, value);
    const int rc = stmt.Step();
    stmt.Reset();
    const uint64_t ns = NanosSince(t0);
    if (rc != (r.put ? SQLITE_DONE : SQLITE_ROW) || (r.put && sqlite3_changes(c.db.get()) != 1)) {
      return Status::Runtime(packing.name + ": user " + std::to_string(r.user) + " row " + std::to_string(r.row) +
                             (r.put ? " was not updated" : " was not found") + " in " + packing.paths[file] + " (" +
                             sqlite3_errmsg(c.db.get()) + ")");
    }
    latency[lookup.hit ? 1 : 0][r.put ? 1 : 0].Record(ns);
    if ((i & 1023) == 1023) progress.Add(1024);
  }
  const double seconds = SecondsSince(start);
  const IoCounts io = IoCounts::Snapshot() - io_before;  // opens and closes of cached files included
  progress.Finish();
  const int64_t descriptors = OpenDescriptorCount();
  const uint64_t rss_peak = PeakResidentBytes();
  const int64_t heap_peak = sqlite3_memory_highwater(0);
  const size_t open_connections = cache.size();
  const int64_t heap_cached = sqlite3_memory_used() - heap_before;  // what the open connections hold
  cache.Clear();

  Json lat = Json::object();
  LatencyHistogram all;
  for (int hit = 0; hit < 2; ++hit) {
    LatencyHistogram both;
    Json by_op = Json::object();
    for (int put = 0; put < 2; ++put) {
      by_op[put ? "put" : "get"] = latency[hit][put].ToJsonMicros();
      both.Merge(latency[hit][put]);
    }
    by_op["all"] = both.ToJsonMicros();
    lat[hit ? "hit" : "miss"] = by_op;
    all.Merge(both);
  }
  lat["all"] = all.ToJsonMicros();
  const double n = static_cast<double>(stream.size());
  Json out = {{"files", packing.paths.size()},
              {"requests", stream.size()},
              {"requests_per_s", seconds > 0 ? std::round(n / seconds) : 0.0},
              {"cache_files", tenants.cache_files},
              {"hit_ratio", n > 0 ? std::round(static_cast<double>(cache.hits()) / n * 1e4) / 1e4 : 0.0},
              {"opens", cache.opens()},
              {"closes", cache.closes()},
              {"open_connections_at_end", open_connections},
              {"open_descriptors_at_end", descriptors},
              {"latency_us", lat},
              {"seconds", std::round(seconds * 1000) / 1000},
              {"sqlite_heap_cached_bytes", heap_cached},
              {"sqlite_heap_peak_bytes", heap_peak},
              {"io_per_request", io.PerOp(static_cast<int64_t>(stream.size()))}};
  // Peak minus the start: what serving these requests added (other phases excluded).
  if (peak_reset) {
    out["rss_growth_bytes"] = rss_peak > rss_before ? rss_peak - rss_before : 0;
    out["rss_peak_bytes"] = rss_peak;
  }
  return out;
}

StatusOr<Json> WalkAllFiles(const Scenario& s, const Packing& packing, uint64_t row) {
  const TenantsSpec& tenants = s.Spec<TenantsSpec>();
  const std::string pattern = "%:r" + std::to_string(row) + ":%";
  auto open = [&](uint32_t file) -> StatusOr<TenantConn> {
    TenantConn c;
    SHARDLAB_ASSIGN_OR_RETURN(c.db, ShardSet::ConnectPath(packing.paths[file], s.sqlite));
    SHARDLAB_ASSIGN_OR_RETURN(c.first, c.db.Prepare("SELECT count(*) FROM kv WHERE v LIKE ?1"));
    return c;
  };
  LruCache<TenantConn> cache(static_cast<size_t>(tenants.cache_files));
  Progress progress("walk " + packing.name, packing.paths.size());
  int64_t rows = 0;
  const auto start = Clock::now();
  for (uint32_t f = 0; f < packing.paths.size(); ++f) {
    SHARDLAB_ASSIGN_OR_RETURN(auto lookup, cache.Get(f, open));
    Stmt& q = lookup.value->first;
    q.BindTextStatic(1, pattern);
    if (q.Step() != SQLITE_ROW) return lookup.value->db.Error("walk " + packing.paths[f]);
    rows += q.ColumnInt(0);
    q.Reset();
    progress.Add(1);  // a file is a full scan: far dearer than the counter
  }
  const double seconds = SecondsSince(start);
  cache.Clear();
  const double files = static_cast<double>(packing.paths.size());
  return Json{{"files", packing.paths.size()},
              {"rows", rows},
              {"seconds", std::round(seconds * 1e6) / 1e6},
              {"us_per_file", files > 0 ? std::round(seconds / files * 1e7) / 10 : 0.0}};
}

}  // namespace shardlab
