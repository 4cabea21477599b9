// File and byte helpers shared by the image readers. Sizes are checked before allocating, so
// a corrupt header or a huge file gives an Error, not an out-of-memory abort.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace jem {

// The whole file; throws Error naming the path when it is missing, not a regular file, larger
// than max_bytes, or unreadable.
std::string read_file_capped(const std::string& path, uint64_t max_bytes);
// A plain or gzip file (zlib tells them apart), decompressed. The buffer grows with the data
// actually read, never with a size a header claims; throws when more than max_bytes come out
// or the gzip stream is corrupt or truncated.
std::string read_maybe_gzip(const std::string& path, uint64_t max_bytes);

inline uint32_t load_be32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t(u[0]) << 24 | uint32_t(u[1]) << 16 | uint32_t(u[2]) << 8 | uint32_t(u[3]);
}
inline uint32_t load_le32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t(u[3]) << 24 | uint32_t(u[2]) << 16 | uint32_t(u[1]) << 8 | uint32_t(u[0]);
}
inline uint64_t load_le(const char* p, int n) {  // n <= 8 bytes, little-endian
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(p[i]);
  return v;
}
std::string hex32(uint32_t v);  // "0x00000803"

}  // namespace jem
