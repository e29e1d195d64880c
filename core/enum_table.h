#pragma once
// Enum <-> name through one table per enum, so a value and its name are written once:
//   constexpr EnumName<Color> kColorNames[] = {{Color::kRed, "red"}, {Color::kBlue, "blue"}};
//   NameOf(kColorNames, Color::kRed) == "red";  ValueOf(kColorNames, "blue") == Color::kBlue.
#include <cstddef>
#include <optional>
#include <string_view>

namespace shardlab {

template <typename E>
struct EnumName {
  E value;
  const char* name;
};

// The value's name; "?" for a value missing from the table (a programming error).
template <typename E, size_t N>
constexpr const char* NameOf(const EnumName<E> (&table)[N], E value) {
  for (const EnumName<E>& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "?";
}

// The value named `name`, or nullopt.
template <typename E, size_t N>
constexpr std::optional<E> ValueOf(const EnumName<E> (&table)[N], std::string_view name) {
  for (const EnumName<E>& entry : table) {
    if (name == entry.name) return entry.value;
  }
  return std::nullopt;
}

}  // namespace shardlab
