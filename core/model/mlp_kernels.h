// The small-input MLP's SGLD drift runs its layers in feature-major layout: a layer's activations
// are [width, columns], a column per chain. Every layer of the drift, forward and backward, is then
// one product C = (bias + A B) * mul with the weight matrix as A, read in place with strides (so
// neither the weights nor the activations are ever packed or transposed), and the chains' values
// as B, contiguous. At these shapes (width 128, a block of 128 chains) OpenBLAS spent a fifth of
// its time packing, and the thin layers (2 inputs, 2 classes) are the same product with M or K of 2.
// The training step (mlp_train_cpu.cpp) runs the same product on row-major activations, with a
// per-column bias and the weight gradients as A^T G. Both apply a hidden layer's SiLU as the
// product stores its result, with an inline vector exp (no second pass over memory, no call).
#pragma once
#include <cstdint>

namespace jem {

struct FeatureMajorProduct {
  int64_t m = 0, k = 0, n = 0;     // C is [m, n], A is m x k, B is [k, n]
  const float* a = nullptr;        // A(i, j) = a[i * a_row + j * a_col]: W or W^T in place
  int64_t a_row = 0, a_col = 0;
  const float* b = nullptr;        // B(j, c) = b[j * ldb + c]
  int64_t ldb = 0;
  float* c = nullptr;              // C(i, c) = c[i * ldc + c]; mul (if any) shares ldc
  int64_t ldc = 0;
  const float* bias = nullptr;     // C(i, .) starts at bias[i] (or 0),
  const float* bias_col = nullptr; // or C(., c) at bias_col[c] (a row-major layer's bias)
  const float* mul = nullptr;      // then C *= mul elementwise (the activation's derivative)
  float* silu_grad = nullptr;      // or C = silu(C), and silu_grad (ldc apart) = silu'(C before):
                                   // silu_and_grad's values, NaN and infinities kept as there
};

// Which instruction set's tiles: the best this CPU has, or (for tests) a lesser one.
enum class ProductIsa { best, avx2, sse2 };

// Columns come in register tiles of kProductColumnStep; the columns past the last multiple of it
// take a plain loop (the drift's workspaces pad the chains' columns, so it never does).
constexpr int64_t kProductColumnStep = 16;
void feature_major_product(const FeatureMajorProduct& p, ProductIsa isa = ProductIsa::best);

// Row-wise {logsumexp, softmax} of [rows, k] logits (the drift reads its [k, cols] logits with
// the same loop, strided). Exact IEEE arithmetic (it lives in
// mlp_score_cpu.cpp, without fast math): a non-finite logit must come out as a non-finite score.
void logsumexp_softmax_rows(const float* logits, int64_t rows, int k, float* lse, float* soft);

}  // namespace jem
