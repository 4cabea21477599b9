// Image datasets read from their original distribution files (CIFAR-10/100 binary, SVHN .mat,
// MNIST-style IDX), without torch: this library builds fast and its parsers can be fuzzed.
// Every reader checks sizes and headers before it allocates and throws Error naming the file
// and what is wrong; the parse_* functions take the bytes themselves (fuzzer entry points).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jem {

struct ImageSet {
  std::string name;  // dataset name: cifar10, cifar100, svhn, mnist, fashion_mnist
  int n = 0, channels = 0, height = 0, width = 0;
  int n_classes = 0;
  std::vector<uint8_t> pixels;  // N x C x H x W, row-major within a channel
  std::vector<int32_t> labels;  // N, each in [0, n_classes)

  size_t image_bytes() const { return size_t(channels) * size_t(height) * size_t(width); }
  const uint8_t* image(int i) const { return pixels.data() + size_t(i) * image_bytes(); }
  uint8_t at(int i, int c, int y, int x) const {
    return image(i)[(size_t(c) * height + size_t(y)) * width + size_t(x)];
  }
};

// Files above this are refused before reading (the largest standard one, SVHN train, is 182 MB).
inline constexpr uint64_t kMaxImageFileBytes = uint64_t(2) << 30;

// CIFAR binary: records of label byte(s) + 3072 pixel bytes (R, G, B planes of 32x32).
// CIFAR-100 records start with the coarse label, then the fine label (the one kept, 100 classes).
enum class CifarKind { Cifar10, Cifar100 };
ImageSet parse_cifar(std::string_view bytes, CifarKind kind, const std::string& origin);
// Reads and concatenates the files in order (e.g. data_batch_1.bin .. data_batch_5.bin).
ImageSet read_cifar(const std::vector<std::string>& paths, CifarKind kind);

// SVHN cropped digits: a MATLAB level-5 MAT file with X (uint8, H x W x C x N, column-major)
// and y (N labels 1..10, 10 meaning digit 0; stored as double or any integer type).
ImageSet parse_svhn_mat(std::string_view bytes, const std::string& origin);
ImageSet read_svhn_mat(const std::string& path);

// IDX (MNIST, Fashion-MNIST): images magic 0x00000803 (uint8, N x rows x cols), labels magic
// 0x00000801 (uint8, N). The read_ variant accepts plain or gzip files.
ImageSet parse_idx(std::string_view image_bytes, std::string_view label_bytes,
                   const std::string& images_origin, const std::string& labels_origin,
                   const std::string& name, int n_classes = 10);
ImageSet read_idx(const std::string& images_path, const std::string& labels_path,
                  const std::string& name, int n_classes = 10);

}  // namespace jem
