#include "core/io/zip_directory.h"

#include <zlib.h>

#include "core/util/error.h"

namespace jem {
namespace {

constexpr uint32_t kEndSig = 0x06054b50, kEnd64Sig = 0x06064b50, kLocator64Sig = 0x07064b50;
constexpr uint32_t kCentralSig = 0x02014b50, kLocalSig = 0x04034b50;
constexpr size_t kEndSize = 22, kEnd64Size = 56, kLocator64Size = 20, kCentralSize = 46, kLocalSize = 30;

// Little-endian fields at checked offsets of the whole input.
class Reader {
 public:
  Reader(const std::string& bytes, const std::string& origin) : b_(bytes), origin_(origin) {}
  uint64_t u(uint64_t at, int width) const {
    need(at, width);
    uint64_t v = 0;
    for (int i = width - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b_[at + i]);
    return v;
  }
  void need(uint64_t at, uint64_t n) const {
    if (at > b_.size() || n > b_.size() - at) fail("truncated");
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(origin_ + ": not a readable training state (zip: " + what + ")");
  }
  const std::string& bytes() const { return b_; }

 private:
  const std::string& b_;
  const std::string& origin_;
};

// Zip64 extended information (extra field 0x0001): the 64-bit values of the saturated fields.
void read_zip64_extra(const Reader& r, uint64_t at, uint64_t end, ZipEntry& e) {
  const bool want_size = e.size == 0xFFFFFFFFu, want_comp = e.compressed_size == 0xFFFFFFFFu;
  const bool want_ofs = e.local_header_offset == 0xFFFFFFFFu;
  if (!want_size && !want_comp && !want_ofs) return;
  while (at + 4 <= end) {
    const uint64_t id = r.u(at, 2), len = r.u(at + 2, 2);
    if (at + 4 + len > end) break;
    if (id == 1) {
      uint64_t p = at + 4;
      const uint64_t stop = p + len;
      auto take = [&](uint64_t& field) {
        if (p + 8 > stop) r.fail("short zip64 field");
        field = r.u(p, 8), p += 8;
      };
      if (want_size) take(e.size);
      if (want_comp) take(e.compressed_size);
      if (want_ofs) take(e.local_header_offset);
      return;
    }
    at += 4 + len;
  }
  r.fail("saturated size without zip64 field");
}

}  // namespace

std::vector<ZipEntry> read_zip_directory(const std::string& bytes, const std::string& origin) {
  const Reader r(bytes, origin);
  // miniz takes the last end-record signature with a whole record after it; ours has no comment.
  if (bytes.size() < kEndSize) r.fail("no end record");
  const uint64_t end = bytes.size() - kEndSize;
  if (r.u(end, 4) != kEndSig || r.u(end + 20, 2) != 0) r.fail("no end record at the end");
  if (r.u(end + 4, 2) != 0 || r.u(end + 6, 2) != 0) r.fail("multi-disk archive");
  uint64_t entries = r.u(end + 10, 2), entries_here = r.u(end + 8, 2);
  uint64_t dir_size = r.u(end + 12, 4), dir_at = r.u(end + 16, 4);

  // miniz versions differ on when they prefer the zip64 record, so both must agree.
  if (end >= kLocator64Size + kEnd64Size && r.u(end - kLocator64Size, 4) == kLocator64Sig) {
    const uint64_t loc = end - kLocator64Size, at = r.u(loc + 8, 8);
    if (r.u(loc + 4, 4) != 0 || r.u(loc + 16, 4) != 1) r.fail("multi-disk zip64 archive");
    if (at > bytes.size() - kEnd64Size || r.u(at, 4) != kEnd64Sig) r.fail("bad zip64 end record");
    if (r.u(at + 4, 8) < kEnd64Size - 12 || r.u(at + 16, 4) != 0 || r.u(at + 20, 4) != 0)
      r.fail("bad zip64 end record");
    auto agree = [&](uint64_t& small, uint64_t big, uint64_t saturated) {
      if (small != saturated && small != big) r.fail("end records disagree");
      small = big;
    };
    agree(entries_here, r.u(at + 24, 8), 0xFFFF);
    agree(entries, r.u(at + 32, 8), 0xFFFF);
    agree(dir_size, r.u(at + 40, 8), 0xFFFFFFFFu);
    agree(dir_at, r.u(at + 48, 8), 0xFFFFFFFFu);
  }
  if (entries != entries_here || entries > 0xFFFFFFFFu) r.fail("bad entry count");
  if (dir_at > bytes.size() || dir_size > bytes.size() - dir_at) r.fail("directory outside the file");
  if (dir_size / kCentralSize < entries) r.fail("directory too small");

  std::vector<ZipEntry> out;
  out.reserve(entries);
  uint64_t p = dir_at;
  const uint64_t dir_end = dir_at + dir_size;
  for (uint64_t i = 0; i < entries; ++i) {
    if (p + kCentralSize > dir_end || r.u(p, 4) != kCentralSig) r.fail("bad directory entry");
    ZipEntry e;
    e.flags = uint16_t(r.u(p + 8, 2)), e.method = uint16_t(r.u(p + 10, 2));
    e.crc = uint32_t(r.u(p + 16, 4));
    e.compressed_size = r.u(p + 20, 4), e.size = r.u(p + 24, 4);
    const uint64_t name_len = r.u(p + 28, 2), extra_len = r.u(p + 30, 2), comment_len = r.u(p + 32, 2);
    e.external_attributes = uint32_t(r.u(p + 38, 4));
    e.local_header_offset = r.u(p + 42, 4);
    const uint64_t next = p + kCentralSize + name_len + extra_len + comment_len;
    if (next > dir_end) r.fail("bad directory entry");
    e.name = bytes.substr(p + kCentralSize, name_len);
    read_zip64_extra(r, p + kCentralSize + name_len, p + kCentralSize + name_len + extra_len, e);
    out.push_back(std::move(e));
    p = next;
  }
  return out;
}

std::string read_stored_entry(const std::string& bytes, const ZipEntry& e, const std::string& origin) {
  const Reader r(bytes, origin);
  const bool encrypted_or_patched = e.flags & (0x0001 | 0x0020 | 0x0040);
  const bool directory = (!e.name.empty() && e.name.back() == '/') || (e.external_attributes & 0x10);
  if (e.method != 0 || encrypted_or_patched || directory || e.compressed_size != e.size)
    r.fail("'" + e.name + "' is not a stored file");
  if (r.u(e.local_header_offset, 4) != kLocalSig) r.fail("'" + e.name + "' has no local header");
  const uint64_t data = e.local_header_offset + kLocalSize + r.u(e.local_header_offset + 26, 2) +
                        r.u(e.local_header_offset + 28, 2);
  r.need(data, e.size);
  std::string out = bytes.substr(data, e.size);
  const uLong crc = crc32_z(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(out.data()), out.size());
  if (crc != e.crc) r.fail("'" + e.name + "' fails its CRC");
  return out;
}

}  // namespace jem
