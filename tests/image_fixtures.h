// Small image-dataset files in their exact on-disk formats (CIFAR binary, IDX, MATLAB level-5
// MAT as SVHN ships it, gzip): for the reader tests, and as seed corpora for fuzzers.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/images/image_set.h"
#include "core/data/images/mat5.h"

namespace jem::fixtures {

// Deterministic pixels and labels (labels cycle through the classes from `seed`).
ImageSet synthetic_images(int n, int channels, int height, int width, int n_classes, uint32_t seed);

// CIFAR records; for CIFAR-100 the coarse label written is fine / 5 (any value 0..19 will do).
std::string cifar_bytes(const ImageSet& s, CifarKind kind);
std::string idx_images_bytes(const ImageSet& s);  // magic 0x00000803, N, rows, cols, pixels
std::string idx_labels_bytes(const ImageSet& s);  // magic 0x00000801, N, labels
std::string gzip_bytes(const std::string& bytes);

// Level-5 MAT building blocks: the 128-byte header; one miMATRIX element of a real numeric
// array (array flags, dimensions, name and real part, each padded to 8 bytes, names of up to
// 4 bytes in the small element format); the same element wrapped in zlib miCOMPRESSED.
std::string mat_header();
std::string mat_element(uint32_t type, const std::string& data);  // tag + data + padding
std::string mat_matrix(const std::string& name, uint32_t mx_class, const std::vector<int32_t>& dims,
                       uint32_t data_type, const std::string& real);
std::string mat_compressed(const std::string& element);

struct SvhnMatOptions {
  bool compressed = false;           // each variable in its own miCOMPRESSED, as save -v7
  uint32_t y_type = mat5::miDOUBLE;  // storage of y (class double): miDOUBLE or miUINT8
  bool y_first = false;              // variable order
  bool extra_variable = false;       // a char variable 'info' before X and y, to be skipped
};
// X as uint8 H x W x C x N column-major, y as N x 1 double with digit 0 written as 10.
std::string svhn_mat_bytes(const ImageSet& s, const SvhnMatOptions& o = {});

void write_bytes(const std::string& path, const std::string& bytes);  // creates parent folders

}  // namespace jem::fixtures
