#include "image_fixtures.h"

#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace jem::fixtures {
namespace {

void put_le32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(char(v >> (8 * i)));
}
void put_be32(std::string& s, uint32_t v) {
  for (int i = 3; i >= 0; --i) s.push_back(char(v >> (8 * i)));
}

}  // namespace

ImageSet synthetic_images(int n, int channels, int height, int width, int n_classes,
                          uint32_t seed) {
  ImageSet s;
  s.name = "synthetic";
  s.n = n;
  s.channels = channels;
  s.height = height;
  s.width = width;
  s.n_classes = n_classes;
  s.pixels.resize(size_t(n) * s.image_bytes());
  uint32_t x = seed * 2654435761u + 1;
  for (auto& p : s.pixels) {  // xorshift: every byte value shows up, no structure to hide a bug
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p = uint8_t(x >> 24);
  }
  for (int i = 0; i < n; ++i)
    s.labels.push_back(int32_t((seed + uint32_t(i) * 7) % uint32_t(n_classes)));
  return s;
}

std::string cifar_bytes(const ImageSet& s, CifarKind kind) {
  std::string out;
  for (int i = 0; i < s.n; ++i) {
    if (kind == CifarKind::Cifar100) out.push_back(char(s.labels[i] / 5));
    out.push_back(char(s.labels[i]));
    out.append(reinterpret_cast<const char*>(s.image(i)), s.image_bytes());
  }
  return out;
}

std::string idx_images_bytes(const ImageSet& s) {
  std::string out;
  put_be32(out, 0x00000803);
  put_be32(out, uint32_t(s.n));
  put_be32(out, uint32_t(s.height));
  put_be32(out, uint32_t(s.width));
  out.append(s.pixels.begin(), s.pixels.end());
  return out;
}

std::string idx_labels_bytes(const ImageSet& s) {
  std::string out;
  put_be32(out, 0x00000801);
  put_be32(out, uint32_t(s.n));
  for (int32_t l : s.labels) out.push_back(char(l));
  return out;
}

std::string gzip_bytes(const std::string& bytes) {
  z_stream z{};
  // windowBits 15 + 16: a gzip wrapper rather than zlib's.
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out(deflateBound(&z, uLong(bytes.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = uInt(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = uInt(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
  return out;
}

std::string mat_header() {
  std::string h = "MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024";
  h.resize(116, ' ');
  h.append(8, '\0');    // subsystem data offset: none
  h.push_back('\x00');  // version 0x0100, little-endian
  h.push_back('\x01');
  h += "IM";  // 'MI' written as a little-endian 16-bit value
  return h;
}

std::string mat_element(uint32_t type, const std::string& data) {
  std::string e;
  put_le32(e, type);
  put_le32(e, uint32_t(data.size()));
  e += data;
  e.resize((e.size() + 7) / 8 * 8, '\0');
  return e;
}

std::string mat_matrix(const std::string& name, uint32_t mx_class, const std::vector<int32_t>& dims,
                       uint32_t data_type, const std::string& real) {
  std::string flags, dim_bytes, body;
  put_le32(flags, mx_class);
  put_le32(flags, 0);
  for (int32_t d : dims) put_le32(dim_bytes, uint32_t(d));
  body += mat_element(mat5::miUINT32, flags);
  body += mat_element(mat5::miINT32, dim_bytes);
  if (name.size() <= 4) {  // small data element: byte count and type share the first 4 bytes
    put_le32(body, uint32_t(name.size()) << 16 | mat5::miINT8);
    std::string packed = name;
    packed.resize(4, '\0');
    body += packed;
  } else {
    body += mat_element(mat5::miINT8, name);
  }
  body += mat_element(data_type, real);
  return mat_element(mat5::miMATRIX, body);
}

std::string mat_compressed(const std::string& element) {
  uLongf size = compressBound(uLong(element.size()));
  std::string z(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(z.data()), &size,
                reinterpret_cast<const Bytef*>(element.data()), uLong(element.size()), 6) != Z_OK)
    throw std::runtime_error("compress2 failed");
  z.resize(size);
  std::string e;  // no padding after a compressed element
  put_le32(e, mat5::miCOMPRESSED);
  put_le32(e, uint32_t(z.size()));
  return e + z;
}

std::string svhn_mat_bytes(const ImageSet& s, const SvhnMatOptions& o) {
  const size_t H = size_t(s.height), W = size_t(s.width), C = size_t(s.channels);
  std::string x(s.pixels.size(), '\0');
  // X(h, w, c, n) column-major: h varies fastest.
  for (int n = 0; n < s.n; ++n)
    for (size_t c = 0; c < C; ++c)
      for (size_t w = 0; w < W; ++w)
        for (size_t h = 0; h < H; ++h)
          x[h + H * (w + W * (c + C * size_t(n)))] = char(s.at(n, int(c), int(h), int(w)));
  std::string y;
  for (int32_t l : s.labels) {
    const int v = l == 0 ? 10 : l;
    if (o.y_type == mat5::miUINT8) {
      y.push_back(char(v));
    } else {
      const double d = v;
      char b[8];
      std::memcpy(b, &d, 8);
      y.append(b, 8);
    }
  }
  auto wrap = [&](const std::string& e) { return o.compressed ? mat_compressed(e) : e; };
  const std::string X = wrap(
      mat_matrix("X", mat5::mxUINT8_CLASS, {s.height, s.width, s.channels, s.n}, mat5::miUINT8, x));
  const std::string Y = wrap(mat_matrix("y", mat5::mxDOUBLE_CLASS, {s.n, 1}, o.y_type, y));
  std::string out = mat_header();
  if (o.extra_variable) {
    std::string chars;  // a char array stored as miUTF8 (not numeric): must be skipped
    chars = "SVHN";
    out += wrap(mat_matrix("info", mat5::mxCHAR_CLASS, {1, 4}, mat5::miUTF8, chars));
  }
  out += o.y_first ? Y + X : X + Y;
  return out;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  const std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), std::streamsize(bytes.size()));
  if (!f) throw std::runtime_error("cannot write " + path);
}

}  // namespace jem::fixtures
