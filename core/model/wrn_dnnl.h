// The Wide-ResNet's SGLD drift on the CPU through oneDNN directly (torch-free): the same
// pre-activation network as conv_nets.cpp, forward and backward to the input only, with every
// activation kept in oneDNN's blocked layout (no reorders around each convolution, as ATen's
// NCHW tensors need), the residual sum fused into the second convolution, and oneDNN free to pick
// its Winograd kernels for the 3x3 stride-1 convolutions (ATen asks for direct convolution only).
// LeakyReLU only: its backward reads the activation's output, so the residual sum may overwrite
// the block's input, and it keeps a NaN as ATen's does (oneDNN's ReLU turns it into 0). Built where Debian's libdnnl-dev matches the oneDNN that LibTorch
// links (JEMLAB_DNNL); otherwise available() is false and the model uses autograd.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

namespace jem {

struct DnnlConv {  // weights [out, in, k, k] and bias [out], plain float arrays owned by the model
  int in = 0, out = 0, kernel = 3, stride = 1;
  const float* weight = nullptr;
  const float* bias = nullptr;
};

struct DnnlWrnBlock {
  DnnlConv conv1, conv2;
  bool has_shortcut = false;  // a 1x1 convolution; otherwise the identity
  DnnlConv shortcut;
};

struct DnnlWrnSpec {
  int channels = 3, height = 32, width = 32;
  float slope = 0.2f;  // LeakyReLU's negative slope
  DnnlConv stem;
  std::vector<DnnlWrnBlock> blocks;
};

class DnnlWrnScorer {
 public:
  DnnlWrnScorer();
  ~DnnlWrnScorer();
  DnnlWrnScorer(const DnnlWrnScorer&) = delete;
  DnnlWrnScorer& operator=(const DnnlWrnScorer&) = delete;

  // Whether this build has the oneDNN path and the spec fits it (channels a multiple of 16 after
  // the stem, 3x3 and 1x1 convolutions).
  static bool available();
  static bool fits(const DnnlWrnSpec& spec);

  // x: [rows, C*H*W]. Writes the pooled features [rows, F] (mean over the image of the last
  // activation) and keeps what the backward pass needs. The weights are read on every call.
  void forward(const DnnlWrnSpec& spec, const float* x, int rows, float* features);
  // d_features: [rows, F], the score's gradient at the pooled features. Writes d score / dx.
  void backward(const float* d_features, float* dx);

 private:
  struct Net;
  // The last batch size's primitives and buffers (about one pass of activations and gradients),
  // kept from call to call: SGLD calls with one batch size; another size builds it again.
  std::unique_ptr<Net> net_;
};

}  // namespace jem
