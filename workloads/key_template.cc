#include "workloads/key_template.h"

#include <cctype>
#include <charconv>
#include <cstring>

namespace shardlab {
namespace {

using Op = KeyTemplate::Op;
using Instr = KeyTemplate::Instr;

// "'x'" for the character at pos, or "the end of the template".
std::string Found(std::string_view text, size_t pos) {
  if (pos >= text.size()) return "the end of the template";
  std::string quoted = "'";
  quoted.push_back(text[pos]);
  quoted.push_back('\'');
  return quoted;
}

// Recursive-descent parser for one expression, emitting Reverse Polish code.
// Precedence, lowest first: ?: , ||, &&, comparisons, + -, * / %, unary - !.
class ExprParser {
 public:
  ExprParser(std::string_view text, size_t pos) : text_(text), pos_(pos) {}

  Status ParseExpression(std::vector<Instr>& out) {
    out_ = &out;
    SHARDLAB_RETURN_IF_ERROR(Ternary());
    return Status::Ok();
  }
  size_t pos() const { return pos_; }

 private:
  Status Error(const std::string& what) const {
    return Status::Invalid("column " + std::to_string(pos_ + 1) + ": " + what + " but found " + Found(text_, pos_));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool Accept(std::string_view token) {
    SkipSpace();
    if (text_.substr(pos_, token.size()) != token) return false;
    // Do not read "<" out of "<=", or "!" out of "!=".
    if (token.size() == 1 && pos_ + 1 < text_.size() && text_[pos_ + 1] == '=' &&
        (token == "<" || token == ">" || token == "!" || token == "=")) {
      return false;
    }
    pos_ += token.size();
    return true;
  }
  void Emit(Op op, int64_t value = 0) { out_->push_back({op, value}); }

  Status Ternary() {
    SHARDLAB_RETURN_IF_ERROR(Or());
    if (!Accept("?")) return Status::Ok();
    SHARDLAB_RETURN_IF_ERROR(Ternary());
    if (!Accept(":")) return Error("expected ':' of '?:'");
    SHARDLAB_RETURN_IF_ERROR(Ternary());
    Emit(Op::kSelect);
    return Status::Ok();
  }
  Status Or() {
    SHARDLAB_RETURN_IF_ERROR(And());
    while (Accept("||")) {
      SHARDLAB_RETURN_IF_ERROR(And());
      Emit(Op::kOr);
    }
    return Status::Ok();
  }
  Status And() {
    SHARDLAB_RETURN_IF_ERROR(Compare());
    while (Accept("&&")) {
      SHARDLAB_RETURN_IF_ERROR(Compare());
      Emit(Op::kAnd);
    }
    return Status::Ok();
  }
  Status Compare() {
    SHARDLAB_RETURN_IF_ERROR(Sum());
    static constexpr std::pair<std::string_view, Op> kOps[] = {
        {"<=", Op::kLe}, {">=", Op::kGe}, {"==", Op::kEq}, {"!=", Op::kNe}, {"<", Op::kLt}, {">", Op::kGt}};
    for (const auto& [token, op] : kOps) {
      if (Accept(token)) {
        SHARDLAB_RETURN_IF_ERROR(Sum());
        Emit(op);
        return Status::Ok();
      }
    }
    return Status::Ok();
  }
  Status Sum() {
    SHARDLAB_RETURN_IF_ERROR(Product());
    for (;;) {
      if (Accept("+")) {
        SHARDLAB_RETURN_IF_ERROR(Product());
        Emit(Op::kAdd);
      } else if (Accept("-")) {
        SHARDLAB_RETURN_IF_ERROR(Product());
        Emit(Op::kSub);
      } else {
        return Status::Ok();
      }
    }
  }
  Status Product() {
    SHARDLAB_RETURN_IF_ERROR(Unary());
    for (;;) {
      Op op;
      if (Accept("*")) {
        op = Op::kMul;
      } else if (Accept("/")) {
        op = Op::kDiv;
      } else if (Accept("%")) {
        op = Op::kMod;
      } else {
        return Status::Ok();
      }
      const size_t operand_pos = pos_;
      const size_t first = out_->size();
      SHARDLAB_RETURN_IF_ERROR(Unary());
      if (op != Op::kMul) SHARDLAB_RETURN_IF_ERROR(CheckDivisor(first, operand_pos));
      Emit(op);
    }
  }
  // Divisors must be non-zero constants, so rendering can never fail.
  Status CheckDivisor(size_t first, size_t operand_pos) {
    std::vector<Instr> divisor(out_->begin() + static_cast<std::ptrdiff_t>(first), out_->end());
    for (const Instr& in : divisor) {
      if (in.op == Op::kPushI) {
        return Status::Invalid("column " + std::to_string(operand_pos + 1) + ": a divisor must be a constant, not depend on i");
      }
    }
    // Constant: evaluate it with the same code that renders.
    int64_t stack[64];
    int sp = 0;
    for (const Instr& in : divisor) {
      if (in.op == Op::kPushConst) {
        stack[sp++] = in.value;
      } else if (in.op == Op::kNeg) {
        stack[sp - 1] = static_cast<int64_t>(0 - static_cast<uint64_t>(stack[sp - 1]));
      } else {
        // Any other constant sub-expression: fold by rejecting; keep the language simple.
        return Status::Invalid("column " + std::to_string(operand_pos + 1) + ": a divisor must be a number");
      }
    }
    if (sp != 1 || stack[0] == 0) {
      return Status::Invalid("column " + std::to_string(operand_pos + 1) + ": division by zero");
    }
    return Status::Ok();
  }
  Status Unary() {
    if (Accept("-")) {
      SHARDLAB_RETURN_IF_ERROR(Unary());
      Emit(Op::kNeg);
      return Status::Ok();
    }
    if (Accept("!")) {
      SHARDLAB_RETURN_IF_ERROR(Unary());
      Emit(Op::kNot);
      return Status::Ok();
    }
    return Primary();
  }
  Status Primary() {
    SkipSpace();
    if (depth_ > 32) return Error("expression nested too deeply");
    if (Accept("(")) {
      ++depth_;
      SHARDLAB_RETURN_IF_ERROR(Ternary());
      --depth_;
      if (!Accept(")")) return Error("expected ')'");
      return Status::Ok();
    }
    if (pos_ < text_.size() && text_[pos_] == 'i' &&
        (pos_ + 1 == text_.size() || !std::isalnum(static_cast<unsigned char>(text_[pos_ + 1])))) {
      ++pos_;
      Emit(Op::kPushI);
      return Status::Ok();
    }
    if (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      int64_t value = 0;
      auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), value);
      if (ec != std::errc()) return Error("a number that fits in 64 bits");
      pos_ = static_cast<size_t>(end - text_.data());
      Emit(Op::kPushConst, value);
      return Status::Ok();
    }
    return Error("expected a number, 'i' or '('");
  }

  std::string_view text_;
  size_t pos_;
  std::vector<Instr>* out_ = nullptr;
  int depth_ = 0;
};

// The maximum stack depth a program reaches (bounded by the nesting limit).
int StackDepth(const std::vector<Instr>& program) {
  int sp = 0, max_sp = 0;
  for (const Instr& in : program) {
    switch (in.op) {
      case Op::kPushConst:
      case Op::kPushI: ++sp; break;
      case Op::kNeg:
      case Op::kNot: break;
      case Op::kSelect: sp -= 2; break;
      default: sp -= 1; break;
    }
    if (sp > max_sp) max_sp = sp;
  }
  return max_sp;
}

void AppendDecimal(int64_t value, int zero_pad, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  (void)ec;
  const int digits = static_cast<int>(end - buf) - (value < 0 ? 1 : 0);
  if (value < 0) out.push_back('-');
  for (int pad = digits; pad < zero_pad; ++pad) out.push_back('0');
  out.append(value < 0 ? buf + 1 : buf, end);
}

}  // namespace

StatusOr<KeyTemplate> KeyTemplate::Compile(std::string_view text) {
  KeyTemplate t;
  t.source_ = std::string(text);
  std::string literal;
  auto flush_literal = [&] {
    if (!literal.empty()) t.segments_.push_back(Segment{false, std::move(literal), {}, false, 0});
    literal.clear();
  };
  size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '}') {
      if (pos + 1 < text.size() && text[pos + 1] == '}') {
        literal.push_back('}');
        pos += 2;
        continue;
      }
      return Status::Invalid("column " + std::to_string(pos + 1) + ": a lone '}' (write '}}' for a literal brace)");
    }
    if (c != '{') {
      literal.push_back(c);
      ++pos;
      continue;
    }
    if (pos + 1 < text.size() && text[pos + 1] == '{') {
      literal.push_back('{');
      pos += 2;
      continue;
    }
    flush_literal();
    Segment seg;
    seg.is_expr = true;
    ExprParser parser(text, pos + 1);
    SHARDLAB_RETURN_IF_ERROR(parser.ParseExpression(seg.program));
    pos = parser.pos();
    while (pos < text.size() && text[pos] == ' ') ++pos;
    if (pos < text.size() && text[pos] == ':') {
      // Format spec: 0N zero-pads to N digits.
      ++pos;
      size_t start = pos;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
      std::string_view spec = text.substr(start, pos - start);
      if (spec.size() < 2 || spec[0] != '0') {
        return Status::Invalid("column " + std::to_string(start + 1) + ": format spec must be 0 followed by a width, like {i:08}");
      }
      std::from_chars(spec.data() + 1, spec.data() + spec.size(), seg.zero_pad);
      if (seg.zero_pad > 20) return Status::Invalid("column " + std::to_string(start + 1) + ": width is at most 20");
    }
    if (pos >= text.size() || text[pos] != '}') {
      return Status::Invalid("column " + std::to_string(pos + 1) + ": expected '}' but found " + Found(text, pos));
    }
    ++pos;
    if (StackDepth(seg.program) > 64) return Status::Invalid("expression too complex");
    seg.is_plain_i = seg.program.size() == 1 && seg.program[0].op == Op::kPushI;
    t.segments_.push_back(std::move(seg));
  }
  flush_literal();
  return t;
}

int64_t KeyTemplate::Run(const std::vector<Instr>& program, uint64_t i) {
  // Unsigned arithmetic wraps instead of overflowing (no undefined behaviour).
  uint64_t stack[64];
  int sp = 0;
  for (const Instr& in : program) {
    switch (in.op) {
      case Op::kPushConst: stack[sp++] = static_cast<uint64_t>(in.value); continue;
      case Op::kPushI: stack[sp++] = i; continue;
      case Op::kNeg: stack[sp - 1] = 0 - stack[sp - 1]; continue;
      case Op::kNot: stack[sp - 1] = stack[sp - 1] == 0; continue;
      case Op::kSelect: {
        const uint64_t otherwise = stack[--sp], then = stack[--sp];
        stack[sp - 1] = stack[sp - 1] != 0 ? then : otherwise;
        continue;
      }
      default: break;
    }
    const uint64_t b = stack[--sp];
    const uint64_t a = stack[sp - 1];
    const int64_t sa = static_cast<int64_t>(a), sb = static_cast<int64_t>(b);
    uint64_t r = 0;
    switch (in.op) {
      case Op::kAdd: r = a + b; break;
      case Op::kSub: r = a - b; break;
      case Op::kMul: r = a * b; break;
      // Divisors are non-zero constants (checked at compile time); -1 is special-cased
      // because INT64_MIN / -1 overflows.
      case Op::kDiv: r = sb == -1 ? 0 - a : static_cast<uint64_t>(sa / sb); break;
      case Op::kMod: r = sb == -1 ? 0 : static_cast<uint64_t>(sa % sb); break;
      case Op::kLt: r = sa < sb; break;
      case Op::kLe: r = sa <= sb; break;
      case Op::kGt: r = sa > sb; break;
      case Op::kGe: r = sa >= sb; break;
      case Op::kEq: r = a == b; break;
      case Op::kNe: r = a != b; break;
      case Op::kAnd: r = a != 0 && b != 0; break;
      case Op::kOr: r = a != 0 || b != 0; break;
      default: break;
    }
    stack[sp - 1] = r;
  }
  return static_cast<int64_t>(stack[0]);
}

int64_t KeyTemplate::EvaluateInteger(uint64_t i) const {
  for (const Segment& seg : segments_) {
    if (seg.is_expr) return seg.is_plain_i ? static_cast<int64_t>(i) : Run(seg.program, i);
  }
  return 0;
}

void KeyTemplate::AppendTo(uint64_t i, std::string& out) const {
  for (const Segment& seg : segments_) {
    if (!seg.is_expr) {
      out += seg.literal;
    } else {
      AppendDecimal(seg.is_plain_i ? static_cast<int64_t>(i) : Run(seg.program, i), seg.zero_pad, out);
    }
  }
}

}  // namespace shardlab
