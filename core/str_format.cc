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

// The rate without a unit: "4,560/s".
std::string PerSecond(double per_s) {
  if (!(per_s > 0)) return "0/s";  // also NaN
  if (per_s < 9.95) return Fixed(per_s, 1) + "/s";
  if (per_s < 999.5) return Fixed(per_s, 0) + "/s";
  if (per_s < 9'995) {
    // Three significant digits, with a comma: 4,560/s.
    const double rounded = static_cast<double>(static_cast<uint64_t>(per_s / 10.0 + 0.5)) * 10.0;
    return Thousands(static_cast<uint64_t>(rounded)) + "/s";
  }
  if (per_s < 99'950) return Fixed(per_s / 1e3, 1) + "k/s";
  if (per_s < 999'500) return Fixed(per_s / 1e3, 0) + "k/s";
  if (per_s < 9'995'000) return Fixed(per_s / 1e6, 1) + "M/s";
  if (per_s < 999'500'000) return Fixed(per_s / 1e6, 0) + "M/s";
  return Fixed(per_s / 1e9, 1) + "G/s";
}


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

std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string HumanRate(double per_s, std::string_view unit) {
  std::string rate = PerSecond(per_s);
  if (!unit.empty()) rate.insert(rate.size() - 2, " " + std::string(unit));  // "40.1k rows/s"
  return rate;
}



size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t n = Utf8Length(text, i);
    i += n > 0 ? n : 1;
    ++width;
  }
  return width;
}

std::string CutToWidth(std::string_view text, size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  std::string out;
  size_t used = 0;
  for (size_t i = 0; i < text.size() && used + 1 < width;) {
    const size_t n = std::max<size_t>(Utf8Length(text, i), 1);
    out.append(text.substr(i, n));
    i += n;
    ++used;
  }
  return out + "\xe2\x80\xa6";  // …
}

namespace {

// The byte offset after `columns` code points of `text` (or its size).
size_t OffsetOfColumn(std::string_view text, size_t columns) {
  size_t i = 0;
  for (size_t c = 0; c < columns && i < text.size(); ++c) i += std::max<size_t>(Utf8Length(text, i), 1);
  return i;
}

void WrapOneLine(std::string_view line, size_t width, std::string& out) {
  if (DisplayWidth(line) <= width) {
    out.append(line);
    return;
  }
  const size_t own = line.find_first_not_of(' ') == std::string_view::npos ? 0 : line.find_first_not_of(' ');
  const std::string indent(std::min(own + 4, width / 2), ' ');
  std::string_view rest = line;
  bool first = true;
  while (true) {
    const size_t room = first ? width : width - indent.size();
    if (DisplayWidth(rest) <= room) {
      if (!first) out += indent;
      out.append(rest);
      return;
    }
    const size_t limit = OffsetOfColumn(rest, room);
    // The last space at or before the limit, after the indent (never an empty piece).
    size_t cut = rest.rfind(' ', limit);
    const size_t lead = first ? own : 0;
    if (cut == std::string_view::npos || cut <= lead) cut = limit;
    std::string_view piece = rest.substr(0, cut);
    while (!piece.empty() && piece.back() == ' ') piece.remove_suffix(1);
    if (!first) out += indent;
    out.append(piece);
    out += '\n';
    rest = rest.substr(cut);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    first = false;
    if (rest.empty()) return;
  }
}

}  // namespace

std::string WrapLongLines(std::string_view text, size_t width) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  size_t start = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    const size_t end = nl == std::string_view::npos ? text.size() : nl;
    WrapOneLine(text.substr(start, end - start), width, out);
    if (nl == std::string_view::npos) break;
    out += '\n';
    start = nl + 1;
  }
  return out;
}

std::vector<std::string> AlignColumns(const std::vector<std::vector<std::string>>& rows, size_t left_columns,
                                      std::string_view indent) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  std::vector<std::string> lines;
  lines.reserve(rows.size());
  for (const auto& row : rows) {
    std::string line(indent);
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - DisplayWidth(row[c]), ' ');
      if (c > 0) line += ' ';
      line += c < left_columns ? row[c] + pad : pad + row[c];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<std::string> WrapJoined(const std::vector<std::string>& pieces, std::string_view sep,
                                    std::string_view indent, size_t width) {
  std::vector<std::string> lines;
  const size_t room = width > DisplayWidth(indent) ? width - DisplayWidth(indent) : 1;
  std::string line;
  for (const std::string& raw : pieces) {
    const std::string piece = CutToWidth(raw, room);
    if (!line.empty() && DisplayWidth(line) + DisplayWidth(sep) + DisplayWidth(piece) <= room) {
      line += std::string(sep) + piece;
      continue;
    }
    if (!line.empty()) lines.push_back(std::string(indent) + line);
    line = piece;
  }
  if (!line.empty()) lines.push_back(std::string(indent) + line);
  return lines;
}

std::string Quoted(std::string_view text, size_t max_bytes) { return "\"" + Printable(text, max_bytes) + "\""; }

}  // namespace shardlab
