// IDX files through read_idx, plain or gzip: the reader takes paths, so both files of the input
// (see two_files.h) are written to a private temporary folder first.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/data/images/image_set.h"
#include "core/util/error.h"
#include "tests/fuzz/two_files.h"

namespace {

std::string g_dir;
void remove_folder() {
  std::error_code ec;
  std::filesystem::remove_all(g_dir, ec);
}

const std::string& folder() {
  if (g_dir.empty()) {
    std::string t = (std::filesystem::temp_directory_path() / "jemlab_fuzz_idx_XXXXXX").string();
    if (!mkdtemp(t.data())) std::abort();
    g_dir = t;
    std::atexit(remove_folder);
  }
  return g_dir;
}

void write(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), std::streamsize(bytes.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [images, labels] = jem::fuzz::split_two(data, size);
  const std::string ip = folder() + "/images.gz", lp = folder() + "/labels.gz";
  write(ip, images);
  write(lp, labels);
  try {
    jem::read_idx(ip, lp, "mnist");
  } catch (const jem::Error&) {
  }
  return 0;
}
