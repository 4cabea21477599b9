#include "core/jem/memory_estimate.h"

#include <algorithm>
#include <cstdio>

namespace jem {
namespace {

constexpr double kFloat = 4;

struct Wrn {
  int depth = 0, widen = 0;
};
Wrn parse_wrn(const std::string& model) {
  Wrn w;
  if (std::sscanf(model.c_str(), "wrn-%d-%d", &w.depth, &w.widen) != 2) w = {};
  return w;
}

}  // namespace

double activation_floats_per_row(const Settings& s, const DataShape& d) {
  if (s.model == "mlp") return 4.0 * s.width * s.depth + 4.0 * d.n_classes + 4.0 * d.dim;
  if (d.image_shape.size() != 3) return 4.0 * d.dim;
  const double hw = double(d.image_shape[1]) * double(d.image_shape[2]);
  // Each conv's output, its norm and activation (three maps kept per layer), the input twice.
  if (s.model == "cnn") {
    const double w = std::max(4, s.width);
    return 3 * (w / 4 * hw + w / 2 * hw / 4 + w * hw / 16) + 2.0 * d.dim;
  }
  const Wrn wrn = parse_wrn(s.model);
  if (wrn.depth < 10) return 4.0 * d.dim;
  const int n = (wrn.depth - 4) / 6;
  double floats = 16 * hw * 2 + 2.0 * d.dim;  // stem
  double in = 16, res = hw;
  for (int g = 0; g < 3; ++g) {
    const double width = 16.0 * wrn.widen * (1 << g);
    for (int i = 0; i < n; ++i) {
      const double out_res = (i == 0 && g > 0) ? res / 4 : res;
      floats += 2 * in * res + 3 * width * res + 2 * width * out_res;  // norm1+act, conv1+norm2+act, conv2+sum
      in = width, res = out_res;
    }
  }
  return floats;
}

double parameter_count(const Settings& s, const DataShape& d) {
  if (s.model == "mlp")  // in -> width, depth - 1 hidden width -> width layers, width -> classes
    return double(d.dim) * s.width + double(s.depth - 1) * s.width * s.width + double(s.width) * d.n_classes;
  if (d.image_shape.size() != 3) return 0;
  const double c = double(d.image_shape[0]);
  if (s.model == "cnn") {
    const double w = std::max(4, s.width);
    return 9 * (c * w / 4 + w / 4 * w / 2 + w / 2 * w) + w * d.n_classes;
  }
  const Wrn wrn = parse_wrn(s.model);
  if (wrn.depth < 10) return 0;
  const int n = (wrn.depth - 4) / 6;
  double count = 9 * c * 16, in = 16;
  for (int g = 0; g < 3; ++g) {
    const double width = 16.0 * wrn.widen * (1 << g);
    count += 9 * (in * width + width * width) + (n - 1) * 9 * 2 * width * width + in * width;
    in = width;
  }
  return count + in * d.n_classes;
}

double training_bytes(const Settings& s, const DataShape& d) {
  const double buffer = double(s.buffer_size) * (d.dim * kFloat + 8);
  // A step runs the classifier batch and the SGLD batch through the model; each SGLD step keeps
  // one pass of activations alive, the loss's backward two (data and samples).
  // The Wide-ResNet's oneDNN drift (model/wrn_dnnl.h) keeps one SGLD batch's pass besides.
  const double rows = (parse_wrn(s.model).depth >= 10 ? 3.0 : 2.0) * s.batch_size;
  const double activations = rows * activation_floats_per_row(s, d) * kFloat;
  const double chains = double(s.batch_size) * d.dim * kFloat * 6;  // x, grad, noise, temporaries
  const double params = parameter_count(s, d) * kFloat * 4;      // weights, grads, two moments
  return buffer + activations + chains + params;
}

double sampling_bytes(const Settings& s, const DataShape& d, int64_t n_chains) {
  const double rows = double(n_chains);
  return rows * (activation_floats_per_row(s, d) + 6.0 * d.dim) * kFloat + parameter_count(s, d) * kFloat;
}

double quadrature_bytes(int64_t res) {
  const double cells = double(res) * double(res);
  return cells * 6 * kFloat;  // the grid's points, its energies and their logsumexp
}

}  // namespace jem
