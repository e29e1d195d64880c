#include "workloads/key_template.h"

#include <gtest/gtest.h>

#include "workloads/key_space.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace key_template_test {
namespace {

std::string Render(const char* text, uint64_t i) {
  auto t = KeyTemplate::Compile(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().message();
  return t.ok() ? t->Render(i) : "";
}

TEST(KeyTemplate, LiteralsAndIndex) {
  EXPECT_EQ(Render("user:{i}", 4242), "user:4242");
  EXPECT_EQ(Render("plain", 7), "plain");
  EXPECT_EQ(Render("{i}", 0), "0");
  EXPECT_EQ(Render("{{literal}} {i}", 3), "{literal} 3");
}

TEST(KeyTemplate, ArithmeticFollowsCPrecedence) {
  EXPECT_EQ(Render("city-{i % 50}", 4242), "city-42");
  EXPECT_EQ(Render("v{i % 7}", 10), "v3");
  EXPECT_EQ(Render("{2 + 3 * i}", 4), "14");
  EXPECT_EQ(Render("{(2 + 3) * i}", 4), "20");
  EXPECT_EQ(Render("{i - 10}", 3), "-7");
  EXPECT_EQ(Render("{-i / 2}", 7), "-3");  // C truncation, not Python flooring
  EXPECT_EQ(Render("{i / -1}", 5), "-5");
}

TEST(KeyTemplate, ComparisonsAndTernaryReproduceTheBlogYears) {
  // the sharding blog post's block 2 (source 003 in scenarios/CLAIMS.md): 70% of events in 2026, the rest spread over 2023..2025.
  const char* year = "{i % 10 < 7 ? 2026 : 2023 + i % 3}";
  EXPECT_EQ(Render(year, 0), "2026");
  EXPECT_EQ(Render(year, 7), "2024");  // 7 % 3 == 1
  EXPECT_EQ(Render(year, 9), "2023");
  EXPECT_EQ(Render("{i >= 2 && i != 3}", 3), "0");
  EXPECT_EQ(Render("{i >= 2 && i != 3}", 4), "1");
  EXPECT_EQ(Render("{i < 1 || i > 5}", 6), "1");
  EXPECT_EQ(Render("{!i}", 0), "1");
  EXPECT_EQ(Render("{i == 1 ? 10 : i == 2 ? 20 : 30}", 2), "20");
}

TEST(KeyTemplate, ZeroPadding) {
  EXPECT_EQ(Render("u{i:06}", 42), "u000042");
  EXPECT_EQ(Render("{i:02}", 12345), "12345");
  EXPECT_EQ(Render("{i - 50:04}", 8), "-0042");
}

TEST(KeyTemplate, RejectsBadTemplatesWithTheColumn) {
  struct Case {
    const char* text;
    const char* message_part;
  };
  for (const Case& c : {Case{"user:{i", "column 8: expected '}'"}, Case{"{i +}", "column 5: expected a number"},
                        Case{"{j}", "column 2"}, Case{"a}b", "lone '}'"}, Case{"{i % 0}", "division by zero"},
                        Case{"{7 / i}", "must be a constant"}, Case{"{i:6}", "format spec"},
                        Case{"{i ? 1}", "expected ':'"}, Case{"{(i}", "expected ')'"},
                        Case{"{99999999999999999999}", "64 bits"}}) {
    auto t = KeyTemplate::Compile(c.text);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_NE(t.status().message().find(c.message_part), std::string::npos)
        << c.text << " -> " << t.status().message();
  }
}

TEST(KeyTemplate, WrapsInsteadOfOverflowing) {
  EXPECT_EQ(Render("{9223372036854775807 + i}", 1), "-9223372036854775808");
}

TEST(KeySpace, RoutesByAnotherAttributeWhenAsked) {
  KeySpec spec;
  spec.count = 10;
  spec.format = "e{i}";
  spec.route_format = "{i % 10 < 7 ? 2026 : 2023 + i % 3}";
  auto ks = KeySpace::Make(spec);
  ASSERT_TRUE(ks.ok()) << ks.status().message();
  KeyRef ref;
  ks->Fill(8, true, ref);
  EXPECT_EQ(ref.text, "e8");
  EXPECT_EQ(ref.route, "2025");
  EXPECT_EQ(ref.hash.Top(), HashBytes(HashKind::kXxh3, "2025").Top());
}

TEST(KeySpace, IntegerKeysNeedOneExpression) {
  KeySpec spec;
  spec.count = 10;
  spec.integer_keys = true;
  spec.format = "{i * 7919}";
  auto ks = KeySpace::Make(spec);
  ASSERT_TRUE(ks.ok());
  KeyRef ref;
  ks->Fill(2, true, ref);
  EXPECT_EQ(ref.integer, 15838);
  EXPECT_EQ(ref.text, "15838");
  spec.format = "id-{i}";
  auto bad = KeySpace::Make(spec);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("one expression"), std::string::npos);
}

}  // namespace
}  // namespace key_template_test
}  // namespace shardlab
