#include "kinds/concurrency/concurrency_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <latch>
#include <memory>
#include <sstream>
#include <thread>

#include "core/elapsed.h"
#include "core/histogram.h"
#include "core/round.h"
#include "kinds/concurrency/concurrency_spec.h"
#include "shards/kv_schema.h"
#include "shards/shard_set.h"
#include "sqlite/io_counter.h"
#include "workloads/rng.h"

namespace shardlab {
namespace {

using Clock = std::chrono::steady_clock;

// The busy handler SQLite's busy_timeout installs (its delays, its timeout), counting each
// wait and its length so the result can say how long threads queued for a lock.
struct BusyStats {
  int64_t timeout_ms = 0;
  uint64_t waits = 0;
  uint64_t wait_ns = 0;
};

int CountingBusyHandler(void* ctx, int count) {
  static constexpr int kDelays[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
  static constexpr int kTotals[] = {0, 1, 3, 8, 18, 33, 53, 78, 103, 128, 178, 228};
  auto* stats = static_cast<BusyStats*>(ctx);
  constexpr int n = static_cast<int>(std::size(kDelays));
  int delay = count < n ? kDelays[count] : kDelays[n - 1];
  const int64_t prior = count < n ? kTotals[count] : kTotals[n - 1] + int64_t{delay} * (count - (n - 1));
  if (prior + delay > stats->timeout_ms) {
    delay = static_cast<int>(stats->timeout_ms - prior);
    if (delay <= 0) return 0;  // give up: the statement returns SQLITE_BUSY
  }
  ++stats->waits;
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  stats->wait_ns += NanosSince(t0);
  return 1;
}

struct ThreadOut {
  LatencyHistogram latency;
  uint64_t ops = 0, busy = 0, locked = 0;
  uint64_t active_ns = 0;  // time inside statements, less the busy handler's sleeps
  BusyStats busy_stats;
  Status error;
};

// Every thread opens its connections before `start` releases them all with the clock, so
// that the timed window holds only statements: opening a connection runs pragmas that wait
// for locks under SQLite's own (uncounted) busy handler, and inside the window that hid
// whole seconds of queueing.
struct Window {
  std::latch start;  // the threads and the timer
  std::atomic<bool> stop{false};
};

struct Conn {
  Db db;
  Stmt stmt;
};

// One thread: its own connection to every file it touches, opened before the window; then
// random rows until `stop`.
void RunThread(const ShardSet& files, const KeySpace& keys, const Router& router, bool one_file, bool writer,
               uint64_t seed, Window& window, ThreadOut& out) {
  std::vector<std::unique_ptr<Conn>> conns;
  for (uint32_t f = 0; f < (one_file ? 1 : files.count()) && out.error.ok(); ++f) {
    auto db = ShardSet::ConnectPath(files.path(f), files.sqlite());
    if (!db.ok()) {
      out.error = db.status();
      break;
    }
    auto stmt = db->Prepare(writer ? "UPDATE kv SET v = ?2 WHERE k = ?1" : "SELECT v FROM kv WHERE k = ?1");
    if (!stmt.ok()) {
      out.error = stmt.status();
      break;
    }
    // Replaces the handler busy_timeout installed: same delays, but counted.
    sqlite3_busy_handler(db->get(), CountingBusyHandler, &out.busy_stats);
    conns.push_back(std::make_unique<Conn>(Conn{std::move(db).value(), std::move(stmt).value()}));
  }
  window.start.arrive_and_wait();
  if (!out.error.ok()) return;
  Rng rng(seed);
  KeyRef ref;
  const std::string value(64, writer ? 'w' : 'r');
  while (!window.stop.load(std::memory_order_relaxed)) {
    keys.Fill(rng.Below(keys.count()), router.UsesHash(), ref);
    Conn& conn = *conns[one_file ? 0 : router.Route(ref.hash, ref.route)];
    conn.stmt.BindText(1, ref.text);
    if (writer) conn.stmt.BindText(2, value);
    const uint64_t slept_before = out.busy_stats.wait_ns;
    const auto t0 = Clock::now();
    int rc;
    while ((rc = conn.stmt.Step()) == SQLITE_ROW) {
    }
    const uint64_t ns = NanosSince(t0);
    conn.stmt.Reset();
    out.active_ns += ns - (out.busy_stats.wait_ns - slept_before);
    if (rc == SQLITE_DONE) {
      out.latency.Record(ns);
      ++out.ops;
    } else if ((rc & 0xff) == SQLITE_BUSY) {
      ++out.busy;  // waited busy_timeout_ms and gave up
    } else if ((rc & 0xff) == SQLITE_LOCKED) {
      ++out.locked;
    } else {
      out.error = conn.db.Error(writer ? "update" : "read");
      return;
    }
  }
}

// The files of one (journal mode, layout): every key in one file, or spread by the router.
StatusOr<ShardSet> MakeFiles(const Scenario& s, const std::string& mode, bool one_file, const std::string& dir,
                             const KeySpace& keys, const Router& router, Workspace& workspace) {
  ShardsSpec shards = s.shards;
  if (one_file) shards.count = 1;
  SqliteSpec sqlite = s.sqlite;
  sqlite.journal_mode = mode;
  SHARDLAB_ASSIGN_OR_RETURN(ShardSet set, ShardSet::Create(shards, sqlite, dir, KvSchemaSql(false, false), workspace));
  std::vector<Db> dbs;
  std::vector<Stmt> inserts;
  for (uint32_t f = 0; f < set.count(); ++f) {
    SHARDLAB_ASSIGN_OR_RETURN(Db db, set.Connect(f));
    SHARDLAB_RETURN_IF_ERROR(db.Exec("BEGIN"));
    SHARDLAB_ASSIGN_OR_RETURN(Stmt insert, db.Prepare("INSERT INTO kv VALUES(?1, 'initial')"));
    dbs.push_back(std::move(db));
    inserts.push_back(std::move(insert));
  }
  KeyRef ref;
  for (uint64_t i = 0; i < keys.count(); ++i) {
    keys.Fill(i, router.UsesHash(), ref);
    const uint32_t f = one_file ? 0 : router.Route(ref.hash, ref.route);
    inserts[f].BindText(1, ref.text);
    if (inserts[f].Step() != SQLITE_DONE) return dbs[f].Error("load");
    inserts[f].Reset();
  }
  inserts.clear();
  for (Db& db : dbs) SHARDLAB_RETURN_IF_ERROR(db.Exec("COMMIT"));
  return set;
}

}  // namespace

StatusOr<Json> RunConcurrency(const Scenario& s, const std::string& data_dir, Workspace& workspace) {
  const ConcurrencySpec& c = s.Spec<ConcurrencySpec>();
  SHARDLAB_ASSIGN_OR_RETURN(KeySpace keys, KeySpace::Make(s.keys));
  SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<Router> router, MakeRouter(s.router, s.shards.count));
  Json cells = Json::object();
  Json scaling = Json::object();
  const int64_t max_w = *std::max_element(c.writers.begin(), c.writers.end());
  const int64_t min_w = *std::min_element(c.writers.begin(), c.writers.end());
  for (const std::string& mode : c.journal_modes) {
    for (const std::string& layout : c.layouts) {
      const bool one_file = layout == "one_file";
      SHARDLAB_ASSIGN_OR_RETURN(ShardSet files, MakeFiles(s, mode, one_file, data_dir + "/" + mode + "-" + layout, keys,
                                                         *router, workspace));
      for (int64_t w : c.writers) {
        const int64_t threads = w + c.readers;
        Window window{std::latch(threads + 1)};
        std::vector<ThreadOut> outs(static_cast<size_t>(threads));
        for (ThreadOut& o : outs) o.busy_stats.timeout_ms = s.sqlite.busy_timeout_ms;
        std::vector<std::thread> pool;
        for (int64_t t = 0; t < threads; ++t) {
          const uint64_t seed = DeriveSeed(s.seed, mode + "/" + layout, static_cast<uint64_t>(w), static_cast<uint64_t>(t));
          pool.emplace_back(RunThread, std::cref(files), std::cref(keys), std::cref(*router), one_file, t < w, seed,
                            std::ref(window), std::ref(outs[static_cast<size_t>(t)]));
        }
        window.start.arrive_and_wait();
        const IoCounts io_before = IoCounts::Snapshot();
        const auto t0 = Clock::now();
        std::this_thread::sleep_for(std::chrono::duration<double>(c.duration_s));
        window.stop = true;
        for (std::thread& t : pool) t.join();
        const IoCounts io = IoCounts::Snapshot() - io_before;
        const double seconds = SecondsSince(t0);
        LatencyHistogram wl, rl;
        uint64_t writes = 0, reads = 0, busy = 0, locked = 0, wait_ns = 0, writer_active_ns = 0;
        uint64_t waits[2] = {0, 0};  // [writers, readers]
        for (int64_t t = 0; t < threads; ++t) {
          const ThreadOut& o = outs[static_cast<size_t>(t)];
          SHARDLAB_RETURN_IF_ERROR(o.error);
          (t < w ? wl : rl).Merge(o.latency);
          (t < w ? writes : reads) += o.ops;
          busy += o.busy;
          locked += o.locked;
          waits[t < w ? 0 : 1] += o.busy_stats.waits;
          if (t < w) writer_active_ns += o.active_ns;
          wait_ns += o.busy_stats.wait_ns;
        }
        Json cell = {{"writers", w},
                     {"readers", c.readers},
                     {"files", files.count()},
                     {"seconds", RoundDigits(seconds, 3)},
                     {"writes", writes},
                     {"reads", reads},
                     {"write_ops_per_s", RoundDigits(static_cast<double>(writes) / seconds, 1)},
                     {"read_ops_per_s", RoundDigits(static_cast<double>(reads) / seconds, 1)},
                     {"busy_returns", busy},
                     {"locked_returns", locked},
                     {"busy_waits", waits[0] + waits[1]},
                     {"writer_busy_waits", waits[0]},
                     {"reader_busy_waits", waits[1]},
                     {"busy_wait_ms", RoundDigits(static_cast<double>(wait_ns) / 1e6, 1)},
                     // Writers in their statements at once, on average. Writers that hold
                     // one lock in turn cannot exceed 1 (plus scheduling slack), whatever
                     // the disk's speed; measured in the window itself, unlike scaling.
                     {"writer_overlap", RoundDigits(static_cast<double>(writer_active_ns) / 1e9 / seconds, 3)}};
        if (writes > 0) cell["write_latency_us"] = wl.ToJsonMicros();
        if (reads > 0) cell["read_latency_us"] = rl.ToJsonMicros();
        // Readers' and writers' statements together, over the timed window (not gated:
        // how many of each ran, and what they waited for, is timing).
        cell["io_per_op"] = io.PerOp(static_cast<int64_t>(writes + reads));
        cells[mode][layout]["writers_" + std::to_string(w)] = cell;
      }
      const Json& by_w = cells[mode][layout];
      const double lo = by_w["writers_" + std::to_string(min_w)]["write_ops_per_s"].get<double>();
      const double hi = by_w["writers_" + std::to_string(max_w)]["write_ops_per_s"].get<double>();
      if (lo > 0 && max_w > min_w) {
        scaling[mode][layout + "_writers_" + std::to_string(max_w) + "_over_" + std::to_string(min_w)] = RoundDigits(hi / lo, 3);
      }
    }
    if (cells[mode].contains("one_file") && cells[mode].contains("shards")) {
      const std::string wk = "writers_" + std::to_string(max_w);
      const double one = cells[mode]["one_file"][wk]["write_ops_per_s"].get<double>();
      const double many = cells[mode]["shards"][wk]["write_ops_per_s"].get<double>();
      if (one > 0) scaling[mode]["shards_over_one_file_" + wk] = RoundDigits(many / one, 3);
    }
  }
  return Json{{"cells", cells}, {"scaling", scaling}};
}


}  // namespace shardlab
