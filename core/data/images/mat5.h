// MATLAB level-5 MAT files (MATLAB 5 to 7.x; MathWorks, "MAT-File Format"), read far enough to
// get named real numeric arrays out: a 128-byte header, then tagged data elements (miMATRIX,
// possibly inside a zlib miCOMPRESSED element). Cells, structs, sparse, char and complex
// arrays are skipped, or refused when asked for; big-endian and v7.3 (HDF5) files are refused.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace jem {
namespace mat5 {

// Data element types (mi*) and array classes (mx*_CLASS), numbered as in the format spec.
// clang-format off
enum : uint32_t {
  miINT8 = 1, miUINT8 = 2, miINT16 = 3, miUINT16 = 4, miINT32 = 5, miUINT32 = 6, miSINGLE = 7,
  miDOUBLE = 9, miINT64 = 12, miUINT64 = 13, miMATRIX = 14, miCOMPRESSED = 15, miUTF8 = 16,
  miUTF16 = 17, miUTF32 = 18
};
enum : uint32_t {
  mxCELL_CLASS = 1, mxSTRUCT_CLASS = 2, mxOBJECT_CLASS = 3, mxCHAR_CLASS = 4, mxSPARSE_CLASS = 5,
  mxDOUBLE_CLASS = 6, mxSINGLE_CLASS = 7, mxINT8_CLASS = 8, mxUINT8_CLASS = 9, mxINT16_CLASS = 10,
  mxUINT16_CLASS = 11, mxINT32_CLASS = 12, mxUINT32_CLASS = 13, mxINT64_CLASS = 14,
  mxUINT64_CLASS = 15
};
// clang-format on
constexpr uint32_t kComplexFlag = 0x0800;  // in the array flags word, above the class byte

size_t type_size(uint32_t mi_type);  // bytes per element of a numeric type, 0 otherwise
std::string type_name(uint32_t mi_type);
std::string class_name(uint32_t mx_class);

}  // namespace mat5

struct MatArray {
  std::string name;
  uint32_t mx_class = 0;
  std::vector<uint64_t> dims;  // MATLAB order: column-major, the first index varies fastest
  uint32_t data_type = 0;      // how the real part is stored; MATLAB may store a double array
                               // as miUINT8 when its values fit
  std::string_view real;       // little-endian elements, in the file or in `storage`
  std::shared_ptr<const std::string> storage;  // the inflated bytes of a compressed variable
  uint64_t numel() const;
};

// The variables named in `wanted` that the file holds, in file order; others are skipped.
// Throws Error with `origin`, the byte offset and the problem for anything malformed on the
// way. The arrays may point into `file`: keep it alive while using them.
std::vector<MatArray> read_mat5_arrays(std::string_view file, const std::string& origin,
                                       const std::vector<std::string>& wanted);

// The real part converted to double, whatever numeric type stores it.
std::vector<double> mat_array_to_doubles(const MatArray& a);

}  // namespace jem
