#include "scenario/metric_shape.h"

#include <gtest/gtest.h>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace metric_shape_test {
namespace {

const Json& Shape() {
  static const Json kShape = Json::parse(R"({
    "movement": {"mod": {"add_1": null}, "ring_100": {"add_1": null}},
    "per_shard_counts": true,
    "ops": {"*": {"latency_us": {"p50": true, "p99": true}}},
    "open": null
  })");
  return kShape;
}

TEST(MetricShapeTest, PartsSplitDotsAndIndices) {
  EXPECT_EQ(MetricPathParts("movement.ring_100.add_1.moved"),
            (std::vector<std::string>{"movement", "ring_100", "add_1", "moved"}));
  EXPECT_EQ(MetricPathParts("per_shard_counts[2]"), (std::vector<std::string>{"per_shard_counts", "[2]"}));
  EXPECT_EQ(MetricPathParts("a.b[0][1].c"), (std::vector<std::string>{"a", "b", "[0]", "[1]", "c"}));
}

TEST(MetricShapeTest, PathsThatFit) {
  for (const char* metric : {"movement.mod.add_1.moved_fraction", "movement.ring_100.add_1", "per_shard_counts",
                             "per_shard_counts[3]", "per_shard_counts.3", "ops.get.latency_us.p99", "open.any.thing",
                             "open"}) {
    EXPECT_EQ(MetricPathProblem(Shape(), metric), "") << metric;
  }
}

TEST(MetricShapeTest, MisfitsNameTheLevelAndSuggest) {
  EXPECT_EQ(MetricPathProblem(Shape(), "movement.ring100.add_1"),
            "no \"ring100\" under movement (did you mean \"ring_100\"? names there: mod, ring_100)");
  EXPECT_EQ(MetricPathProblem(Shape(), "movement.jump.add_1"), "no \"jump\" under movement (names there: mod, ring_100)");
  EXPECT_EQ(MetricPathProblem(Shape(), "ops.get.latency_us.p95"),
            "no \"p95\" under ops.get.latency_us (did you mean \"p99\"? names there: p50, p99)");
  EXPECT_EQ(MetricPathProblem(Shape(), "per_shard_counts.max"), "\"per_shard_counts\" is a value; it has no \"max\"");
  EXPECT_EQ(MetricPathProblem(Shape(), "movment"),
            "no \"movment\" at the top (did you mean \"movement\"? names there: movement, per_shard_counts, ops, open)");
}

TEST(MetricShapeTest, ProductShape) {
  EXPECT_EQ(ProductShape({{"delete", "wal"}, {"a"}}),
            Json::parse(R"({"delete": {"a": null}, "wal": {"a": null}})"));
  EXPECT_EQ(ProductShape({{"x"}}, true), Json::parse(R"({"x": true})"));
  EXPECT_EQ(ProductShape({}), Json(nullptr));
}

TEST(MetricShapeTest, ClosestNameOnlyForLikelyMisspellings) {
  EXPECT_EQ(ClosestName("ring32", {"mod", "ring_32", "jump"}), "ring_32");
  EXPECT_EQ(ClosestName("Ring_32", {"mod", "ring_32"}), "ring_32");  // case and '_' do not count
  EXPECT_EQ(ClosestName("rendevous", {"mod", "rendezvous"}), "rendezvous");
  EXPECT_EQ(ClosestName("load", {"movement", "routers", "analysis"}), "");
  EXPECT_EQ(ClosestName("x", {}), "");
  EXPECT_EQ(ClosestName("writers_3", {"writers_1", "writers_2", "writers_4"}), "");  // equally close
  EXPECT_EQ(ClosestName("writers_3", {"writers_1", "writers_33"}), "");
  EXPECT_EQ(ClosestName("writers_33", {"writers_1", "writers_3"}), "writers_3");
}

}  // namespace
}  // namespace metric_shape_test
}  // namespace shardlab
