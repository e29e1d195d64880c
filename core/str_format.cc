#include "core/str_format.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

namespace shardlab {

std::string StrFormat(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string out;
  if (n > 0) {
    out.resize(static_cast<size_t>(n) + 1);
    std::vsnprintf(out.data(), out.size(), format, again);
    out.resize(static_cast<size_t>(n));
  }
  va_end(again);
  return out;
}

std::string Fixed(double v, int digits) { return StrFormat("%.*f", digits, v); }

bool IsWordOf(std::string_view text, std::string_view extra) {
  if (text.empty()) return false;
  for (const char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && extra.find(c) == std::string_view::npos) return false;
  }
  return true;
}

namespace {

// The length of the UTF-8 character starting at text[i], or 0 when the bytes there are
// not one (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF).
size_t Utf8Length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // the range of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  }
  return n;
}

}  // namespace

std::string Printable(std::string_view text, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 4);
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    std::string piece;
    size_t used = 1;
    if (c == '\n') {
      piece = "\\n";
    } else if (c == '\r') {
      piece = "\\r";
    } else if (c == '\t') {
      piece = "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      piece = StrFormat("\\u%04x", c);
    } else if (c < 0x80) {
      piece = std::string(1, static_cast<char>(c));
    } else if (const size_t n = Utf8Length(text, i); n > 0) {
      piece = std::string(text.substr(i, n));
      used = n;
    } else {
      piece = StrFormat("\\x%02x", c);
    }
    if (out.size() + piece.size() > max_bytes) {
      out += "\xe2\x80\xa6";  // …
      break;
    }
    out += piece;
    i += used;
  }
  return out;
}

std::string Quoted(std::string_view text, size_t max_bytes) { return "\"" + Printable(text, max_bytes) + "\""; }

std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<size_t>(i), ",");
  return digits;
}

std::string HumanRate(double per_second, std::string_view unit) {
  const std::string per = (unit.empty() ? "" : " " + std::string(unit)) + "/s";
  if (!(per_second >= 0)) return "?" + per;
  if (per_second < 10) return StrFormat("%.1f", per_second) + per;
  if (per_second < 10'000) return Thousands(static_cast<uint64_t>(per_second + 0.5)) + per;
  if (per_second < 1e6) return StrFormat(per_second < 1e5 ? "%.1fk" : "%.0fk", per_second / 1e3) + per;
  if (per_second < 1e9) {
    return StrFormat(per_second < 1e7 ? "%.2fM" : per_second < 1e8 ? "%.1fM" : "%.0fM", per_second / 1e6) + per;
  }
  return StrFormat("%.3gG", per_second / 1e9) + per;
}

}  // namespace shardlab
