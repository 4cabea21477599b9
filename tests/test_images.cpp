// Image dataset readers against files written in their exact formats (image_fixtures), and
// every way a file can be wrong giving a clear Error. No torch.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <random>

#include "core/data/images/image_datasets.h"
#include "core/data/images/image_set.h"
#include "core/data/images/mat5.h"
#include "core/util/error.h"
#include "image_fixtures.h"

using namespace jem;
using namespace jem::fixtures;
namespace fs = std::filesystem;

namespace {

// The Error's message, checked to hold every fragment; any other exception fails the test.
std::string expect_error(const std::function<void()>& f,
                         const std::vector<std::string>& fragments) {
  try {
    f();
  } catch (const Error& e) {
    const std::string msg = e.what();
    for (const auto& frag : fragments)
      EXPECT_NE(msg.find(frag), std::string::npos) << "'" << frag << "' not in: " << msg;
    return msg;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected jem::Error, got another exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected an Error holding '" << (fragments.empty() ? "" : fragments[0]) << "'";
  return "";
}

void expect_same(const ImageSet& got, const ImageSet& want) {
  EXPECT_EQ(got.n, want.n);
  EXPECT_EQ(got.channels, want.channels);
  EXPECT_EQ(got.height, want.height);
  EXPECT_EQ(got.width, want.width);
  EXPECT_EQ(got.labels, want.labels);
  EXPECT_TRUE(got.pixels == want.pixels) << "pixels differ";
}

ImageSet concat(const std::vector<ImageSet>& parts) {
  ImageSet all = parts[0];
  for (size_t k = 1; k < parts.size(); ++k) {
    all.n += parts[k].n;
    all.pixels.insert(all.pixels.end(), parts[k].pixels.begin(), parts[k].pixels.end());
    all.labels.insert(all.labels.end(), parts[k].labels.begin(), parts[k].labels.end());
  }
  return all;
}

}  // namespace

// Outside the anonymous namespace: the TEST_F classes derived from it have external linkage.
class ImagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir = (fs::temp_directory_path() /
           ("jem_images_" + std::to_string(::getpid()) + "_" + info->name()))
              .string();
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string path(const std::string& rel) const { return dir + "/" + rel; }
  std::string dir;
};

// ---- CIFAR ----

TEST_F(ImagesTest, Cifar10TrainConcatenatesFiveBatchesFromTheExtractedFolder) {
  std::vector<ImageSet> parts;
  for (int b = 1; b <= 5; ++b) {
    parts.push_back(synthetic_images(b, 3, 32, 32, 10, uint32_t(b)));
    write_bytes(path("cifar-10-batches-bin/data_batch_" + std::to_string(b) + ".bin"),
                cifar_bytes(parts.back(), CifarKind::Cifar10));
  }
  const ImageSet test = synthetic_images(3, 3, 32, 32, 10, 99);
  write_bytes(path("cifar-10-batches-bin/test_batch.bin"), cifar_bytes(test, CifarKind::Cifar10));

  const ImageSet got = load_image_dataset(dir, "cifar10", "train");
  expect_same(got, concat(parts));
  EXPECT_EQ(got.n, 15);
  EXPECT_EQ(got.n_classes, 10);
  EXPECT_EQ(got.name, "cifar10");
  // Record layout by hand: image 0 of batch 1 is bytes 1.. of the file, R plane first.
  EXPECT_EQ(got.at(0, 1, 2, 3), parts[0].pixels[1024 + 2 * 32 + 3]);
  expect_same(load_image_dataset(dir, "cifar10", "test"), test);
}

TEST_F(ImagesTest, Cifar100KeepsTheFineLabel) {
  ImageSet s = synthetic_images(4, 3, 32, 32, 100, 5);
  s.labels = {0, 99, 42, 57};
  write_bytes(path("train.bin"), cifar_bytes(s, CifarKind::Cifar100));
  const ImageSet got = load_image_dataset(dir, "cifar100", "train");
  expect_same(got, s);
  EXPECT_EQ(got.n_classes, 100);
  EXPECT_EQ(got.name, "cifar100");
}

TEST_F(ImagesTest, CifarRefusesPartialRecordsBadLabelsAndEmptyFiles) {
  const ImageSet s = synthetic_images(2, 3, 32, 32, 10, 1);
  std::string bytes = cifar_bytes(s, CifarKind::Cifar10);
  write_bytes(path("data_batch_1.bin"), bytes.substr(0, bytes.size() - 1));
  expect_error([&] { read_cifar({path("data_batch_1.bin")}, CifarKind::Cifar10); },
               {path("data_batch_1.bin"), "1 whole records and a partial record of 3072 bytes",
                "3073-byte records"});
  bytes[3073] = 10;  // label of record 1
  expect_error([&] { parse_cifar(bytes, CifarKind::Cifar10, "b.bin"); },
               {"b.bin", "record 1 has label 10, expected 0..9"});
  expect_error([&] { parse_cifar("", CifarKind::Cifar10, "e.bin"); }, {"e.bin", "empty file"});

  std::string c100 = cifar_bytes(synthetic_images(2, 3, 32, 32, 100, 1), CifarKind::Cifar100);
  c100[3074 + 1] = char(100);  // fine label of record 1
  expect_error([&] { parse_cifar(c100, CifarKind::Cifar100, "t.bin"); },
               {"t.bin", "record 1 has fine label 100, expected 0..99"});
  c100[3074] = char(20);
  expect_error([&] { parse_cifar(c100, CifarKind::Cifar100, "t.bin"); }, {"coarse label 20"});
  // CIFAR-10 read as CIFAR-100: 2 records of 3073 bytes are not whole 3074-byte records.
  expect_error([&] { parse_cifar(cifar_bytes(s, CifarKind::Cifar10), CifarKind::Cifar100, "x"); },
               {"3074-byte records"});
  expect_error([&] { read_cifar({dir}, CifarKind::Cifar10); }, {dir, "not a regular file"});
}

// ---- SVHN (MATLAB level 5) ----

TEST_F(ImagesTest, SvhnRoundTripsEveryStorageVariant) {
  ImageSet s = synthetic_images(5, 3, 32, 32, 10, 3);
  s.labels = {0, 1, 9, 0, 5};
  for (bool compressed : {false, true})
    for (uint32_t y_type : {mat5::miDOUBLE, mat5::miUINT8})
      for (bool y_first : {false, true}) {
        SCOPED_TRACE(std::string(compressed ? "compressed" : "plain") +
                     (y_type == mat5::miDOUBLE ? " double" : " uint8") +
                     (y_first ? " y first" : ""));
        const std::string bytes = svhn_mat_bytes(s, {compressed, y_type, y_first, y_first});
        const ImageSet got = parse_svhn_mat(bytes, "t.mat");
        expect_same(got, s);
        EXPECT_EQ(got.n_classes, 10);
        EXPECT_EQ(got.name, "svhn");
      }
}

TEST_F(ImagesTest, SvhnConvertsColumnMajorToChw) {
  // X(h, w, c, n) = its column-major linear index mod 251, independent of the fixture writer;
  // H != W so that a transposed read cannot pass.
  const int H = 4, W = 3, C = 3, N = 2;
  std::string x;
  for (int i = 0; i < H * W * C * N; ++i) x.push_back(char(i % 251));
  const std::string y = std::string("\x0a\x07", 2);
  for (bool compressed : {false, true}) {
    auto wrap = [&](const std::string& e) { return compressed ? mat_compressed(e) : e; };
    const std::string file =
        mat_header() + wrap(mat_matrix("X", mat5::mxUINT8_CLASS, {H, W, C, N}, mat5::miUINT8, x)) +
        wrap(mat_matrix("y", mat5::mxDOUBLE_CLASS, {N, 1}, mat5::miUINT8, y));
    write_bytes(path("svhn/train_32x32.mat"), file);
    const ImageSet s = load_image_dataset(dir, "svhn", "train");
    ASSERT_EQ(s.n, N);
    ASSERT_EQ(s.height, H);
    ASSERT_EQ(s.width, W);
    ASSERT_EQ(s.channels, C);
    for (int n = 0; n < N; ++n)
      for (int c = 0; c < C; ++c)
        for (int h = 0; h < H; ++h)
          for (int w = 0; w < W; ++w)
            ASSERT_EQ(s.at(n, c, h, w), (h + H * (w + W * (c + C * n))) % 251) << n << c << h << w;
    EXPECT_EQ(s.labels, (std::vector<int32_t>{0, 7}));
  }
  // One image: MATLAB drops the trailing singleton dimension.
  const std::string one =
      mat_header() +
      mat_matrix("X", mat5::mxUINT8_CLASS, {H, W, C}, mat5::miUINT8, x.substr(0, H * W * C)) +
      mat_matrix("y", mat5::mxDOUBLE_CLASS, {1, 1}, mat5::miUINT8, "\x03");
  EXPECT_EQ(parse_svhn_mat(one, "one.mat").n, 1);
}

TEST_F(ImagesTest, SvhnErrorsNameTheProblem) {
  ImageSet s = synthetic_images(3, 3, 32, 32, 10, 4);
  const std::string good = svhn_mat_bytes(s);
  auto parse = [](const std::string& b) { return [b] { parse_svhn_mat(b, "s.mat"); }; };

  expect_error(parse(good.substr(0, 100)), {"s.mat", "shorter than the 128-byte header"});
  expect_error(parse(good.substr(0, good.size() - 40)),
               {"s.mat", "miMATRIX element declares", "truncated"});
  expect_error(parse(std::string(200, 'x')), {"not a MATLAB level-5 MAT file"});
  std::string v73 = good;
  v73[124] = 0, v73[125] = 2;
  expect_error(parse(v73), {"v7.3"});
  std::string be = good;
  be[126] = 'M', be[127] = 'I';
  expect_error(parse(be), {"big-endian"});

  const std::string x = std::string(32 * 32 * 3 * 3, '\x01');
  const std::string X = mat_matrix("X", mat5::mxUINT8_CLASS, {32, 32, 3, 3}, mat5::miUINT8, x);
  auto y_of = [](std::vector<uint8_t> v) {
    return mat_matrix("y", mat5::mxDOUBLE_CLASS, {int(v.size()), 1}, mat5::miUINT8,
                      std::string(v.begin(), v.end()));
  };
  expect_error(parse(mat_header() + X), {"no variable 'y'"});
  expect_error(parse(mat_header() + X + y_of({1, 2})), {"y has 2 x 1 elements, expected 3 x 1"});
  expect_error(parse(mat_header() + X + y_of({1, 11, 2})), {"y(2) is 11", "1..10"});
  expect_error(parse(mat_header() + X + X + y_of({1, 2, 3})), {"variable 'X' appears twice"});
  const std::string y_half = mat_matrix("y", mat5::mxDOUBLE_CLASS, {1, 3}, mat5::miDOUBLE,
                                        std::string("\0\0\0\0\0\0\xf0\x3f\0\0\0\0\0\0\x04\x40"
                                                    "\0\0\0\0\0\0\x04\x40",
                                                    24));  // 1, 2.5, 2.5
  expect_error(parse(mat_header() + X + y_half), {"y(2) is 2.5"});
  const std::string Xd = mat_matrix("X", mat5::mxDOUBLE_CLASS, {32, 32, 3, 3}, mat5::miUINT8, x);
  expect_error(parse(mat_header() + Xd + y_of({1, 2, 3})),
               {"X is a double array", "expected uint8"});
  const std::string X3 = mat_matrix("X", mat5::mxUINT8_CLASS, {32, 32, 9}, mat5::miUINT8, x);
  expect_error(parse(mat_header() + X3 + y_of({1})),
               {"X is 32 x 32 x 9", "height x width x channels x N"});
  const std::string Xshort = mat_matrix("X", mat5::mxUINT8_CLASS, {32, 32, 3, 4}, mat5::miUINT8, x);
  expect_error(parse(mat_header() + Xshort),
               {"32 x 32 x 3 x 4 = 12288 elements", "real part has 9216 bytes"});
  const std::string Xcell = mat_matrix("X", mat5::mxCELL_CLASS, {1, 1}, mat5::miUINT8, "a");
  expect_error(parse(mat_header() + Xcell), {"'X' is a cell array"});
  // Dimensions claiming 2^62 elements: refused before anything is allocated.
  const std::string Xhuge =
      mat_matrix("X", mat5::mxUINT8_CLASS, {1 << 30, 1 << 30, 3, 4}, mat5::miUINT8, x);
  expect_error(parse(mat_header() + Xhuge), {"claims more than"});

  // Compressed: a flipped byte in the deflate stream, a cut stream, a corrupt inner tag.
  const std::string cgood = svhn_mat_bytes(s, {true});
  std::string flipped = cgood;
  flipped[128 + 8 + 200] ^= 0x55;
  expect_error(parse(flipped), {"s.mat", "compressed"});
  std::string zX = mat_compressed(X);
  zX.resize(zX.size() / 2);
  zX[4] = char(zX.size() - 8), zX[5] = char((zX.size() - 8) >> 8), zX[6] = 0, zX[7] = 0;
  expect_error(parse(mat_header() + zX), {"compressed variable is truncated"});
  std::string bomb = X;
  bomb[4] = bomb[5] = bomb[6] = '\x7f';  // miMATRIX tag claims ~2 GiB
  expect_error(parse(mat_header() + mat_compressed(bomb)),
               {"compressed variable claims", "corrupt tag"});
}

// ---- IDX (MNIST, Fashion-MNIST) ----

TEST_F(ImagesTest, IdxPlainAndGzipThroughTheDatasetFolders) {
  const ImageSet train = synthetic_images(6, 1, 28, 28, 10, 8);
  const ImageSet test = synthetic_images(2, 1, 28, 28, 10, 9);
  write_bytes(path("mnist/train-images-idx3-ubyte"), idx_images_bytes(train));
  write_bytes(path("mnist/train-labels-idx1-ubyte.gz"), gzip_bytes(idx_labels_bytes(train)));
  write_bytes(path("t10k-images-idx3-ubyte.gz"), gzip_bytes(idx_images_bytes(test)));
  write_bytes(path("t10k-labels-idx1-ubyte.gz"), gzip_bytes(idx_labels_bytes(test)));
  const ImageSet got = load_image_dataset(dir, "mnist", "train");
  expect_same(got, train);
  EXPECT_EQ(got.name, "mnist");
  expect_same(load_image_dataset(dir, "mnist", "test"), test);  // the data_dir itself
  const ImageSet fashion = load_image_dataset(dir, "fashion_mnist", "test");
  expect_same(fashion, test);
  EXPECT_EQ(fashion.name, "fashion_mnist");
  // Non-square images keep rows x cols.
  const ImageSet wide = synthetic_images(2, 1, 3, 5, 10, 1);
  expect_same(parse_idx(idx_images_bytes(wide), idx_labels_bytes(wide), "i", "l", "mnist"), wide);
}

TEST_F(ImagesTest, IdxErrorsNameTheProblem) {
  const ImageSet s = synthetic_images(5, 1, 28, 28, 10, 2);
  const std::string im = idx_images_bytes(s), lb = idx_labels_bytes(s);
  auto parse = [](const std::string& i, const std::string& l) {
    return [i, l] { parse_idx(i, l, "img", "lab", "mnist"); };
  };
  expect_error(parse(lb, im), {"img: wrong magic number 0x00000801 (that of an IDX labels file)",
                               "expected 0x00000803"});
  std::string two_dims = im;
  two_dims[3] = 2;
  expect_error(parse(two_dims, lb), {"img: wrong magic number 0x00000802", "3 dimensions"});
  expect_error(parse(im.substr(0, 10), lb), {"img: truncated IDX header"});
  expect_error(parse(im.substr(0, im.size() - 1), lb),
               {"img: truncated", "declares 3920 data bytes but only 3919 follow"});
  expect_error(parse(im + "xy", lb), {"img: 2 unexpected bytes after"});
  expect_error(parse(im, lb.substr(0, 8) + lb.substr(8, 4)), {"lab: truncated", "declares 5"});
  std::string four = lb.substr(0, 12);
  four[7] = 4;
  expect_error(parse(im, four), {"lab: 4 labels, but img has 5 images"});
  std::string bad_label = lb;
  bad_label[8 + 3] = 10;
  expect_error(parse(im, bad_label), {"lab: the label of image 3 is 10, expected 0..9"});
  std::string zero_rows = im;
  zero_rows[11] = 0;
  expect_error(parse(zero_rows, lb), {"image size 0 x 28 is out of range"});
  std::string huge = im.substr(0, 16);
  huge[4] = huge[5] = huge[6] = huge[7] = '\x7f';  // 2^31 images of 28 x 28 claimed by 16 bytes
  expect_error(parse(huge, lb), {"img: header dimensions claim more than", "corrupt"});

  // gzip: a flipped byte and a cut stream.
  std::string gz = gzip_bytes(im);
  gz[gz.size() / 2] ^= 0x55;
  write_bytes(path("bad.gz"), gz);
  write_bytes(path("labels"), lb);
  expect_error([&] { read_idx(path("bad.gz"), path("labels"), "mnist"); },
               {path("bad.gz"), "gzip"});
  const std::string gz_ok = gzip_bytes(im);
  write_bytes(path("cut.gz"), gz_ok.substr(0, gz_ok.size() - 30));
  expect_error([&] { read_idx(path("cut.gz"), path("labels"), "mnist"); },
               {path("cut.gz"), "gzip stream is truncated"});
  expect_error([&] { read_idx(path("nope"), path("labels"), "mnist"); },
               {path("nope"), "file not found"});
}

// ---- Finding the files ----

TEST_F(ImagesTest, MissingFilesListTheExpectedNamesAndTheUrl) {
  write_bytes(path("cifar-10-batches-bin/data_batch_1.bin"), "");
  write_bytes(path("cifar-10-batches-bin/data_batch_2.bin"), "");
  expect_error(
      [&] { load_image_dataset(dir, "cifar10", "train"); },
      {"cifar10 train split: missing data_batch_3.bin, data_batch_4.bin, data_batch_5.bin in " +
           path("cifar-10-batches-bin"),
       "2 of 5 files found there", "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
       "tar xzf cifar-10-binary.tar.gz -C " + dir});
  expect_error([&] { load_image_dataset(dir, "cifar100", "test"); },
               {"cannot find test.bin in " + path("cifar-100-binary") + " or " + dir,
                "cifar-100-binary.tar.gz"});
  expect_error([&] { load_image_dataset(dir, "svhn", "test"); },
               {"cannot find test_32x32.mat",
                "http://ufldl.stanford.edu/housenumbers/test_32x32.mat into " + dir});
  expect_error([&] { load_image_dataset(dir, "mnist", "train"); },
               {"cannot find train-images-idx3-ubyte, train-labels-idx1-ubyte (plain or .gz)",
                "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz"});
  expect_error(
      [&] { load_image_dataset(dir, "fashion_mnist", "test"); },
      {"t10k-images-idx3-ubyte", "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
       path("FashionMNIST/raw")});
  expect_error([&] { load_image_dataset(path("absent"), "svhn", "train"); },
               {path("absent") + " does not exist", "train_32x32.mat"});
  expect_error([&] { load_image_dataset("", "svhn", "train"); }, {"--data_dir"});
  expect_error(
      [&] { load_image_dataset(dir, "imagenet", "train"); },
      {"unknown image dataset 'imagenet'", "cifar10, cifar100, svhn, mnist, fashion_mnist"});
  expect_error([&] { load_image_dataset(dir, "svhn", "val"); }, {"unknown split 'val'"});
  EXPECT_TRUE(is_image_dataset("fashion_mnist"));
  EXPECT_FALSE(is_image_dataset("moons"));
}

// ---- Robustness: every cut and random byte flips give an Error or a valid set, never a crash ----

TEST(ImagesRobustness, CorruptBytesNeverCrash) {
  const ImageSet s = synthetic_images(2, 3, 32, 32, 10, 6);
  const ImageSet g = synthetic_images(3, 1, 6, 5, 10, 6);
  std::vector<std::pair<std::string, std::function<void(const std::string&)>>> cases = {
      {cifar_bytes(s, CifarKind::Cifar100),
       [](const std::string& b) { parse_cifar(b, CifarKind::Cifar100, "c"); }},
      {idx_images_bytes(g),
       [&](const std::string& b) { parse_idx(b, idx_labels_bytes(g), "i", "l", "m"); }},
      {svhn_mat_bytes(s, {false, mat5::miUINT8, true, true}),
       [](const std::string& b) { parse_svhn_mat(b, "s"); }},
      {svhn_mat_bytes(s, {true, mat5::miDOUBLE, false, true}),
       [](const std::string& b) { parse_svhn_mat(b, "s"); }},
  };
  std::mt19937 rng(1);
  for (auto& c : cases) {  // not a structured binding: clang 14 cannot capture those
    const std::string& good = c.first;
    const auto& parse = c.second;
    ASSERT_NO_THROW(parse(good));
    auto survive = [&](const std::string& b) {
      try {
        parse(b);
      } catch (const Error&) {}
    };
    for (size_t cut = 0; cut < good.size(); cut += 1 + cut / 64) survive(good.substr(0, cut));
    for (int k = 0; k < 3000; ++k) {
      std::string b = good;
      const int flips = 1 + int(rng() % 4);
      // Flips land mostly in the first 256 bytes, where the headers and tags are.
      for (int f = 0; f < flips; ++f)
        b[rng() % std::min<size_t>(b.size(), k % 2 ? 256 : b.size())] = char(rng());
      survive(b);
    }
  }
}
