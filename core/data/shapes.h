// "shapes": a small labelled image set generated in-process (16x16 RGB discs, squares,
// triangles and plus signs), so that image JEMs train visibly on a CPU within a minute, with
// no download.
#pragma once
#include <string>
#include <vector>

#include "core/data/dataset.h"

namespace jem {

Dataset make_shapes(const Settings& s);  // uses n_train, n_test, n_valid, data_seed
std::vector<std::string> shape_class_names();

}  // namespace jem
