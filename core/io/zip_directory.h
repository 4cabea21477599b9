// A zip's central directory read the way LibTorch's miniz reads it (end record, zip64 end
// record, entries in file order), without extracting anything but small stored records.
// LibTorch's PyTorchStreamReader leaks its miniz state when its constructor throws, so
// archive_check.cpp uses this to refuse such archives before a reader is ever built.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace jem {

struct ZipEntry {
  std::string name;
  uint16_t flags = 0, method = 0;
  uint32_t crc = 0, external_attributes = 0;
  uint64_t compressed_size = 0, size = 0, local_header_offset = 0;
};

// The entries in central-directory order; throws Error (naming origin) on anything that is no
// single-disk zip with a consistent directory.
std::vector<ZipEntry> read_zip_directory(const std::string& bytes, const std::string& origin);

// The contents of a stored (uncompressed, unencrypted) entry whose CRC matches; throws Error.
std::string read_stored_entry(const std::string& bytes, const ZipEntry& entry, const std::string& origin);

}  // namespace jem
