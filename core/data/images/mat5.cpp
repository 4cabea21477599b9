#include "core/data/images/mat5.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/data/images/byte_io.h"
#include "core/data/images/image_set.h"
#include "core/util/error.h"

namespace jem {
namespace mat5 {

size_t type_size(uint32_t t) {
  switch (t) {  // clang-format off
    case miINT8: case miUINT8: return 1;
    case miINT16: case miUINT16: return 2;
    case miINT32: case miUINT32: case miSINGLE: return 4;
    case miDOUBLE: case miINT64: case miUINT64: return 8;
    default: return 0;
  }  // clang-format on
}

std::string type_name(uint32_t t) {
  static const char* names[] = {nullptr,        "miINT8",   "miUINT8",  "miINT16",  "miUINT16",
                                "miINT32",      "miUINT32", "miSINGLE", nullptr,    "miDOUBLE",
                                nullptr,        nullptr,    "miINT64",  "miUINT64", "miMATRIX",
                                "miCOMPRESSED", "miUTF8",   "miUTF16",  "miUTF32"};
  if (t < sizeof names / sizeof names[0] && names[t]) return names[t];
  return "unknown type " + std::to_string(t);
}

std::string class_name(uint32_t c) {
  static const char* names[] = {nullptr,  "cell",   "struct", "object", "char",  "sparse",
                                "double", "single", "int8",   "uint8",  "int16", "uint16",
                                "int32",  "uint32", "int64",  "uint64"};
  if (c < sizeof names / sizeof names[0] && names[c]) return names[c];
  return "unknown class " + std::to_string(c);
}

}  // namespace mat5

using namespace mat5;

namespace {

constexpr size_t kHeaderBytes = 128;
constexpr size_t kMaxDims = 32;
// Deflate expands at most ~1032:1, so an inflated size above this bound is a corrupt tag.
constexpr uint64_t kMaxDeflateRatio = 1032;

struct Element {
  uint32_t type = 0;
  std::string_view data;
  size_t offset = 0;       // of the tag, in the cursor's buffer
  size_t data_offset = 0;  // of the data, in the cursor's buffer
};

// Walks the data elements of one buffer: the file after its header, the contents of a matrix,
// or the bytes inflated from a compressed element. Errors say where, in file terms.
class Cursor {
 public:
  Cursor(std::string_view buf, const std::string& origin, size_t base, std::string context)
      : buf_(buf), origin_(origin), base_(base), context_(std::move(context)) {}

  bool done() const { return pos_ >= buf_.size(); }

  Element next() {
    Element e;
    e.offset = pos_;
    const size_t left = buf_.size() - pos_;
    if (left < 8)
      fail(pos_, "truncated data element tag: " + std::to_string(left) +
                     " bytes left where a tag takes 8 (truncated file?)");
    const uint32_t first = load_le32(buf_.data() + pos_);
    if (first >> 16) {
      // Small data element: byte count in the upper half, type in the lower, data in 4 bytes.
      e.type = first & 0xffff;
      const uint32_t n = first >> 16;
      if (n > 4)
        fail(pos_, "small data element claims " + std::to_string(n) + " bytes (at most 4)");
      e.data_offset = pos_ + 4;
      e.data = buf_.substr(e.data_offset, n);
      pos_ += 8;
      return e;
    }
    e.type = first;
    const uint32_t n = load_le32(buf_.data() + pos_ + 4);
    if (n > left - 8)
      fail(pos_, type_name(e.type) + " element declares " + std::to_string(n) + " bytes but only " +
                     std::to_string(left - 8) + " remain (truncated file?)");
    e.data_offset = pos_ + 8;
    e.data = buf_.substr(e.data_offset, n);
    // Data is padded to 8 bytes; matrices (whose sub-elements are padded already) and
    // compressed elements carry no padding of their own. A missing final pad is tolerated.
    size_t end = e.data_offset + n;
    if (e.type != miCOMPRESSED && e.type != miMATRIX)
      end = std::min(buf_.size(), (end + 7) / 8 * 8);
    pos_ = end;
    return e;
  }

  // A cursor over the contents of element e (a matrix's sub-elements).
  Cursor inside(const Element& e) const {
    return Cursor(e.data, origin_, base_ + e.data_offset, context_);
  }

  std::string where(size_t at) const { return "byte " + std::to_string(base_ + at) + context_; }

  [[noreturn]] void fail(size_t at, const std::string& what) const {
    throw Error(origin_ + ": " + what + " (at " + where(at) + ")");
  }

 private:
  std::string_view buf_;
  const std::string& origin_;
  size_t base_;
  std::string context_;
  size_t pos_ = 0;
};

void check_header(std::string_view f, const std::string& origin) {
  const std::string not_mat = origin + ": not a MATLAB level-5 MAT file: ";
  if (f.size() < kHeaderBytes)
    throw Error(not_mat + std::to_string(f.size()) +
                " bytes is shorter than the 128-byte header (truncated file?)");
  const char* h = f.data();
  if (h[126] == 'M' && h[127] == 'I')
    throw Error(origin +
                ": big-endian MAT file, not supported (re-save it on a little-endian machine)");
  if (h[126] != 'I' || h[127] != 'M')
    throw Error(not_mat + "no 'IM' endian indicator at bytes 126-127");
  const unsigned version = unsigned(load_le(h + 124, 2));
  if (version == 0x0200)
    throw Error(origin + ": MATLAB v7.3 (HDF5) MAT file, not supported (re-save it with save -v7)");
  if (version != 0x0100) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%04x", version);
    throw Error(not_mat + "version " + buf + " at byte 124, expected 0x0100");
  }
}

// Inflates the zlib stream of a miCOMPRESSED element: one whole data element (tag included).
std::string inflate_element(const Cursor& top, const Element& e) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) top.fail(e.offset, "zlib inflateInit failed");
  struct End {
    z_stream* z;
    ~End() { inflateEnd(z); }
  } end{&z};
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(e.data.data()));
  z.avail_in = uInt(e.data.size());       // < 4 GiB: the tag's size is 32-bit
  auto pump = [&](char* out, size_t n) {  // fills out[0, n) or says why not
    z.next_out = reinterpret_cast<Bytef*>(out);
    z.avail_out = uInt(n);
    while (z.avail_out > 0) {
      const int rc = inflate(&z, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) break;
      if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT)
        top.fail(e.offset, std::string("corrupt compressed variable (zlib: ") +
                               (z.msg ? z.msg : "invalid data") + ")");
      if (rc == Z_MEM_ERROR) top.fail(e.offset, "zlib ran out of memory");
      if (z.avail_out > 0 && (rc == Z_BUF_ERROR || z.avail_in == 0))
        top.fail(e.offset, "compressed variable is truncated: its zlib stream ends early");
    }
    return n - z.avail_out;
  };
  std::string out(8, '\0');
  if (pump(out.data(), 8) != 8)
    top.fail(e.offset, "compressed variable inflates to less than a tag");
  const uint32_t first = load_le32(out.data());
  const uint64_t total = (first >> 16) ? 8 : 8 + uint64_t(load_le32(out.data() + 4));
  if (total > kMaxImageFileBytes || total > e.data.size() * kMaxDeflateRatio + 64)
    top.fail(e.offset, "compressed variable claims " + std::to_string(total) +
                           " bytes, more than " + std::to_string(e.data.size()) +
                           " compressed bytes can hold (corrupt tag)");
  out.resize(total);
  const size_t got = pump(out.data() + 8, total - 8);
  if (got != total - 8)
    top.fail(e.offset, "compressed variable inflates to " + std::to_string(8 + got) +
                           " bytes, but its tag declares " + std::to_string(total));
  // Run to the end of the stream so that zlib verifies its checksum; extra bytes are ignored.
  char scratch[256];
  while (pump(scratch, sizeof scratch) == sizeof scratch) {}
  return out;
}

void parse_matrix(Cursor c, const std::vector<std::string>& wanted,
                  const std::shared_ptr<const std::string>& storage, std::vector<MatArray>& out) {
  if (c.done()) return;  // an empty matrix element: nothing to name
  const Element flags = c.next();
  if (flags.type != miUINT32 || flags.data.size() != 8)
    c.fail(flags.offset, "array flags: expected an 8-byte miUINT32 element, found " +
                             type_name(flags.type) + " of " + std::to_string(flags.data.size()) +
                             " bytes");
  const uint32_t word = load_le32(flags.data.data());
  const Element dims = c.next();
  if (dims.type != miINT32 || dims.data.size() % 4 != 0 || dims.data.size() < 8 ||
      dims.data.size() > 4 * kMaxDims)
    c.fail(dims.offset, "dimensions: expected a miINT32 element of 2 to 32 values, found " +
                            type_name(dims.type) + " of " + std::to_string(dims.data.size()) +
                            " bytes");
  const Element name_el = c.next();
  if (name_el.type != miINT8 && name_el.type != miUTF8)
    c.fail(name_el.offset,
           "array name: expected miINT8 characters, found " + type_name(name_el.type));
  const std::string name(name_el.data);
  if (std::find(wanted.begin(), wanted.end(), name) == wanted.end()) return;

  const std::string var = "variable '" + name + "'";
  for (const MatArray& a : out)
    if (a.name == name) c.fail(name_el.offset, var + " appears twice");
  MatArray a;
  a.name = name;
  a.mx_class = word & 0xff;
  if (a.mx_class < mxDOUBLE_CLASS || a.mx_class > mxUINT64_CLASS)
    c.fail(flags.offset,
           var + " is a " + class_name(a.mx_class) + " array, expected a numeric array");
  if (word & kComplexFlag) c.fail(flags.offset, var + " is complex, expected real numbers");
  uint64_t numel = 1;
  std::string shape;
  for (size_t i = 0; i < dims.data.size(); i += 4) {
    const int32_t d = int32_t(load_le32(dims.data.data() + i));
    if (d < 0) c.fail(dims.offset, var + " has a negative dimension " + std::to_string(d));
    a.dims.push_back(uint64_t(d));
    numel *= uint64_t(d);  // each factor < 2^31 and capped below: no overflow
    if (numel > kMaxImageFileBytes)
      c.fail(dims.offset, var + " claims more than " + std::to_string(kMaxImageFileBytes) +
                              " elements (corrupt dimensions)");
    shape += (i ? " x " : "") + std::to_string(d);
  }
  const Element real = c.next();
  const size_t es = type_size(real.type);
  if (es == 0)
    c.fail(real.offset,
           var + ": real part stored as " + type_name(real.type) + ", not a number type");
  if (real.data.size() != numel * es)
    c.fail(real.offset, var + " is " + shape + " = " + std::to_string(numel) + " elements of " +
                            type_name(real.type) + " (" + std::to_string(numel * es) +
                            " bytes), but its real part has " + std::to_string(real.data.size()) +
                            " bytes");
  a.data_type = real.type;
  a.real = real.data;
  a.storage = storage;
  out.push_back(std::move(a));
}

}  // namespace

uint64_t MatArray::numel() const {
  uint64_t n = 1;
  for (uint64_t d : dims) n *= d;
  return n;
}

std::vector<MatArray> read_mat5_arrays(std::string_view file, const std::string& origin,
                                       const std::vector<std::string>& wanted) {
  check_header(file, origin);
  Cursor top(file.substr(kHeaderBytes), origin, kHeaderBytes, "");
  std::vector<MatArray> out;
  while (!top.done()) {
    const Element e = top.next();
    if (e.type == miMATRIX) {
      parse_matrix(top.inside(e), wanted, nullptr, out);
    } else if (e.type == miCOMPRESSED) {
      auto storage = std::make_shared<const std::string>(inflate_element(top, e));
      Cursor in(*storage, origin, 0,
                " of the data inflated from the compressed element at " + top.where(e.offset));
      const Element m = in.next();
      if (m.type != miMATRIX)
        in.fail(m.offset, "compressed element holds " + type_name(m.type) + ", expected miMATRIX");
      parse_matrix(in.inside(m), wanted, storage, out);
    }
    // MATLAB writes nothing else at the top level; other elements are skipped.
  }
  return out;
}

std::vector<double> mat_array_to_doubles(const MatArray& a) {
  const size_t es = type_size(a.data_type);
  if (es == 0) throw Error("variable '" + a.name + "': not a number type");
  const size_t n = a.real.size() / es;
  std::vector<double> v(n);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t bits = load_le(a.real.data() + i * es, int(es));
    switch (a.data_type) {
      case miINT8: v[i] = int8_t(bits); break;
      case miINT16: v[i] = int16_t(bits); break;
      case miINT32: v[i] = int32_t(bits); break;
      case miINT64: v[i] = double(int64_t(bits)); break;
      case miSINGLE: {
        const uint32_t b32 = uint32_t(bits);
        float f;
        std::memcpy(&f, &b32, 4);
        v[i] = f;
        break;
      }
      case miDOUBLE: std::memcpy(&v[i], &bits, 8); break;
      default: v[i] = double(bits); break;  // the unsigned types
    }
  }
  return v;
}

}  // namespace jem
