#include "core/data/images/image_datasets.h"

#include <algorithm>
#include <filesystem>

#include "core/util/error.h"

namespace fs = std::filesystem;

namespace jem {
namespace {

struct Spec {
  std::string name;
  std::vector<std::string> subdirs;  // tried before data_dir itself: MNIST and Fashion-MNIST
                                     // share file names, so their own folders win
  std::vector<std::string> train, test;
  bool gz = false;       // IDX files may also be name.gz
  std::string download;  // what to tell the user, DATA_DIR standing for the folder
};

std::vector<std::string> cifar10_batches() {
  std::vector<std::string> v;
  for (int i = 1; i <= 5; ++i) v.push_back("data_batch_" + std::to_string(i) + ".bin");
  return v;
}

const std::vector<Spec>& specs() {
  static const std::string mnist_url = "https://ossci-datasets.s3.amazonaws.com/mnist/";
  static const std::string fashion_url =
      "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
  static const std::string idx_how = " (the .gz files are read as they are, e.g. ";
  static const std::vector<Spec> all = {
      {"cifar10",
       {"cifar-10-batches-bin"},
       cifar10_batches(),
       {"test_batch.bin"},
       false,
       "download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz and extract it: "
       "tar xzf cifar-10-binary.tar.gz -C DATA_DIR"},
      {"cifar100",
       {"cifar-100-binary"},
       {"train.bin"},
       {"test.bin"},
       false,
       "download https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz and extract it: "
       "tar xzf cifar-100-binary.tar.gz -C DATA_DIR"},
      {"svhn",
       {"svhn", "SVHN"},
       {"train_32x32.mat"},
       {"test_32x32.mat"},
       false,
       "download http://ufldl.stanford.edu/housenumbers/FILE into DATA_DIR"},
      {"mnist",
       {"mnist", "MNIST/raw"},
       {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"},
       {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"},
       true,
       "download them from " + mnist_url + " into DATA_DIR" + idx_how + mnist_url + "FILE.gz)"},
      {"fashion_mnist",
       {"fashion_mnist", "fashion-mnist", "FashionMNIST/raw"},
       {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"},
       {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"},
       true,
       "download them from " + fashion_url + " into DATA_DIR" + idx_how + fashion_url + "FILE.gz)"},
  };
  return all;
}

const Spec& spec_or_throw(const std::string& name) {
  for (const Spec& s : specs())
    if (s.name == name) return s;
  std::string known;
  for (const Spec& s : specs()) known += (known.empty() ? "" : ", ") + s.name;
  throw Error("unknown image dataset '" + name + "' (expected one of " + known + ")");
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace

const std::vector<std::string>& image_dataset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Spec& s : specs()) v.push_back(s.name);
    return v;
  }();
  return names;
}

bool is_image_dataset(const std::string& name) {
  const auto& v = image_dataset_names();
  return std::find(v.begin(), v.end(), name) != v.end();
}

std::vector<std::string> find_image_dataset_files(const std::string& data_dir,
                                                  const std::string& dataset,
                                                  const std::string& split) {
  const Spec& spec = spec_or_throw(dataset);
  if (split != "train" && split != "test")
    throw Error(dataset + ": unknown split '" + split + "' (expected train or test)");
  const std::vector<std::string>& names = split == "train" ? spec.train : spec.test;
  const std::string what = dataset + " " + split + " split";

  std::string expected;
  for (const std::string& n : names) expected += (expected.empty() ? "" : ", ") + n;
  if (spec.gz) expected += " (plain or .gz)";
  std::string how = replace_all(spec.download, "FILE", names[0]);
  how = replace_all(how, "DATA_DIR", data_dir.empty() ? "DATA_DIR" : data_dir);
  const std::string help = " To get them, " + how + ".";
  if (data_dir.empty())
    throw Error(what + ": no data folder given (--data_dir) to find " + expected + " in." + help);
  std::error_code ec;
  if (!fs::is_directory(data_dir, ec))
    throw Error(what + ": data folder " + data_dir +
                " does not exist or is not a folder; it should hold " + expected + "." + help);

  std::vector<fs::path> dirs;
  for (const std::string& sub : spec.subdirs) dirs.push_back(fs::path(data_dir) / sub);
  dirs.push_back(fs::path(data_dir));
  size_t best = 0, best_found = 0;
  std::vector<std::string> best_missing;
  for (size_t d = 0; d < dirs.size(); ++d) {
    std::vector<std::string> found, missing;
    for (const std::string& n : names) {
      if (is_file(dirs[d] / n))
        found.push_back((dirs[d] / n).string());
      else if (spec.gz && is_file(dirs[d] / (n + ".gz")))
        found.push_back((dirs[d] / (n + ".gz")).string());
      else
        missing.push_back(n);
    }
    if (missing.empty()) return found;
    if (d == 0 || found.size() > best_found) {
      best = d;
      best_found = found.size();
      best_missing = missing;
    }
  }
  std::string looked;
  for (size_t d = 0; d < dirs.size(); ++d)
    looked += (d == 0 ? "" : d + 1 == dirs.size() ? " or " : ", ") + dirs[d].string();
  if (best_found == 0)
    throw Error(what + ": cannot find " + expected + " in " + looked + "." + help);
  std::string missing;
  for (const std::string& n : best_missing) missing += (missing.empty() ? "" : ", ") + n;
  throw Error(what + ": missing " + missing + " in " + dirs[best].string() + " (" +
              std::to_string(best_found) + " of " + std::to_string(names.size()) +
              " files found there)." + help);
}

ImageSet load_image_dataset(const std::string& data_dir, const std::string& dataset,
                            const std::string& split) {
  const std::vector<std::string> files = find_image_dataset_files(data_dir, dataset, split);
  if (dataset == "cifar10") return read_cifar(files, CifarKind::Cifar10);
  if (dataset == "cifar100") return read_cifar(files, CifarKind::Cifar100);
  if (dataset == "svhn") return read_svhn_mat(files[0]);
  return read_idx(files[0], files[1], dataset, 10);  // mnist, fashion_mnist
}

}  // namespace jem
