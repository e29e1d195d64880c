#include "kinds/workload/workload_spec.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "core/enum_table.h"
#include "core/str_format.h"
#include "shards/kv_schema.h"
#include "sqlite/sqlite_db.h"
#include "sqlite/sqlite_facts.h"
#include "workloads/key_template.h"

namespace shardlab {
namespace {

constexpr EnumName<OpType> kOpNames[] = {{OpType::kGet, "get"},         {OpType::kPut, "put"},
                                         {OpType::kScan, "scan"},       {OpType::kScatter, "scatter"},
                                         {OpType::kAttachUnion, "attach_union"}, {OpType::kWalk, "walk"}};

void ReadQuery(FieldReader& r, const QuerySpec& defaults, QuerySpec& out) {
  out.where = r.String("where", defaults.where);
  out.param = r.String("param", defaults.param);
}

void ReadMix(FieldReader& w, WorkloadSpec& out) {
  const Json* mix = w.Raw("mix");
  if (mix == nullptr) {
    w.Resolve("mix", Json::object());
    return;
  }
  w.Resolve("mix", *mix);
  if (!mix->is_object()) {
    w.Problem("mix", "found " + DescribeJsonValue(*mix) + "; expected an object of operation weights, like {\"get\": 0.9, \"put\": 0.1}");
    return;
  }
  double total = 0;
  for (auto it = mix->begin(); it != mix->end(); ++it) {
    const auto op = ParseOp(it.key());
    const std::string path = w.PathOf("mix") + "." + it.key();
    if (!op) {
      w.problems()->Add(path, "unknown operation; expected get, put, scan, scatter, attach_union or walk");
      continue;
    }
    if (!it->is_number() || it->get<double>() < 0 || !std::isfinite(it->get<double>())) {
      w.problems()->Add(path, "found " + DescribeJsonValue(*it) + "; expected a weight >= 0");
      continue;
    }
    if (it->get<double>() > 0) {
      out.mix.emplace_back(*op, it->get<double>());
      total += it->get<double>();
    }
  }
  for (auto& [op, weight] : out.mix) weight /= total;
}

void ReadWalk(FieldReader r, WalkSpec& out) {
  // An empty list is its own problem; a missing or mistyped one is reported by IntList.
  size_t before = r.problems()->lines().size();
  out.shards = r.IntList("shards", std::nullopt, 1, 1'000'000);
  if (out.shards.empty() && r.problems()->lines().size() == before) {
    r.Problem("shards", "found an empty array; expected shard counts to walk, like [10, 50, 100]");
  }
  before = r.problems()->lines().size();
  out.fanout_threads = r.IntList("fanout_threads", std::vector<int64_t>{1}, 1, 256);
  if (out.fanout_threads.empty() && r.problems()->lines().size() == before) {
    r.Problem("fanout_threads", "found an empty array; expected thread counts, like [1, 2]");
  }
  out.iterations = r.Int("iterations", 200, 1, 100'000'000);
  out.repetitions = r.Int("repetitions", 1, 1, 100);
  out.single_file = r.Bool("single_file", false);
  out.postgres = r.Bool("postgres", false);
  r.Finish();
}

void ReadProbe(FieldReader& r, const QuerySpec& query, ProbeSpec& out) {
  out.name = r.String("name", std::nullopt);
  const auto op = ParseOp(r.Choice("op", std::nullopt, {"get", "scan", "scatter", "attach_union", "walk"}));
  if (op) out.op = *op;
  if (out.op == OpType::kGet || out.op == OpType::kScan) {
    if (r.Has("key")) out.key = r.String("key", "");
    if (r.Has("index")) out.index = static_cast<uint64_t>(r.Int("index", 0, 0));
    if (out.key.has_value() == out.index.has_value()) {
      r.Problem("key", "expected exactly one of key (the key text) or index (the item whose key to use)");
    }
  } else {
    ReadQuery(r, query, out.query);
    if (out.op == OpType::kWalk) out.walk_shards = static_cast<uint32_t>(r.Int("shards", std::nullopt, 1, 1'000'000));
  }
}

Status CheckSql(Db& db, const std::string& sql) {
  auto stmt = db.Prepare(sql);
  return stmt.ok() ? Status::Ok() : stmt.status();
}

}  // namespace

const char* OpName(OpType op) { return NameOf(kOpNames, op); }
std::optional<OpType> ParseOp(std::string_view name) { return ValueOf(kOpNames, name); }

WorkloadSpec ReadWorkloadSpec(FieldReader& root) {
  WorkloadSpec out;
  FieldReader w = root.Object("workload");
  out.value_format = w.String("value_format", "value-{i}");
  out.index_values = w.Bool("index_values", false);
  out.load_batch = w.Int("load_batch", 1000, 1, 10'000'000);
  ReadMix(w, out);
  out.ops = w.Int("ops", 0, 0);
  out.warmup_ops = w.Int("warmup_ops", 0, 0);
  out.repetitions = w.Int("repetitions", 1, 1, 1000);
  out.threads = w.Int("threads", 1, 1, 256);
  out.scan_length = w.Int("scan_length", 10, 1, 1'000'000);
  out.fanout_threads = w.Int("fanout_threads", 1, 1, 256);
  {
    FieldReader q = w.Object("query");
    QuerySpec defaults;
    defaults.param = out.value_format;
    ReadQuery(q, defaults, out.query);
    q.Finish();
  }
  if (w.Has("walk")) ReadWalk(w.Object("walk"), out.walk);
  w.ForEachObject("probes", false, [&](FieldReader& r, size_t) {
    ProbeSpec probe;
    ReadProbe(r, out.query, probe);
    out.probes.push_back(std::move(probe));
  });
  w.Finish();
  return out;
}

void CheckWorkloadSpec(const Scenario& s, Problems& problems) {
  const WorkloadSpec& w = s.Spec<WorkloadSpec>();
  const bool has_mix = !w.mix.empty();
  if (w.ops > 0 && !has_mix) problems.Add("workload.mix", "workload.ops is " + std::to_string(w.ops) + " but no operation has a weight > 0");
  if (w.ops == 0 && has_mix) problems.Add("workload.ops", "found 0 but a mix is given; expected the number of timed operations");
  if (w.ops > 0 && w.ops < w.threads) {
    problems.Add("workload.ops", "found " + std::to_string(w.ops) + "; expected at least one per thread (" +
                                     std::to_string(w.threads) + " threads)");
  }

  auto uses = [&](OpType op) {
    return std::any_of(w.mix.begin(), w.mix.end(), [&](const auto& m) { return m.first == op; }) ||
           std::any_of(w.probes.begin(), w.probes.end(), [&](const ProbeSpec& p) { return p.op == op; });
  };
  if (uses(OpType::kAttachUnion)) {
    const int limit = LinkedAttachLimit();
    if (static_cast<int64_t>(s.shards.count) > limit) {
      problems.Add("workload", "attach_union attaches all " + std::to_string(s.shards.count) +
                                   " shards to one connection, but the linked SQLite " + SqliteVersion() +
                                   " attaches at most " + std::to_string(limit) +
                                   " (SQLITE_LIMIT_ATTACHED, compile-time SQLITE_MAX_ATTACHED); use at most " +
                                   std::to_string(limit) + " shards or drop attach_union");
    }
  }
  if (uses(OpType::kWalk) && w.walk.shards.empty()) {
    if (std::any_of(w.mix.begin(), w.mix.end(), [](const auto& m) { return m.first == OpType::kWalk; })) {
      problems.Add("workload.walk", "missing; the mix has walk, which needs walk.shards");
    }
  }
  for (int64_t k : w.walk.shards) {
    if (k > static_cast<int64_t>(s.shards.count)) {
      problems.Add("workload.walk.shards", "found " + std::to_string(k) + "; a walk visits at most shards.count (" +
                                               std::to_string(s.shards.count) + ") shards");
    }
  }

  // Templates and SQL are checked here, against the real schema, so a typo is exit 2
  // and not a failure halfway through a run.
  auto check_template = [&](const std::string& path, const std::string& text) {
    if (auto t = KeyTemplate::Compile(text); !t.ok()) problems.Add(path, t.status().message());
  };
  check_template("workload.value_format", w.value_format);
  auto db = Db::Open(":memory:");
  if (!db.ok() || !db->Exec(KvSchemaSql(s.keys.integer_keys, w.index_values)).ok()) {
    problems.Add("", "cannot create the kv schema in an in-memory SQLite database");
    return;
  }
  auto check_query = [&](const std::string& path, const QuerySpec& q) {
    check_template(path + ".param", q.param);
    if (Status st = CheckSql(*db, ShardQuerySql(q.where)); !st.ok()) problems.Add(path + ".where", st.message());
  };
  check_query("workload.query", w.query);

  std::set<std::string> names;
  for (size_t i = 0; i < w.probes.size(); ++i) {
    const ProbeSpec& p = w.probes[i];
    const std::string path = "workload.probes[" + std::to_string(i) + "]";
    if (!IsWordOf(p.name, "_")) {
      problems.Add(path + ".name", "found \"" + p.name + "\"; expected letters, digits and '_' (it is a metric name)");
    }
    if (!names.insert(p.name).second) problems.Add(path + ".name", "\"" + p.name + "\" is used by an earlier probe");
    if (p.index && *p.index >= s.keys.count) {
      problems.Add(path + ".index", "found " + std::to_string(*p.index) + "; expected an item index below keys.count (" +
                                        std::to_string(s.keys.count) + ")");
    }
    if (p.key && !s.keys.route_format.empty()) {
      problems.Add(path + ".key", "keys are routed by keys.route_format, which a key text cannot give; use index");
    }
    if (p.key && s.keys.integer_keys) {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(p.key->data(), p.key->data() + p.key->size(), v);
      if (ec != std::errc() || end != p.key->data() + p.key->size()) {
        problems.Add(path + ".key", "found \"" + *p.key + "\"; keys.type is integer, so expected an integer key");
      }
    }
    if (p.op == OpType::kScatter || p.op == OpType::kAttachUnion || p.op == OpType::kWalk) check_query(path, p.query);
    if (p.op == OpType::kWalk && p.walk_shards > s.shards.count) {
      problems.Add(path + ".shards", "found " + std::to_string(p.walk_shards) + "; at most shards.count (" +
                                         std::to_string(s.shards.count) + ")");
    }
  }
}

const std::set<std::string>& WorkloadMetricRoots() {
  static const std::set<std::string> kRoots = {"shards", "load",   "per_shard_counts", "balance", "throughput",
                                               "ops",    "probes", "attach",           "walk",    "postgres",
                                               "io_per_op"};
  return kRoots;
}

void CheckWorkloadMetric(const Scenario& s, const std::string& metric, const std::string& path, Problems& problems) {
  const WorkloadSpec& w = s.Spec<WorkloadSpec>();
  const size_t dot = metric.find('.');
  if (dot == std::string::npos) return;
  const std::string root = metric.substr(0, std::min(dot, metric.find('[')));
  const std::string second = metric.substr(dot + 1, metric.find('.', dot + 1) - dot - 1);
  if (root == "probes" &&
      std::none_of(w.probes.begin(), w.probes.end(), [&](const ProbeSpec& p) { return p.name == second; })) {
    problems.Add(path, "found \"" + metric + "\"; no probe is named \"" + second + "\"");
  }
  const bool postgres_metric = root == "postgres" || (root == "walk" && metric.find(".postgres") != std::string::npos);
  if (postgres_metric && !w.walk.postgres) {
    problems.Add(path, "found \"" + metric + "\"; the PostgreSQL peer's metrics need workload.walk.postgres: true");
  }
  if (root == "ops" && std::none_of(w.mix.begin(), w.mix.end(), [&](const auto& m) { return second == OpName(m.first); })) {
    problems.Add(path, "found \"" + metric + "\"; operation \"" + second + "\" is not in workload.mix");
  }
}

void ApplyWorkloadQuickMode(Scenario& s) {
  WorkloadSpec& w = s.MutableSpec<WorkloadSpec>();
  w.repetitions = 1;
  w.warmup_ops = std::min<int64_t>(w.warmup_ops, 200);
  if (w.ops > 0) w.ops = std::max<int64_t>(std::min<int64_t>(w.ops, 2000), w.threads);
  w.walk.iterations = std::min<int64_t>(w.walk.iterations, 20);
  Json& r = s.resolved["workload"];
  r["repetitions"] = w.repetitions;
  r["warmup_ops"] = w.warmup_ops;
  r["ops"] = w.ops;
  w.walk.repetitions = std::min<int64_t>(w.walk.repetitions, 3);
  if (r.contains("walk")) {
    r["walk"]["iterations"] = w.walk.iterations;
    r["walk"]["repetitions"] = w.walk.repetitions;
  }
}

}  // namespace shardlab
