// The thin layers of a small-input MLP's SGLD drift as plain loops over float arrays: the first
// layer (in_dim inputs, 2 in 2D), the few-class head, and their backward passes. At these shapes
// a BLAS call costs more in packing and dispatch than the arithmetic; built with -ffast-math and
// per-ISA clones so that the dot products vectorise. Row-major throughout.
#pragma once
#include <cstdint>

namespace jem {

// z[r, j] = b[j] + sum_k x[r, k] wt[k, j]   (wt: the first layer's weight transposed, [in, width])
void thin_input_layer(const float* x, int64_t rows, int in, const float* wt, const float* b, int width, float* z);
// logits[r, k] = b[k] + sum_j h[r, j] w[k, j]   (w: the head's weight, [K, width])
void thin_head(const float* h, int64_t rows, int width, const float* w, const float* b, int k, float* logits);
// g[r, j] = d[r, j] sum_k c[r, k] w[k, j]: the head's backward pass times the activation's derivative.
void thin_head_backward(const float* c, int64_t rows, int k, const float* w, int width, const float* d, float* g);
// out[r, k] = sum_j g[r, j] wt[k, j]: the gradient at the input (wt as in thin_input_layer).
void thin_input_backward(const float* g, int64_t rows, int width, const float* wt, int in, float* out);
// a[i] *= b[i]
void multiply_in_place(float* a, const float* b, int64_t n);

// Row-wise {logsumexp, softmax} of [rows, k] logits. Exact IEEE arithmetic (it lives in
// mlp_score_cpu.cpp, without fast math): a non-finite logit must come out as a non-finite score.
void logsumexp_softmax_rows(const float* logits, int64_t rows, int k, float* lse, float* soft);

}  // namespace jem
