// Two files in one fuzz input (IDX images + labels): a 4-byte little-endian length of the
// first, clamped to what follows, then the first file's bytes, then the second's.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace jem::fuzz {

inline std::pair<std::string_view, std::string_view> split_two(const uint8_t* data, size_t size) {
  if (size < 4) return {};
  const size_t first = std::min<size_t>(uint32_t(data[0]) | uint32_t(data[1]) << 8 |
                                            uint32_t(data[2]) << 16 | uint32_t(data[3]) << 24,
                                        size - 4);
  const std::string_view rest(reinterpret_cast<const char*>(data) + 4, size - 4);
  return {rest.substr(0, first), rest.substr(first)};
}

inline std::string join_two(const std::string& a, const std::string& b) {
  std::string out;
  for (int i = 0; i < 4; ++i) out.push_back(char(a.size() >> (8 * i)));
  return out + a + b;
}

}  // namespace jem::fuzz
