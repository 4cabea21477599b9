// Writes that never leave a half-written file behind: temp file in the same folder, fsync, rename.
#pragma once
#include <string>

namespace jem {

// Throws Error naming the path on any failure; the previous file, if any, stays intact.
void write_file_atomically(const std::string& path, const std::string& bytes);
std::string read_file(const std::string& path);  // throws Error naming the path

}  // namespace jem
