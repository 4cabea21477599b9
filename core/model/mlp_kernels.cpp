#include "core/model/mlp_kernels.h"

#include "core/model/isa_clones.h"

namespace jem {

JEMLAB_ISA_CLONES
void thin_input_layer(const float* x, int64_t rows, int in, const float* wt, const float* b, int width, float* z) {
  for (int64_t r = 0; r < rows; ++r) {
    float* zr = z + r * width;
    for (int j = 0; j < width; ++j) zr[j] = b[j];
    for (int k = 0; k < in; ++k) {
      const float xk = x[r * in + k];
      const float* w = wt + int64_t(k) * width;
      for (int j = 0; j < width; ++j) zr[j] += xk * w[j];
    }
  }
}

JEMLAB_ISA_CLONES
void thin_head(const float* h, int64_t rows, int width, const float* w, const float* b, int k, float* logits) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* hr = h + r * width;
    for (int c = 0; c < k; ++c) {
      const float* wc = w + int64_t(c) * width;
      float s = 0;
      for (int j = 0; j < width; ++j) s += hr[j] * wc[j];
      logits[r * k + c] = b[c] + s;
    }
  }
}

JEMLAB_ISA_CLONES
void thin_head_backward(const float* c, int64_t rows, int k, const float* w, int width, const float* d, float* g) {
  for (int64_t r = 0; r < rows; ++r) {
    float* gr = g + r * width;
    for (int j = 0; j < width; ++j) gr[j] = 0;
    for (int q = 0; q < k; ++q) {
      const float cq = c[r * k + q];
      const float* wq = w + int64_t(q) * width;
      for (int j = 0; j < width; ++j) gr[j] += cq * wq[j];
    }
    const float* dr = d + r * width;
    for (int j = 0; j < width; ++j) gr[j] *= dr[j];
  }
}

JEMLAB_ISA_CLONES
void thin_input_backward(const float* g, int64_t rows, int width, const float* wt, int in, float* out) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* gr = g + r * width;
    for (int k = 0; k < in; ++k) {
      const float* w = wt + int64_t(k) * width;
      float s = 0;
      for (int j = 0; j < width; ++j) s += gr[j] * w[j];
      out[r * in + k] = s;
    }
  }
}

JEMLAB_ISA_CLONES
void multiply_in_place(float* a, const float* b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) a[i] *= b[i];
}

}  // namespace jem
