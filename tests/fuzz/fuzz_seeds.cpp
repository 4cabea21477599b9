// Writes the seed corpora of the fuzzers into OUT_DIR/<harness without fuzz_>/: small valid
// files of every format (tests/image_fixtures), the shipped configs and presets. Torch-free;
// fuzz_checkpoint_seeds writes the checkpoints. Usage: fuzz_seeds OUT_DIR
#include <cstdio>
#include <filesystem>
#include <string>

#include "core/params/schema.h"
#include "core/util/atomic_file.h"
#include "tests/fuzz/two_files.h"
#include "tests/image_fixtures.h"

using namespace jem;
using namespace jem::fixtures;
namespace fs = std::filesystem;

namespace {

std::string g_out;

void seed(const std::string& harness, const std::string& name, const std::string& bytes) {
  write_bytes(g_out + "/" + harness + "/" + name, bytes);
}

void copy_json(const std::string& harness, const std::string& dir) {
  for (const auto& e : fs::directory_iterator(std::string(JEMLAB_SOURCE_DIR) + "/" + dir))
    if (e.path().extension() == ".json") seed(harness, e.path().filename().string(), read_file(e.path().string()));
}

// A libFuzzer dictionary for the JSON harnesses: the syntax and every knob's name as a key.
std::string json_dictionary() {
  std::string d;
  for (const char* t : {"{", "}", "[", "]", ":", ",", "true", "false", "null", "1e308", "-0", "0.5",
                        "\\\"", "\\\\u0000", "\\\\ud800", "\\\"_title\\\"", "\\\"_description\\\""})
    d += "\"" + std::string(t) + "\"\n";
  for (const ParamSpec& p : schema()) d += "\"\\\"" + p.name + "\\\":\"\n";
  return d;
}

std::string le_bytes(const void* p, size_t n) { return std::string(static_cast<const char*>(p), n); }

// One numeric array 'a' (2 x 2) per storage type, for the MAT parser's conversions.
void mat5_numeric_seeds() {
  using namespace mat5;
  const int8_t i8[4] = {-1, 2, -3, 4};
  const int16_t i16[4] = {-300, 2, 3, 4};
  const int32_t i32[4] = {-70000, 2, 3, 4};
  const int64_t i64[4] = {-(int64_t(1) << 40), 2, 3, 4};
  const float f32[4] = {0.5f, -1.f, 2.f, 3.f};
  const double f64[4] = {0.25, -1, 1e300, 3};
  const struct {
    const char* name;
    uint32_t type, cls;
    std::string data;
  } arrays[] = {
      {"int8", miINT8, mxINT8_CLASS, le_bytes(i8, sizeof i8)},
      {"uint8", miUINT8, mxUINT8_CLASS, le_bytes(i8, sizeof i8)},
      {"int16", miINT16, mxINT16_CLASS, le_bytes(i16, sizeof i16)},
      {"uint16", miUINT16, mxUINT16_CLASS, le_bytes(i16, sizeof i16)},
      {"int32", miINT32, mxINT32_CLASS, le_bytes(i32, sizeof i32)},
      {"uint32", miUINT32, mxUINT32_CLASS, le_bytes(i32, sizeof i32)},
      {"int64", miINT64, mxINT64_CLASS, le_bytes(i64, sizeof i64)},
      {"uint64", miUINT64, mxUINT64_CLASS, le_bytes(i64, sizeof i64)},
      {"single", miSINGLE, mxSINGLE_CLASS, le_bytes(f32, sizeof f32)},
      {"double", miDOUBLE, mxDOUBLE_CLASS, le_bytes(f64, sizeof f64)},
  };
  for (const auto& a : arrays) {
    const std::string m = mat_matrix("a", a.cls, {2, 2}, a.type, a.data);
    seed("mat5", a.name, mat_header() + m);
    seed("mat5", std::string(a.name) + "_compressed", mat_header() + mat_compressed(m));
  }
}

void image_seeds() {
  const ImageSet c10 = synthetic_images(2, 3, 32, 32, 10, 1), c100 = synthetic_images(2, 3, 32, 32, 100, 2);
  seed("cifar", "cifar10.bin", cifar_bytes(c10, CifarKind::Cifar10));
  seed("cifar", "cifar100.bin", cifar_bytes(c100, CifarKind::Cifar100));

  const ImageSet sv = synthetic_images(3, 3, 8, 8, 10, 3);
  for (int v = 0; v < 8; ++v) {
    SvhnMatOptions o;
    o.compressed = v & 1;
    o.y_first = v & 2;
    o.extra_variable = v & 4;
    const std::string name = "svhn_" + std::to_string(v);
    seed("svhn", name + ".mat", svhn_mat_bytes(sv, o));
    seed("mat5", name + ".mat", svhn_mat_bytes(sv, o));
    o.y_type = mat5::miUINT8;
    seed("svhn", name + "_y8.mat", svhn_mat_bytes(sv, o));
  }
  mat5_numeric_seeds();

  const ImageSet mn = synthetic_images(3, 1, 6, 5, 10, 4);
  const std::string im = idx_images_bytes(mn), lb = idx_labels_bytes(mn);
  seed("idx", "mnist", fuzz::join_two(im, lb));
  seed("idx_gzip", "mnist_gz", fuzz::join_two(gzip_bytes(im), gzip_bytes(lb)));
  seed("idx_gzip", "mnist_plain", fuzz::join_two(im, lb));
  seed("idx_gzip", "mnist_mixed", fuzz::join_two(gzip_bytes(im), lb));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  g_out = argv[1];
  image_seeds();
  copy_json("config", "assets/configs");
  copy_json("config", "assets/presets");
  copy_json("preset", "assets/presets");
  seed("points_csv", "three.csv", "x0,x1,label\n0,0,0\n1,1,1\n2,2,2\n0.5,-1e-3,0\n1e5,2,1\n3,3,2\n4,4,0\n5,5,1\n6,6,2\n7,7,0\n");
  seed("points_csv", "crlf.csv", " 1 , 2 ,0\r\n\r\n3,4,1\r\n5,6,0\r\n7,8,1\r\n9,10,0\r\n1,1,1\r\n2,2,0\r\n3,3,1\r\n4,4,0\r\n5,5,1\r\n");
  seed("session", "session.json",
       "{\"jemlab_session\": 1, \"settings\": {\"sgld_lr\": 0.5, \"eps\": \"0,0.2\"}, \"view\": [-3, 3, -2, 2],"
       " \"landscape\": {\"field\": \"energy\", \"drift\": true, \"contours\": 4}, \"tab\": \"ood\","
       " \"lesson\": {\"title\": \"t\", \"description\": \"d\", \"look\": \"l\", \"try\": \"y\", \"preset\": \"\"},"
       " \"points\": {\"x0\": [0,1,2,3,4,5,6,7,8,9], \"x1\": [0,1,2,3,4,5,6,7,8,9], \"label\": [0,1,0,1,0,1,0,1,0,1]}}");
  write_bytes(g_out + "/json.dict", json_dictionary());
  std::printf("fuzz_seeds: corpora written to %s\n", g_out.c_str());
  return 0;
}
