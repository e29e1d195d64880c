#include "kinds/concurrency/concurrency_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <latch>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "core/elapsed.h"
#include "core/histogram.h"
#include "core/progress.h"
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

// The files of one (journal mode, layout): every key in one file, or spread by the router;
// in the scenario's shards layout and roots, as the set `<mode>-<layout>` in each root.
StatusOr<ShardSet> MakeFiles(const Scenario& s, const std::string& mode, bool one_file, const std::string& data_dir,
                             const std::string& set_name, const KeySpace& keys, const Router& router,
                             Workspace& workspace) {
  ShardsSpec shards = s.shards;
  if (one_file) shards.count = 1;
  SqliteSpec sqlite = s.sqlite;
  sqlite.journal_mode = mode;
  SHARDLAB_ASSIGN_OR_RETURN(ShardSet set,
                            ShardSet::Create(shards, sqlite, data_dir, KvSchemaSql(false, false), workspace, set_name));
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

// One timed window of one cell: the cell's JSON and its latencies (to merge repetitions).
struct Window1 {
  Json cell;
  LatencyHistogram writes, reads;
  double write_ops_per_s = 0;
  IoCounts io;  // what the window's statements asked of the disk and the VM
};

StatusOr<Window1> RunWindow(const Scenario& s, const ShardSet& files, const KeySpace& keys, const Router& router,
                            const std::string& mode, const std::string& layout, int64_t w, int64_t rep) {
  const ConcurrencySpec& c = s.Spec<ConcurrencySpec>();
  const bool one_file = layout == "one_file";
  const int64_t threads = w + c.readers;
  Window window{std::latch(threads + 1)};
  std::vector<ThreadOut> outs(static_cast<size_t>(threads));
  for (ThreadOut& o : outs) o.busy_stats.timeout_ms = s.sqlite.busy_timeout_ms;
  std::vector<std::thread> pool;
  // Repetition 0 keeps the seeds of a run without repetitions.
  const std::string label = mode + "/" + layout + (rep > 0 ? "/rep" + std::to_string(rep) : "");
  for (int64_t t = 0; t < threads; ++t) {
    const uint64_t seed = DeriveSeed(s.seed, label, static_cast<uint64_t>(w), static_cast<uint64_t>(t));
    pool.emplace_back(RunThread, std::cref(files), std::cref(keys), std::cref(router), one_file, t < w, seed,
                      std::ref(window), std::ref(outs[static_cast<size_t>(t)]));
  }
  window.start.arrive_and_wait();
  const IoCounts io_before = IoCounts::Snapshot();
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(c.duration_s));
  window.stop = true;
  for (std::thread& t : pool) t.join();
  const double seconds = SecondsSince(t0);
  Window1 out;
  out.io = IoCounts::Snapshot() - io_before;
  uint64_t writes = 0, reads = 0, busy = 0, locked = 0, wait_ns = 0, writer_active_ns = 0;
  uint64_t waits[2] = {0, 0};  // [writers, readers]
  for (int64_t t = 0; t < threads; ++t) {
    const ThreadOut& o = outs[static_cast<size_t>(t)];
    SHARDLAB_RETURN_IF_ERROR(o.error);
    (t < w ? out.writes : out.reads).Merge(o.latency);
    (t < w ? writes : reads) += o.ops;
    busy += o.busy;
    locked += o.locked;
    waits[t < w ? 0 : 1] += o.busy_stats.waits;
    if (t < w) writer_active_ns += o.active_ns;
    wait_ns += o.busy_stats.wait_ns;
  }
  out.write_ops_per_s = static_cast<double>(writes) / seconds;
  out.cell = {{"writers", w},
              {"readers", c.readers},
              {"files", files.count()},
              {"seconds", seconds},
              {"writes", writes},
              {"reads", reads},
              {"write_ops_per_s", RoundDigits(out.write_ops_per_s, 1)},
              {"read_ops_per_s", RoundDigits(static_cast<double>(reads) / seconds, 1)},
              {"busy_returns", busy},
              {"locked_returns", locked},
              {"busy_waits", waits[0] + waits[1]},
              {"writer_busy_waits", waits[0]},
              {"reader_busy_waits", waits[1]},
              {"busy_wait_ms", static_cast<double>(wait_ns) / 1e6},
              // Writers in their statements at once, on average. Writers that hold
              // one lock in turn cannot exceed 1 (plus scheduling slack), whatever
              // the disk's speed; measured in the window itself, unlike scaling.
              {"writer_overlap", RoundDigits(static_cast<double>(writer_active_ns) / 1e9 / seconds, 3)}};
  return out;
}

double MedianOf(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.empty() ? 0 : v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// The timed figures of a cell whose per-window values are published as its samples.
constexpr const char* kCellTimed[] = {"write_ops_per_s", "read_ops_per_s", "writer_overlap"};

// One cell over its repetitions: counts, waits and time summed, latencies merged; the
// rates and the writer overlap are the median window's, each window's value in `samples`
// (when there is more than one).
Json MergeWindows(const std::vector<Window1>& windows) {
  Json cell = windows.front().cell;
  LatencyHistogram wl = windows.front().writes, rl = windows.front().reads;
  IoCounts io = windows.front().io;
  for (size_t i = 1; i < windows.size(); ++i) {
    const Json& c = windows[i].cell;
    io += windows[i].io;
    for (const char* key : {"writes", "reads", "busy_returns", "locked_returns", "busy_waits", "writer_busy_waits",
                            "reader_busy_waits"}) {
      cell[key] = cell[key].get<uint64_t>() + c[key].get<uint64_t>();
    }
    for (const char* key : {"seconds", "busy_wait_ms"}) cell[key] = cell[key].get<double>() + c[key].get<double>();
    wl.Merge(windows[i].writes);
    rl.Merge(windows[i].reads);
  }
  cell["seconds"] = RoundDigits(cell["seconds"].get<double>(), 3);
  cell["busy_wait_ms"] = RoundDigits(cell["busy_wait_ms"].get<double>(), 1);
  if (windows.size() > 1) {
    cell["repetitions"] = windows.size();
    for (const char* key : kCellTimed) {
      std::vector<double> xs;
      for (const Window1& w : windows) xs.push_back(w.cell[key].get<double>());
      cell[key] = MedianOf(xs);
      cell["samples"][key] = xs;
    }
  }
  if (wl.count() > 0) cell["write_latency_us"] = wl.ToJsonMicros();
  if (rl.count() > 0) cell["read_latency_us"] = rl.ToJsonMicros();
  // Readers' and writers' statements together, over the timed windows (not gated: how
  // many of each ran, and what they waited for, is timing).
  cell["io_per_op"] = io.PerOp(cell["writes"].get<int64_t>() + cell["reads"].get<int64_t>());
  return cell;
}

// a / b per repetition, rounded like the ratios; 0 where b is 0.
std::vector<double> PairedRatios(const std::vector<Window1>& a, const std::vector<Window1>& b) {
  std::vector<double> out;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    out.push_back(b[i].write_ops_per_s > 0 ? RoundDigits(a[i].write_ops_per_s / b[i].write_ops_per_s, 3) : 0.0);
  }
  return out;
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
  const std::string max_key = "writers_" + std::to_string(max_w), min_key = "writers_" + std::to_string(min_w);
  // In timed windows (each c.duration_s long), drawn between windows, never inside one.
  Progress progress("windows", static_cast<uint64_t>(c.journal_modes.size() * c.layouts.size() * c.writers.size()) *
                                   static_cast<uint64_t>(c.repetitions));
  for (const std::string& mode : c.journal_modes) {
    // Both layouts' files first, then each repetition measures every cell of the mode in
    // turn, so that repetition r of one layout and of the other are close in time (the
    // ratios are paired by repetition).
    std::vector<ShardSet> files;
    for (const std::string& layout : c.layouts) {
      SHARDLAB_ASSIGN_OR_RETURN(ShardSet set, MakeFiles(s, mode, layout == "one_file", data_dir, mode + "-" + layout, keys,
                                                       *router, workspace));
      files.push_back(std::move(set));
    }
    std::map<std::string, std::map<std::string, std::vector<Window1>>> windows;  // [layout][writers_N]
    for (int64_t rep = 0; rep < c.repetitions; ++rep) {
      for (size_t l = 0; l < c.layouts.size(); ++l) {
        for (int64_t w : c.writers) {
          SHARDLAB_ASSIGN_OR_RETURN(Window1 one, RunWindow(s, files[l], keys, *router, mode, c.layouts[l], w, rep));
          windows[c.layouts[l]]["writers_" + std::to_string(w)].push_back(std::move(one));
          progress.Add(1);
        }
      }
    }
    for (const std::string& layout : c.layouts) {
      for (int64_t w : c.writers) {
        const std::string wk = "writers_" + std::to_string(w);
        cells[mode][layout][wk] = MergeWindows(windows[layout][wk]);
      }
      const Json& by_w = cells[mode][layout];
      const double lo = by_w[min_key]["write_ops_per_s"].get<double>();
      const double hi = by_w[max_key]["write_ops_per_s"].get<double>();
      if (lo > 0 && max_w > min_w) {
        const std::string key = layout + "_" + max_key + "_over_" + std::to_string(min_w);
        scaling[mode][key] = RoundDigits(hi / lo, 3);
        if (c.repetitions > 1) scaling[mode]["samples"][key] = PairedRatios(windows[layout][max_key], windows[layout][min_key]);
      }
    }
    if (cells[mode].contains("one_file") && cells[mode].contains("shards")) {
      const double one = cells[mode]["one_file"][max_key]["write_ops_per_s"].get<double>();
      const double many = cells[mode]["shards"][max_key]["write_ops_per_s"].get<double>();
      if (one > 0) {
        const std::string key = "shards_over_one_file_" + max_key;
        scaling[mode][key] = RoundDigits(many / one, 3);
        if (c.repetitions > 1) {
          scaling[mode]["samples"][key] = PairedRatios(windows["shards"][max_key], windows["one_file"][max_key]);
        }
      }
    }
  }
  return Json{{"cells", cells}, {"scaling", scaling}};
}


}  // namespace shardlab
