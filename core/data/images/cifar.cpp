// CIFAR-10 and CIFAR-100 binary versions (https://www.cs.toronto.edu/~kriz/cifar.html).
#include <algorithm>
#include <string>

#include "core/data/images/byte_io.h"
#include "core/data/images/image_set.h"
#include "core/util/error.h"

namespace jem {
namespace {

constexpr int kSide = 32, kChannels = 3;
constexpr size_t kPixels = size_t(kSide) * kSide * kChannels;  // 3072

void append(ImageSet& to, const ImageSet& from) {
  to.pixels.insert(to.pixels.end(), from.pixels.begin(), from.pixels.end());
  to.labels.insert(to.labels.end(), from.labels.begin(), from.labels.end());
  to.n += from.n;
}

}  // namespace

ImageSet parse_cifar(std::string_view bytes, CifarKind kind, const std::string& origin) {
  const bool c100 = kind == CifarKind::Cifar100;
  const char* format = c100 ? "CIFAR-100 binary" : "CIFAR-10 binary";
  const size_t label_bytes = c100 ? 2 : 1;
  const size_t record = label_bytes + kPixels;
  const std::string layout = std::to_string(record) + "-byte records (" +
                             (c100 ? "coarse and fine label bytes" : "1 label byte") +
                             " + 3072 pixel bytes)";
  if (bytes.empty()) throw Error(origin + ": empty file; a " + format + " file holds " + layout);
  if (bytes.size() % record != 0)
    throw Error(origin + ": " + std::to_string(bytes.size()) + " bytes is " +
                std::to_string(bytes.size() / record) + " whole records and a partial record of " +
                std::to_string(bytes.size() % record) + " bytes; a " + format + " file holds " +
                layout + " (truncated download?)");
  const size_t n = bytes.size() / record;
  if (n > size_t(kMaxImageFileBytes / record)) throw Error(origin + ": too many records");

  ImageSet s;
  s.name = c100 ? "cifar100" : "cifar10";
  s.n = int(n);
  s.channels = kChannels;
  s.height = s.width = kSide;
  s.n_classes = c100 ? 100 : 10;
  s.labels.resize(n);
  s.pixels.resize(n * kPixels);
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  for (size_t i = 0; i < n; ++i) {
    const unsigned char* rec = in + i * record;
    const int label = rec[label_bytes - 1];
    // CIFAR-100 has 20 superclasses: a larger coarse byte means the file is not CIFAR-100.
    if (c100 && rec[0] >= 20)
      throw Error(origin + ": record " + std::to_string(i) + " has coarse label " +
                  std::to_string(rec[0]) + ", expected 0..19 (is this a CIFAR-10 file?)");
    if (label >= s.n_classes)
      throw Error(origin + ": record " + std::to_string(i) + " has " + (c100 ? "fine " : "") +
                  "label " + std::to_string(label) + ", expected 0.." +
                  std::to_string(s.n_classes - 1) + (c100 ? "" : " (is this a CIFAR-100 file?)"));
    s.labels[i] = label;
    // The pixels are already R, G, B planes of row-major 32x32: exactly C x H x W.
    std::copy(rec + label_bytes, rec + record, s.pixels.begin() + std::ptrdiff_t(i * kPixels));
  }
  return s;
}

ImageSet read_cifar(const std::vector<std::string>& paths, CifarKind kind) {
  if (paths.empty()) throw Error("read_cifar: no files given");
  ImageSet all;
  for (size_t k = 0; k < paths.size(); ++k) {
    ImageSet part = parse_cifar(read_file_capped(paths[k], kMaxImageFileBytes), kind, paths[k]);
    if (k == 0) {
      all = std::move(part);
      continue;
    }
    if (uint64_t(all.n) + uint64_t(part.n) > uint64_t(kMaxImageFileBytes / kPixels))
      throw Error(paths[k] + ": too many images in all files together");
    append(all, part);
  }
  return all;
}

}  // namespace jem
