#pragma once
// What every fuzz target asserts about an error it gets back, beyond "no crash": one
// problem per line, each line naming where it comes from (the file's origin or --set),
// no control character inside a line, no line longer than kMaxLine bytes (input is cut
// where a message echoes it). A broken rule aborts, so libFuzzer reports it as a crash.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace shardlab {
namespace fuzz {

inline constexpr size_t kMaxLine = 8192;

inline void CheckMessage(const std::string& message, std::string_view origin) {
  size_t start = 0;
  for (;;) {
    const size_t end = message.find('\n', start);
    const std::string_view line = std::string_view(message).substr(start, end == std::string::npos ? end : end - start);
    bool bad = line.size() > kMaxLine || line.substr(0, origin.size()) != origin;
    for (const char c : line) bad = bad || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    if (bad) {
      std::fprintf(stderr, "a message breaks the one-line rule (origin %.*s): %.*s\n", static_cast<int>(origin.size()),
                   origin.data(), static_cast<int>(std::min<size_t>(line.size(), 400)), line.data());
      std::abort();
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

}  // namespace fuzz
}  // namespace shardlab
