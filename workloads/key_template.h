#pragma once
// Templates that turn an item index i into text: "user:{i}", "city-{i % 50}",
// "{i:08}" (zero-padded), "{i % 10 < 7 ? 2026 : 2023 + i % 3}". Inside braces is a
// small integer expression language over i: + - * / % (constant divisors only),
// comparisons, && || !, ?: and parentheses; 64-bit wrapping arithmetic. "{{" and "}}"
// are literal braces. This is how scenarios describe keys and values declaratively,
// including the blog's demo data, without code.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace shardlab {

class KeyTemplate {
 public:
  // kInvalidInput with the column of the problem, e.g.
  // "column 6: expected a number, 'i' or '(' but found '}'".
  static StatusOr<KeyTemplate> Compile(std::string_view text);

  // Appends the text for index i to out.
  void AppendTo(uint64_t i, std::string& out) const;
  std::string Render(uint64_t i) const {
    std::string s;
    AppendTo(i, s);
    return s;
  }
  // True when the template is exactly one expression and no literal text ("{i * 7}"):
  // such templates can describe integer keys.
  bool IsSingleExpression() const { return segments_.size() == 1 && segments_[0].is_expr; }
  // Value of the first expression (for single-expression templates).
  int64_t EvaluateInteger(uint64_t i) const;
  const std::string& source() const { return source_; }

  // Reverse Polish program for one expression.
  enum class Op : uint8_t {
    kPushConst, kPushI, kAdd, kSub, kMul, kDiv, kMod, kNeg, kNot,
    kLt, kLe, kGt, kGe, kEq, kNe, kAnd, kOr, kSelect,
  };
  struct Instr {
    Op op;
    int64_t value = 0;
  };

 private:
  struct Segment {
    bool is_expr = false;
    std::string literal;
    std::vector<Instr> program;
    bool is_plain_i = false;  // "{i}": the fast path
    int zero_pad = 0;         // "{...:06}"
  };
  static int64_t Run(const std::vector<Instr>& program, uint64_t i);

  std::string source_;
  std::vector<Segment> segments_;
};

}  // namespace shardlab
