// Finds the standard files of an image dataset under a --data_dir and loads them.
#pragma once
#include <string>
#include <vector>

#include "core/data/images/image_set.h"

namespace jem {

// cifar10, cifar100, svhn, mnist, fashion_mnist.
const std::vector<std::string>& image_dataset_names();
bool is_image_dataset(const std::string& name);

// The files of `split` ("train" or "test"), in load order, looked for in data_dir and in the
// usual extracted subfolders (cifar-10-batches-bin/, cifar-100-binary/, svhn/, mnist/,
// MNIST/raw/, fashion_mnist/, FashionMNIST/raw/); IDX files plain or .gz. Throws Error listing
// the expected file names, where it looked and the download URL when any is missing.
std::vector<std::string> find_image_dataset_files(const std::string& data_dir,
                                                  const std::string& dataset,
                                                  const std::string& split);
ImageSet load_image_dataset(const std::string& data_dir, const std::string& dataset,
                            const std::string& split);

}  // namespace jem
