// IDX files of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/, format at the end):
// a big-endian magic (0, 0, type code, number of dimensions), the dimensions, then the data.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/images/byte_io.h"
#include "core/data/images/image_set.h"
#include "core/util/error.h"

namespace jem {
namespace {

constexpr uint32_t kImagesMagic = 0x00000803, kLabelsMagic = 0x00000801;
constexpr uint32_t kMaxSide = 4096;

struct IdxFile {
  std::vector<uint32_t> dims;
  std::string_view data;
  uint64_t total = 0;  // data bytes the dimensions declare
};

std::string describe_magic(uint32_t magic) {
  if (magic == kImagesMagic) return " (that of an IDX images file)";
  if (magic == kLabelsMagic) return " (that of an IDX labels file)";
  if ((magic >> 16) == 0x1f8b) return " (gzip data: decompress it or name it .gz)";
  return "";
}

IdxFile parse_header(std::string_view bytes, uint32_t magic, const std::string& origin,
                     const char* what) {
  const uint32_t ndims = magic & 0xff;
  const size_t header = 4 + 4 * size_t(ndims);
  if (bytes.size() < 4)
    throw Error(origin + ": " + std::to_string(bytes.size()) +
                "-byte file is too short for an IDX " + what +
                " file (the magic number alone takes 4 bytes)");
  const uint32_t got = load_be32(bytes.data());
  if (got != magic)
    throw Error(origin + ": wrong magic number " + hex32(got) + describe_magic(got) +
                ", expected " + hex32(magic) + " for an IDX " + what + " file (unsigned bytes, " +
                std::to_string(ndims) + " dimension" + (ndims > 1 ? "s" : "") + ")");
  if (bytes.size() < header)
    throw Error(origin + ": truncated IDX header: " + std::to_string(bytes.size()) +
                " bytes, the " + std::to_string(ndims) + " dimensions need " +
                std::to_string(header));
  IdxFile f;
  uint64_t total = 1;
  for (uint32_t d = 0; d < ndims; ++d) {
    f.dims.push_back(load_be32(bytes.data() + 4 + 4 * d));
    total *= f.dims.back();  // capped at every step, so the product cannot overflow
    if (total > kMaxImageFileBytes) {
      throw Error(origin + ": header dimensions claim more than " +
                  std::to_string(kMaxImageFileBytes) + " bytes of data; the header is corrupt");
    }
  }
  f.data = bytes.substr(header);
  f.total = total;
  return f;
}

// After the caller's checks of the dimensions, which say more than a size mismatch would.
void check_data_size(const IdxFile& f, const std::string& origin) {
  const uint64_t total = f.total;
  if (f.data.size() < total)
    throw Error(origin + ": truncated: the header declares " + std::to_string(total) +
                " data bytes but only " + std::to_string(f.data.size()) + " follow");
  if (f.data.size() > total)
    throw Error(origin + ": " + std::to_string(f.data.size() - total) +
                " unexpected bytes after the " + std::to_string(total) +
                " data bytes the header declares");
}

}  // namespace

ImageSet parse_idx(std::string_view image_bytes, std::string_view label_bytes,
                   const std::string& images_origin, const std::string& labels_origin,
                   const std::string& name, int n_classes) {
  if (n_classes < 1 || n_classes > 256) throw Error(name + ": n_classes must be 1..256");
  const IdxFile im = parse_header(image_bytes, kImagesMagic, images_origin, "images");
  const uint32_t n = im.dims[0], rows = im.dims[1], cols = im.dims[2];
  if (n == 0 || n > uint32_t(INT32_MAX))
    throw Error(images_origin + ": the header declares " + std::to_string(n) + " images");
  if (rows == 0 || cols == 0 || rows > kMaxSide || cols > kMaxSide)
    throw Error(images_origin + ": image size " + std::to_string(rows) + " x " +
                std::to_string(cols) + " is out of range (1.." + std::to_string(kMaxSide) +
                " per side)");
  check_data_size(im, images_origin);
  const IdxFile lb = parse_header(label_bytes, kLabelsMagic, labels_origin, "labels");
  if (lb.dims[0] != n)
    throw Error(labels_origin + ": " + std::to_string(lb.dims[0]) + " labels, but " +
                images_origin + " has " + std::to_string(n) + " images");
  check_data_size(lb, labels_origin);

  ImageSet s;
  s.name = name;
  s.n = int(n);
  s.channels = 1;
  s.height = int(rows);
  s.width = int(cols);
  s.n_classes = n_classes;
  s.labels.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    const int label = static_cast<unsigned char>(lb.data[i]);
    if (label >= n_classes)
      throw Error(labels_origin + ": the label of image " + std::to_string(i) + " is " +
                  std::to_string(label) + ", expected 0.." + std::to_string(n_classes - 1));
    s.labels[i] = label;
  }
  s.pixels.assign(im.data.begin(), im.data.end());
  return s;
}

ImageSet read_idx(const std::string& images_path, const std::string& labels_path,
                  const std::string& name, int n_classes) {
  const std::string images = read_maybe_gzip(images_path, kMaxImageFileBytes);
  const std::string labels = read_maybe_gzip(labels_path, kMaxImageFileBytes);
  return parse_idx(images, labels, images_path, labels_path, name, n_classes);
}

}  // namespace jem
