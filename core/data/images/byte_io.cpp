#include "core/data/images/byte_io.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/util/error.h"

namespace fs = std::filesystem;

namespace jem {
namespace {

uint64_t regular_file_size(const std::string& path) {
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw Error(path + ": file not found");
  if (!fs::is_regular_file(st)) throw Error(path + ": not a regular file");
  const uint64_t size = fs::file_size(path, ec);
  if (ec) throw Error(path + ": cannot get the file size: " + ec.message());
  return size;
}

std::string too_large(const std::string& path, const std::string& what, uint64_t limit) {
  return path + ": " + what + " more than " + std::to_string(limit) +
         " bytes, larger than any dataset file this reader knows; refusing to load it";
}

// gzerror's message starts with the path; ours already does.
std::string zlib_message(gzFile f, const std::string& path, int* err) {
  const char* msg = gzerror(f, err);
  std::string m = msg ? msg : "unknown error";
  if (m.compare(0, path.size() + 2, path + ": ") == 0) m.erase(0, path.size() + 2);
  return m;
}

}  // namespace

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

std::string read_file_capped(const std::string& path, uint64_t max_bytes) {
  const uint64_t size = regular_file_size(path);
  if (size > max_bytes) throw Error(too_large(path, "the file has", max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open: " + std::strerror(errno));
  std::string bytes(size, '\0');
  in.read(bytes.data(), std::streamsize(size));
  if (uint64_t(in.gcount()) != size)
    throw Error(path + ": read " + std::to_string(in.gcount()) + " of " + std::to_string(size) +
                " bytes (the file changed while reading?)");
  return bytes;
}

std::string read_maybe_gzip(const std::string& path, uint64_t max_bytes) {
  const uint64_t size = regular_file_size(path);  // a clear message for missing files and folders
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw Error(path + ": cannot open: " + std::strerror(errno));
  struct Closer {
    gzFile f;
    ~Closer() { gzclose(f); }
  } closer{f};
  // Buffers and chunks start small and grow with the data: small files (tests, the fuzzer)
  // then cost no megabyte of zeroed pages, large ones still read in 1 MiB chunks.
  gzbuffer(f, unsigned(std::clamp<uint64_t>(size, 1 << 13, 1 << 17)));
  std::string out;
  for (;;) {
    if (out.size() > max_bytes) throw Error(too_large(path, "decompresses to", max_bytes));
    const size_t old = out.size();
    const size_t chunk = std::clamp<size_t>(old, 1 << 13, 1 << 20);
    out.resize(old + chunk);  // grows with real data only: amortised doubling by std::string
    const int got = gzread(f, out.data() + old, unsigned(chunk));
    if (got < 0) {
      int err = 0;
      throw Error(path + ": corrupt gzip data (zlib: " + zlib_message(f, path, &err) + ")");
    }
    out.resize(old + size_t(got));
    if (got == 0) break;
  }
  // A truncated stream ends like a clean EOF; zlib only records it as an error.
  int err = Z_OK;
  const std::string msg = zlib_message(f, path, &err);
  if (err != Z_OK)
    throw Error(path + ": gzip stream is " +
                std::string(err == Z_BUF_ERROR ? "truncated" : "corrupt") + " after " +
                std::to_string(out.size()) + " decompressed bytes (zlib: " + msg + ")");
  return out;
}

}  // namespace jem
