#include "scenario/common_blocks.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "scenario/path_check.h"
#include "workloads/router_impl.h"

namespace shardlab {
namespace {

constexpr int64_t kMaxShards = 1'000'000;
constexpr int64_t kMaxKeys = 1'000'000'000;

bool IsPowerOfTwo(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

std::string DirName(const std::string& file) {
  const size_t slash = file.rfind('/');
  return slash == std::string::npos ? "." : file.substr(0, slash);
}

// Range boundaries: all integers (numeric compare) or all strings (bytewise), increasing.
void ReadBoundaries(FieldReader& r, RouterSpec& out) {
  const Json* b = r.Raw("boundaries");
  const char* expected = "an array of strictly increasing integers, or of strictly increasing strings";
  if (b == nullptr) {
    r.Problem("boundaries", std::string("missing; expected ") + expected);
    return;
  }
  r.Resolve("boundaries", *b);
  bool ok = b->is_array() && !b->empty();
  if (ok && (*b)[0].is_string()) {
    for (const Json& v : *b) ok = ok && v.is_string();
    if (ok) out.string_boundaries = b->get<std::vector<std::string>>();
    ok = ok && std::adjacent_find(out.string_boundaries.begin(), out.string_boundaries.end(),
                                  std::greater_equal<>()) == out.string_boundaries.end();
  } else if (ok) {
    for (const Json& v : *b) {
      ok = ok && v.is_number_integer() &&
           !(v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX));
    }
    if (ok) out.int_boundaries = b->get<std::vector<int64_t>>();
    ok = ok && std::adjacent_find(out.int_boundaries.begin(), out.int_boundaries.end(), std::greater_equal<>()) ==
                   out.int_boundaries.end();
    out.numeric_boundaries = true;
  }
  if (!ok) r.Problem("boundaries", "found " + DescribeJsonValue(*b) + "; expected " + expected);
}

void ReadDirectory(FieldReader& r, const std::string& scenario_dir, RouterSpec& out) {
  const Json* entries = r.Raw("entries");
  const std::string file = r.String("file", "");
  if ((entries == nullptr) == file.empty()) {
    r.Problem("entries", "expected exactly one of router.entries (an object key -> shard) or router.file");
    return;
  }
  Json loaded;
  std::string where = r.PathOf("entries");
  if (entries == nullptr) {
    const std::string path = file[0] == '/' ? file : scenario_dir + "/" + file;
    auto json = ReadJsonFile(path);
    if (!json.ok()) {
      r.Problem("file", json.status().message());
      return;
    }
    loaded = std::move(json).value();
    where = r.PathOf("file") + " (" + path + ")";
    entries = &loaded;
  } else {
    r.Resolve("entries", *entries);
  }
  if (!entries->is_object()) {
    r.problems()->Add(where, "found " + DescribeJsonValue(*entries) + "; expected an object mapping keys to shard numbers");
    return;
  }
  for (auto it = entries->begin(); it != entries->end(); ++it) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() >= kMaxShards) {
      r.problems()->Add(where + "." + it.key(), "found " + DescribeJsonValue(*it) + "; expected a shard number >= 0");
      continue;
    }
    out.directory.emplace(it.key(), static_cast<uint32_t>(it->get<int64_t>()));
  }
}

}  // namespace

void ReadShards(FieldReader r, ShardsSpec& out) {
  out.count = static_cast<uint32_t>(r.Int("count", std::nullopt, 1, kMaxShards));
  out.layout = r.Choice("layout", "flat", {"flat", "digits"});
  out.roots = r.StringList("roots", std::vector<std::string>{"."});
  if (out.roots.empty()) r.Problem("roots", "found an empty array; expected at least one directory");
  // Each root must be a legal directory path; a relative one stays inside the data
  // directory (lexically: a symlink below it may still lead elsewhere, on purpose); no
  // two name the same directory.
  std::vector<std::string> normalized;
  for (size_t i = 0; i < out.roots.size(); ++i) {
    const std::string& root = out.roots[i];
    const std::string key = "roots[" + std::to_string(i) + "]";
    if (root.empty()) {
      r.Problem(key.c_str(), "found an empty string; expected a directory path");
      continue;
    }
    if (auto problem = PathProblem(root, kMaxRootBytes)) {
      r.Problem(key.c_str(), *problem);
      continue;
    }
    const std::optional<std::string> norm = NormalizeLexically(root);
    if (!norm) {
      r.Problem(key.c_str(), "found " + QuotedPath(root) +
                                 ", which climbs out of the data directory; expected a directory inside it, or an "
                                 "absolute path");
      continue;
    }
    for (size_t j = 0; j < normalized.size(); ++j) {
      if (normalized[j] == *norm) {
        r.Problem(key.c_str(), "found " + QuotedPath(root) + ", the same directory as an earlier root (" + *norm +
                                   "); roots must differ");
      }
    }
    normalized.push_back(*norm);
  }
  out.digits_width = static_cast<int>(r.Int("digits_width", 0, 0, 18));
  if (out.digits_width != 0 && out.digits_width < 4) {
    r.Problem("digits_width", "found " + std::to_string(out.digits_width) +
                                  "; expected 0 (automatic) or a width from 4 to 18 (first digit / next two / rest)");
  }
  r.Finish();
}

void ReadKeys(FieldReader r, KeySpec& keys, DistributionSpec& distribution) {
  keys.count = static_cast<uint64_t>(r.Int("count", std::nullopt, 1, kMaxKeys));
  keys.integer_keys = r.Choice("type", "string", {"string", "integer"}) == "integer";
  keys.format = r.String("format", keys.integer_keys ? "{i}" : "key:{i}");
  keys.route_format = r.String("route_format", "");
  if (auto t = KeyTemplate::Compile(keys.format); !t.ok()) {
    r.Problem("format", t.status().message());
  } else if (keys.integer_keys && !t->IsSingleExpression()) {
    r.Problem("format", "found \"" + keys.format +
                            "\"; integer keys need a template that is one expression, like \"{i}\" or \"{i * 7919}\"");
  }
  if (auto t = KeyTemplate::Compile(keys.route_format); !t.ok()) r.Problem("route_format", t.status().message());
  keys.hash = *ParseHashKind(r.Choice("hash", "xxh3", {"xxh3", "sha256", "fnv1a"}));
  ReadDistribution(r.Object("distribution"), distribution, "uniform");
  r.Finish();
}

void ReadRouter(FieldReader r, const std::string& scenario_file, HashKind key_hash, RouterSpec& out) {
  const std::string scenario_dir = DirName(scenario_file);
  out.type = r.Choice("type", "mod", {"mod", "ring", "jump", "rendezvous", "range", "directory"});
  if (out.type == "ring") {
    const std::string compat = r.Choice("compat", "none", {"none", "blog"});
    const bool blog = compat == "blog";
    out.vnodes = static_cast<uint32_t>(r.Int("vnodes", 100, 1, 100'000));
    out.point_hash = *ParseHashKind(r.Choice("point_hash", blog ? "sha256" : HashKindName(key_hash), {"xxh3", "sha256", "fnv1a"}));
    if (blog) {
      // The sharding blog post (source 003 in scenarios/CLAIMS.md): sha256 of "shard{s}:{v}", 100 points per shard, keys by sha256.
      if (out.vnodes != 100) r.Problem("vnodes", "compat \"blog\" places 100 vnodes per shard; found " + std::to_string(out.vnodes));
      if (out.point_hash != HashKind::kSha256) r.Problem("point_hash", "compat \"blog\" hashes ring points with sha256");
      if (key_hash != HashKind::kSha256) r.Problem("compat", "compat \"blog\" needs keys.hash = \"sha256\", as in the sharding blog post "
                                                        "(source 003 in scenarios/CLAIMS.md)");
    }
  } else if (out.type == "range") {
    ReadBoundaries(r, out);
  } else if (out.type == "directory") {
    ReadDirectory(r, scenario_dir, out);
  }
  r.Finish();
}

void ReadSqlite(FieldReader r, SqliteSpec& out) {
  out.journal_mode = r.Choice("journal_mode", "delete", {"delete", "truncate", "persist", "wal", "memory", "off"});
  out.synchronous = r.Choice("synchronous", "full", {"off", "normal", "full", "extra"});
  out.page_size = r.Int("page_size", 4096, 512, 65536);
  if (!IsPowerOfTwo(out.page_size)) {
    r.Problem("page_size", "found " + std::to_string(out.page_size) + "; expected a power of two from 512 to 65536");
  }
  out.cache_size = r.Int("cache_size", -2000);
  out.busy_timeout_ms = r.Int("busy_timeout_ms", 5000, 0, 3'600'000);
  r.Finish();
}

// A numeric range router orders routing keys as integers: check that they are (up to a
// million of them; a larger key space is checked as it loads).
void CheckNumericRouteKeys(const KeySpace& keys, Problems& problems) {
  KeyRef ref;
  const uint64_t n = std::min<uint64_t>(keys.count(), 1'000'000);
  for (uint64_t i = 0; i < n; ++i) {
    keys.Fill(i, false, ref);
    if (!ParseNumericRouteKey(ref.route)) {
      problems.Add(keys.spec().route_format.empty() ? "keys.format" : "keys.route_format",
                   "item " + std::to_string(i) + " routes by \"" + ref.route +
                       "\", which is not an integer; router.boundaries are integers");
      return;
    }
  }
}

void ReadDistribution(FieldReader r, DistributionSpec& out, const char* default_type) {
  out.type = r.Choice("type", default_type,
                      {"uniform", "zipfian", "scrambled_zipfian", "latest", "hotspot", "sequential", "exponential"});
  if (out.type == "zipfian" || out.type == "scrambled_zipfian" || out.type == "latest") {
    out.theta = r.Number("theta", 0.99, 0, INFINITY, /*min_exclusive=*/true);
    if (out.theta == 1.0) r.Problem("theta", "found 1; expected a number > 0 other than 1 (YCSB's alpha = 1/(1-theta))");
    // Read only when given, so the resolved scenario of existing files is unchanged.
    if (out.type != "zipfian" && r.Has("ycsb_compat")) {
      out.ycsb_compat = r.Bool("ycsb_compat", false);
      if (out.type == "scrambled_zipfian" && out.ycsb_compat && r.Has("ycsb_expected_new_keys")) {
        out.ycsb_expected_new_keys = static_cast<uint64_t>(r.Int("ycsb_expected_new_keys", 0, 0));
      }
    }
  } else if (out.type == "hotspot") {
    out.hot_data_fraction = r.Number("hot_data_fraction", 0.2, 0, 1);
    out.hot_op_fraction = r.Number("hot_op_fraction", 0.8, 0, 1);
  } else if (out.type == "exponential") {
    out.exponential_percentile = r.Number("percentile", 95, 0, 100, true, true);
    out.exponential_fraction = r.Number("fraction", 0.8571428571, 0, 1, true);
  }
  r.Finish();
}

}  // namespace shardlab
