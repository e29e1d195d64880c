#include "kinds/tenants/preallocation.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/elapsed.h"
#include "core/process_stats.h"
#include "core/progress.h"
#include "kinds/tenants/tenants_spec.h"
#include "shards/file_extents.h"
#include "shards/shard_set.h"

namespace shardlab {
namespace {

struct RoundResult {
  double rows_per_s = 0;
  std::vector<int64_t> extents;  // per file; empty when FIEMAP is refused
  std::string extents_error;
  int64_t allocated_bytes = 0, apparent_bytes = 0;
};

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// One round: chunk_files files, each round of batches appends chunk_batch_rows rows to
// every file in turn, so the files' allocations interleave on the filesystem.
StatusOr<RoundResult> InsertRound(const Scenario& s, const std::string& dir, int64_t chunk_bytes, Workspace& workspace,
                                  Progress& progress) {
  const TenantsSpec& t = s.Spec<TenantsSpec>();
  SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(dir));
  std::vector<Db> dbs;
  std::vector<Stmt> inserts;
  std::vector<std::string> paths;
  for (int64_t f = 0; f < t.chunk_files; ++f) {
    paths.push_back(dir + "/file_" + std::to_string(f) + ".db");
    SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(paths.back()));
    SHARDLAB_ASSIGN_OR_RETURN(Db db, ShardSet::ConnectPath(paths.back(), s.sqlite));
    if (chunk_bytes > 0) {
      int size = static_cast<int>(chunk_bytes);
      if (sqlite3_file_control(db.get(), "main", SQLITE_FCNTL_CHUNK_SIZE, &size) != SQLITE_OK) {
        return db.Error("SQLITE_FCNTL_CHUNK_SIZE on " + paths.back());
      }
    }
    SHARDLAB_RETURN_IF_ERROR(db.Exec("CREATE TABLE kv(k INTEGER PRIMARY KEY, v BLOB NOT NULL)"));
    SHARDLAB_ASSIGN_OR_RETURN(Stmt insert, db.Prepare("INSERT INTO kv(k, v) VALUES(?1, ?2)"));
    dbs.push_back(std::move(db));
    inserts.push_back(std::move(insert));
  }
  const std::string value(static_cast<size_t>(std::max<int64_t>(t.value_bytes, 1)), 'v');
  const auto start = std::chrono::steady_clock::now();
  for (int64_t done = 0; done < t.chunk_rows; done += t.chunk_batch_rows) {
    const int64_t end = std::min(t.chunk_rows, done + t.chunk_batch_rows);
    for (size_t f = 0; f < dbs.size(); ++f) {
      SHARDLAB_RETURN_IF_ERROR(dbs[f].Exec("BEGIN"));
      for (int64_t k = done; k < end; ++k) {
        inserts[f].BindInt(1, k);
        sqlite3_bind_blob(inserts[f].get(), 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
        if (inserts[f].Step() != SQLITE_DONE) return dbs[f].Error("insert into " + paths[f]);
        inserts[f].Reset();
      }
      SHARDLAB_RETURN_IF_ERROR(dbs[f].Exec("COMMIT"));
      progress.Add(static_cast<uint64_t>(end - done));
    }
  }
  const double seconds = SecondsSince(start);
  inserts.clear();
  dbs.clear();
  RoundResult r;
  r.rows_per_s = static_cast<double>(t.chunk_rows * t.chunk_files) / std::max(seconds, 1e-9);
  for (const std::string& path : paths) {
    struct stat st{};
    if (::stat(path.c_str(), &st) == 0) {
      r.allocated_bytes += static_cast<int64_t>(st.st_blocks) * 512;
      r.apparent_bytes += static_cast<int64_t>(st.st_size);
    }
    if (r.extents_error.empty()) {
      StatusOr<int64_t> n = CountExtents(path);
      if (n.ok()) {
        r.extents.push_back(*n);
      } else {
        r.extents_error = n.status().message();
        r.extents.clear();
      }
    }
  }
  return r;
}

Json Summarize(const std::vector<RoundResult>& rounds, int64_t files) {
  std::vector<double> rates, extents_mean;
  int64_t extents_max = 0;
  Json per_round = Json::array();
  for (const RoundResult& r : rounds) {
    rates.push_back(r.rows_per_s);
    per_round.push_back(std::round(r.rows_per_s));
    if (!r.extents.empty()) {
      double sum = 0;
      for (int64_t e : r.extents) {
        sum += static_cast<double>(e);
        extents_max = std::max(extents_max, e);
      }
      extents_mean.push_back(sum / static_cast<double>(r.extents.size()));
    }
  }
  const RoundResult& last = rounds.back();
  Json out = {{"rows_per_s", std::round(Median(rates))},
              {"rows_per_s_rounds", per_round},
              {"allocated_bytes_per_file", last.allocated_bytes / files},
              {"apparent_bytes_per_file", last.apparent_bytes / files}};
  if (extents_mean.empty()) {
    out["extents_per_file"] = nullptr;
    out["extents_note"] = last.extents_error;
  } else {
    out["extents_per_file"] = std::round(Median(extents_mean) * 100) / 100;
    out["extents_max"] = extents_max;
  }
  return out;
}

}  // namespace

StatusOr<Json> RunPreallocation(const Scenario& s, const std::string& dir, Workspace& workspace) {
  const TenantsSpec& t = s.Spec<TenantsSpec>();
  SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(dir));
  std::vector<RoundResult> none, chunk;
  // In rows inserted: a round is a few slow commits per file, seconds without a unit.
  Progress progress("preallocation rows", static_cast<uint64_t>(2 * t.chunk_rounds * t.chunk_files * t.chunk_rows));
  for (int64_t round = 0; round < t.chunk_rounds; ++round) {
    // Alternate which goes first so drift on a shared machine hits both alike.
    for (int i = 0; i < 2; ++i) {
      const bool with_chunk = (i == 0) == (round % 2 == 1);
      const std::string sub = dir + "/" + (with_chunk ? "chunk" : "none") + "_round" + std::to_string(round);
      SHARDLAB_ASSIGN_OR_RETURN(RoundResult r, InsertRound(s, sub, with_chunk ? t.chunk_bytes : 0, workspace, progress));
      (with_chunk ? chunk : none).push_back(std::move(r));
    }
  }
  Json out = {{"chunk_bytes", t.chunk_bytes},
              {"files", t.chunk_files},
              {"rows_per_file", t.chunk_rows},
              {"batch_rows", t.chunk_batch_rows},
              {"rounds", t.chunk_rounds},
              {"none", Summarize(none, t.chunk_files)},
              {"chunk", Summarize(chunk, t.chunk_files)}};
  if (auto fs = FilesystemOf(dir); fs.ok()) out["filesystem"] = fs->type;
  const double a = out["none"]["rows_per_s"].get<double>(), b = out["chunk"]["rows_per_s"].get<double>();
  out["speedup"] = a > 0 ? std::round(b / a * 1000) / 1000 : 0.0;
  // The paired per-round speedups (round r with the chunk size over round r without, run
  // back to back): the repetitions an expectation on the speedup is judged over.
  Json speedups = Json::array();
  for (size_t r = 0; r < none.size() && r < chunk.size(); ++r) {
    const double n = none[r].rows_per_s;
    speedups.push_back(n > 0 ? std::round(chunk[r].rows_per_s / n * 1000) / 1000 : 0.0);
  }
  out["samples"] = {{"speedup", speedups}};
  if (!out["none"]["extents_per_file"].is_null() && !out["chunk"]["extents_per_file"].is_null()) {
    const double en = out["none"]["extents_per_file"].get<double>(), ec = out["chunk"]["extents_per_file"].get<double>();
    out["extents_ratio"] = en > 0 ? std::round(ec / en * 1000) / 1000 : 0.0;
  }
  return out;
}

}  // namespace shardlab
