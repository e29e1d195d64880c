#include "kinds/ids/ids_runner.h"

#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <map>
#include <unordered_set>

#include "core/elapsed.h"
#include "core/progress.h"
#include "core/round.h"
#include "kinds/ids/ids_spec.h"
#include "shards/layout.h"
#include "sqlite/sqlite_db.h"
#include "workloads/rng.h"

namespace shardlab {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kEpochMs = 1'700'000'000'000;  // ids count milliseconds from here (2023-11-14)

std::string Schema(const std::string& scheme) {
  if (scheme == "autoincrement") return "CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, row TEXT NOT NULL)";
  if (scheme == "uuid4" || scheme == "uuid7") return "CREATE TABLE t(id BLOB PRIMARY KEY, row TEXT NOT NULL)";
  return "CREATE TABLE t(id INTEGER PRIMARY KEY, row TEXT NOT NULL)";
}

// RFC 9562 layouts, bytes from the seed (reproducible): version and variant bits set.
std::string Uuid(Rng& rng, bool v7, uint64_t unix_ms) {
  unsigned char b[16];
  const uint64_t hi = rng.Next(), lo = rng.Next();
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
    b[8 + i] = static_cast<unsigned char>(lo >> (56 - 8 * i));
  }
  if (v7) {
    for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(unix_ms >> (40 - 8 * i));
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | (v7 ? 0x70 : 0x40));
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  return std::string(reinterpret_cast<const char*>(b), 16);
}

}  // namespace

uint64_t SnowflakeId(uint64_t ms, uint32_t shard, uint32_t sequence) {
  return ((ms & ((uint64_t{1} << 41) - 1)) << 22) | (uint64_t{shard & 0x3ff} << 12) | (sequence & 0xfff);
}
uint32_t SnowflakeShard(uint64_t id) { return static_cast<uint32_t>((id >> 12) & 0x3ff); }

StatusOr<Json> RunIds(const Scenario& s, const std::string& data_dir, Workspace& workspace) {
  const IdsSpec& ids = s.Spec<IdsSpec>();
  SHARDLAB_ASSIGN_OR_RETURN(KeySpace keys, KeySpace::Make(s.keys));
  SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<Router> router, MakeRouter(s.router, s.shards.count));
  const uint32_t n = s.shards.count;
  // Rows in insertion order, grouped by shard: every scheme inserts the same ones.
  std::vector<std::vector<std::string>> rows(n);
  KeyRef ref;
  for (uint64_t i = 0; i < keys.count(); ++i) {
    keys.Fill(i, router->UsesHash(), ref);
    rows[router->Route(ref.hash, ref.route)].push_back(ref.text);
  }
  Json out = Json::object();
  // In rows inserted, counted per shard outside the timed inserts.
  Progress progress("id rows", keys.count() * ids.schemes.size());
  for (const std::string& scheme : ids.schemes) {
    Rng rng(DeriveSeed(s.seed, "ids/" + scheme));
    std::unordered_set<std::string> seen_blobs;
    std::unordered_set<int64_t> seen_ints;
    uint64_t inserted = 0, collisions = 0, misrouted = 0, bytes = 0;
    std::map<std::string, Json> btrees;  // name -> {pages, unused_bytes}
    double seconds = 0;
    IoCounts io;  // over the timed inserts
    for (uint32_t shard = 0; shard < n; ++shard) {
      // Each scheme's shards are the set `<scheme>` in the scenario's layout and roots.
      const std::string path = ShardPath(s.shards, data_dir, shard, scheme);
      SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(ShardParentDir(path)));
      SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(path));
      SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(path));
      SHARDLAB_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=" + s.sqlite.journal_mode + "; PRAGMA synchronous=" +
                                       s.sqlite.synchronous + "; PRAGMA page_size=" + std::to_string(s.sqlite.page_size)));
      SHARDLAB_RETURN_IF_ERROR(db.Exec(Schema(scheme)));
      const bool auto_id = scheme == "autoincrement";
      SHARDLAB_ASSIGN_OR_RETURN(Stmt insert, db.Prepare(auto_id ? "INSERT INTO t(row) VALUES(?2) RETURNING id"
                                                               : "INSERT INTO t(id, row) VALUES(?1, ?2) RETURNING id"));
      // A deterministic clock: rows are written 10 per millisecond from the epoch on.
      const IoCounts io_before = IoCounts::Snapshot();
      const auto t0 = Clock::now();
      for (size_t i = 0; i < rows[shard].size(); ++i) {
        if (i % static_cast<size_t>(ids.batch_rows) == 0) {
          if (i > 0) SHARDLAB_RETURN_IF_ERROR(db.Exec("COMMIT"));
          SHARDLAB_RETURN_IF_ERROR(db.Exec("BEGIN"));
        }
        const uint64_t ms = kEpochMs + i / 10;
        std::string blob;
        if (scheme == "offsets") insert.BindInt(1, static_cast<int64_t>(shard + uint64_t{n} * (i + 1)));
        if (scheme == "snowflake") insert.BindInt(1, static_cast<int64_t>(SnowflakeId(ms - kEpochMs, shard, static_cast<uint32_t>(i % 10))));
        if (scheme == "uuid4" || scheme == "uuid7") {
          blob = Uuid(rng, scheme == "uuid7", ms);
          sqlite3_bind_blob(insert.get(), 1, blob.data(), 16, SQLITE_STATIC);
        }
        insert.BindText(2, rows[shard][i]);
        if (insert.Step() != SQLITE_ROW) return db.Error("insert an id");
        if (blob.empty()) {
          const int64_t id = insert.ColumnInt(0);
          if (!seen_ints.insert(id).second) ++collisions;
          if (scheme == "snowflake" && SnowflakeShard(static_cast<uint64_t>(id)) != shard) ++misrouted;
        } else if (!seen_blobs.insert(blob).second) {
          ++collisions;
        }
        insert.Reset();
        ++inserted;
      }
      if (!rows[shard].empty()) SHARDLAB_RETURN_IF_ERROR(db.Exec("COMMIT"));
      seconds += SecondsSince(t0);
      insert = Stmt();
      io += IoCounts::Snapshot() - io_before;
      SHARDLAB_ASSIGN_OR_RETURN(Stmt stat, db.Prepare("SELECT name, count(*), sum(unused) FROM dbstat GROUP BY name"));
      while (stat.Step() == SQLITE_ROW) {
        Json& b = btrees[std::string(stat.ColumnText(0))];
        if (b.is_null()) b = {{"pages", 0}, {"unused_bytes", 0}};
        b["pages"] = b["pages"].get<int64_t>() + stat.ColumnInt(1);
        b["unused_bytes"] = b["unused_bytes"].get<int64_t>() + stat.ColumnInt(2);
      }
      db.Close();
      struct stat st;
      if (::stat(path.c_str(), &st) == 0) bytes += static_cast<uint64_t>(st.st_size);
      progress.Add(rows[shard].size());
    }
    Json tree = Json::object();
    int64_t pages = 0;
    for (auto& [name, b] : btrees) {
      pages += b["pages"].get<int64_t>();
      const double capacity = static_cast<double>(b["pages"].get<int64_t>()) * static_cast<double>(s.sqlite.page_size);
      b["fill"] = capacity > 0 ? RoundDigits(1.0 - static_cast<double>(b["unused_bytes"].get<int64_t>()) / capacity, 4) : 0.0;
      tree[name] = b;
    }
    Json m = {{"rows", inserted},
              {"collisions", collisions},
              {"distinct_ids", inserted - collisions},
              {"rows_per_s", RoundDigits(static_cast<double>(inserted) / std::max(seconds, 1e-9), 0)},
              {"bytes_on_disk", bytes},
              {"bytes_per_row", RoundDigits(static_cast<double>(bytes) / std::max<double>(1, static_cast<double>(inserted)), 1)},
              {"btree_pages", pages},
              {"btrees", tree},
              {"io_per_row", io.PerOp(static_cast<int64_t>(inserted))}};
    if (scheme == "snowflake") m["self_routing_failures"] = misrouted;
    out[scheme] = m;
  }
  return Json{{"schemes", out}, {"rows", keys.count()}, {"shards", n}};
}

}  // namespace shardlab
