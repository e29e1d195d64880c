#include "kinds/reshard/reshard_spec.h"

#include <set>

#include "core/json.h"
#include "scenario/metric_shape.h"
#include "workloads/movement.h"

namespace shardlab {
namespace {

// One entry of reshard.routers; a ring with a list of vnode counts becomes one router each.
void ReadRouterEntry(FieldReader& r, HashKind key_hash, std::vector<ReshardRouter>& out) {
  RouterSpec spec;
  spec.type = r.Choice("type", std::nullopt, {"mod", "ring", "jump", "rendezvous"});
  const std::string name = r.String("name", "");
  std::vector<int64_t> vnodes;
  if (spec.type == "ring") {
    const std::string compat = r.Choice("compat", "none", {"none", "blog"});
    const bool blog = compat == "blog";
    const Json* v = r.Raw("vnodes");
    if (v == nullptr) {
      vnodes = {100};
    } else if (v->is_number_integer()) {
      vnodes = {v->get<int64_t>()};
    } else if (v->is_array() && !v->empty() && std::all_of(v->begin(), v->end(), [](const Json& x) { return x.is_number_integer(); })) {
      vnodes = v->get<std::vector<int64_t>>();
    } else {
      r.Problem("vnodes", "found " + DescribeJsonValue(*v) + "; expected a vnode count or a non-empty array of them");
    }
    for (int64_t n : vnodes) {
      if (n < 1 || n > 100'000) r.Problem("vnodes", "found " + std::to_string(n) + "; expected 1 to 100000");
    }
    r.Resolve("vnodes", vnodes.size() == 1 ? Json(vnodes[0]) : Json(vnodes));
    spec.point_hash = *ParseHashKind(r.Choice("point_hash", blog ? "sha256" : HashKindName(key_hash), {"xxh3", "sha256", "fnv1a"}));
    if (blog && (vnodes != std::vector<int64_t>{100} || spec.point_hash != HashKind::kSha256 || key_hash != HashKind::kSha256)) {
      r.Problem("compat", "compat \"blog\" is the sharding blog post's ring (source 003 in scenarios/CLAIMS.md): "
                          "100 vnodes, points and keys by sha256");
    }
    if (!name.empty() && vnodes.size() > 1) r.Problem("name", "a name needs a single vnodes value");
    for (int64_t n : vnodes) {
      ReshardRouter rr{name.empty() ? (blog ? "ring_blog" : "ring_" + std::to_string(n)) : name, spec};
      rr.spec.vnodes = static_cast<uint32_t>(std::max<int64_t>(n, 1));
      out.push_back(std::move(rr));
    }
  } else {
    out.push_back({name.empty() ? spec.type : name, spec});
  }
  r.Finish();
}

void ReadChange(FieldReader& r, ReshardChangeSpec& c) {
  const bool add = r.Has("add"), last = r.Has("remove_last"), remove = r.Has("remove");
  if (add + last + remove != 1) {
    r.Problem("", "expected exactly one of {\"add\": k}, {\"remove_last\": true}, {\"remove\": shard}");
  }
  if (add) {
    c.kind = "add";
    c.count = r.Int("add", std::nullopt, 1, 1'000'000);
  } else if (last) {
    c.kind = "remove_last";
    if (!r.Bool("remove_last", true)) r.Problem("remove_last", "found false; expected true (or leave the change out)");
  } else if (remove) {
    c.kind = "remove";
    c.shard = r.Int("remove", std::nullopt, 0, 1'000'000);
  }
  r.Finish();
}

}  // namespace

ReshardSpec ReadReshardSpec(FieldReader& root, const Scenario& s) {
  if (root.Has("router")) root.Problem("router", "a reshard scenario compares the routers in reshard.routers");
  FieldReader r = root.Object("reshard", true);
  ReshardSpec out;
  r.ForEachObject("routers", true, [&](FieldReader& item, size_t) { ReadRouterEntry(item, s.keys.hash, out.routers); });
  r.ForEachObject("changes", true, [&](FieldReader& item, size_t) {
    ReshardChangeSpec c;
    ReadChange(item, c);
    out.changes.push_back(c);
  });
  out.load_samples = r.Int("load_samples", 1'000'000, 0, 1'000'000'000);
  out.lookup_ns = r.Bool("lookup_ns", true);
  FieldReader sweep = r.Object("vnode_sweep");
  out.sweep_shards = sweep.IntList("shards", std::vector<int64_t>{}, 1, 100'000);
  out.sweep_vnodes = sweep.IntList("vnodes", std::vector<int64_t>{1, 10, 16, 64, 100, 256, 1000}, 1, 100'000);
  sweep.Finish();
  out.threads = r.Int("threads", 0, 0, 256);
  if (r.Has("migrate")) {
    FieldReader m = r.Object("migrate");
    ReshardMigrationSpec& mig = out.migrate;
    mig.enabled = true;
    mig.router = m.String("router", std::nullopt);
    mig.change = m.String("change", std::nullopt);
    mig.payload_bytes = m.Int("payload_bytes", 100, 0, 1'000'000);
    mig.batch_rows = m.Int("batch_rows", 1000, 1, 1'000'000);
    mig.synchronous = m.Choice("synchronous", "full", {"off", "normal", "full", "extra"});
    mig.crash_trials = m.Int("crash_trials", 0, 0, 1'000'000);
    mig.crash_every_batch = m.Bool("crash_every_batch", false);
    mig.bare = m.Bool("bare", true);
    m.Finish();
  }
  r.Finish();
  return out;
}

void CheckReshardSpec(const Scenario& s, Problems& problems) {
  const ReshardSpec& reshard = s.Spec<ReshardSpec>();
  std::set<std::string> names;
  for (size_t i = 0; i < reshard.routers.size(); ++i) {
    if (!names.insert(reshard.routers[i].name).second) {
      problems.Add("reshard.routers", "two routers are named \"" + reshard.routers[i].name + "\"; give one a \"name\"");
    }
  }
  for (size_t i = 0; i < reshard.changes.size(); ++i) {
    const ReshardChangeSpec& c = reshard.changes[i];
    const std::string path = "reshard.changes[" + std::to_string(i) + "]";
    if ((c.kind == "remove_last" || c.kind == "remove") && s.shards.count < 2) {
      problems.Add(path, "cannot remove the only shard (shards.count is 1)");
    }
    if (c.kind == "remove" && c.shard >= static_cast<int64_t>(s.shards.count)) {
      problems.Add(path + ".remove", "found " + std::to_string(c.shard) + "; shards are 0.." +
                                         std::to_string(s.shards.count - 1));
    }
  }
  const ReshardMigrationSpec& mig = reshard.migrate;
  if (mig.enabled) {
    if (names.count(mig.router) == 0) {
      problems.Add("reshard.migrate.router", "found \"" + mig.router + "\"; expected the name of one of reshard.routers");
    }
    bool found = false;
    std::string changes;
    for (const ReshardChangeSpec& c : reshard.changes) {
      const std::string name = ChangeName(c);
      found = found || name == mig.change;
      changes += (changes.empty() ? "" : ", ") + name;
    }
    if (!found) problems.Add("reshard.migrate.change", "found \"" + mig.change + "\"; expected one of " + changes);
    if (!s.keys.route_format.empty()) {
      problems.Add("keys.route_format", "a migration routes rows by their key; route_format is not supported here");
    }
    if (s.keys.count > 10'000'000) {
      problems.Add("keys.count", "a migration writes every key as a row; at most 10,000,000");
    }
  }
  for (int64_t n : reshard.sweep_shards) {
    for (int64_t v : reshard.sweep_vnodes) {
      if (n * v > (int64_t{1} << 24)) {
        problems.Add("reshard.vnode_sweep", std::to_string(n) + " shards x " + std::to_string(v) +
                                                " vnodes is more than the 16777216 ring points supported");
      }
    }
  }
}

std::string ChangeName(const ReshardChangeSpec& c) {
  return c.kind == "add"      ? "add_" + std::to_string(c.count)
         : c.kind == "remove" ? "remove_" + std::to_string(c.shard)
                              : "remove_last";
}

// movement.<router>.<change>, routers.<router>, vnode_sweep.shards_<n>.vnodes_<v>: the
// names come from the spec; what lies below each is left to the run.
Json ReshardMetricShape(const Scenario& s) {
  const ReshardSpec& r = s.Spec<ReshardSpec>();
  Json shape = OpenShape(ReshardMetricRoots());
  Json changes = Json::object();
  for (const ReshardChangeSpec& c : r.changes) changes[ChangeName(c)] = nullptr;
  Json movement = Json::object(), routers = Json::object();
  for (const ReshardRouter& router : r.routers) {
    movement[router.name] = changes;
    routers[router.name] = nullptr;
  }
  shape["movement"] = movement;
  shape["routers"] = routers;
  Json sweep = Json::object();
  for (int64_t n : r.sweep_shards) {
    Json row = Json::object();
    for (int64_t v : r.sweep_vnodes) row["vnodes_" + std::to_string(v)] = nullptr;
    sweep["shards_" + std::to_string(n)] = row;
  }
  shape["vnode_sweep"] = sweep;
  return shape;
}

const std::set<std::string>& ReshardMetricRoots() {
  static const std::set<std::string> kRoots = {"movement", "routers", "vnode_sweep", "analysis", "migration"};
  return kRoots;
}

}  // namespace shardlab
