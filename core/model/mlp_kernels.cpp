#include "core/model/mlp_kernels.h"

#include <cstdint>
#include <cstring>

namespace jem {

namespace {

// 16 floats, lowered to each entry point's instruction set: one zmm, two ymm or four xmm. Every
// function taking or returning one is inlined into an entry point, so no call passes one and
// GCC's note on the vector ABI does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
typedef float v16 __attribute__((vector_size(64)));

inline __attribute__((always_inline)) v16 load(const float* p) {
  v16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline __attribute__((always_inline)) void store(float* p, const v16& v) { std::memcpy(p, &v, sizeof v); }

typedef int32_t i16v __attribute__((vector_size(64)));

// exp(x) for x in [-80, 80]: x = k ln 2 + r with |r| <= ln 2 / 2, exp(r) by its Taylor series to
// r^6 (relative error below 2e-7), 2^k put in the exponent bits. Plain IEEE arithmetic (this file
// has no fast math), so the rounding trick below is not folded away.
inline __attribute__((always_inline)) v16 exp_near(const v16& x) {
  const v16 round_k = (x * 1.44269504f + 12582912.0f) - 12582912.0f;  // nearest integer to x / ln 2
  const v16 r = (x - round_k * 0.693145752f) - round_k * 1.42860677e-06f;
  v16 poly = r * (1.0f / 720) + 1.0f / 120;
  poly = poly * r + 1.0f / 24;
  poly = poly * r + 1.0f / 6;
  poly = poly * r + 0.5f;
  poly = poly * r + 1.0f;
  poly = poly * r + 1.0f;
  const i16v bits = (__builtin_convertvector(round_k, i16v) + 127) << 23;
  v16 scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return poly * scale;
}

// silu_and_grad (fused_activation.cpp) on a register: z becomes silu(z), d silu'(z). A NaN or an
// infinite z stays as it is (a poisoned weight must reach the loss); its derivative is that of
// the clamp, as there.
inline __attribute__((always_inline)) void silu16(v16& z, v16& d) {
  const v16 lower = z > -80.0f ? z : v16{} - 80.0f;  // NaN compares false: -80, as fmax does
  const v16 zc = lower < 80.0f ? lower : v16{} + 80.0f;
  const v16 s = 1.0f / (1.0f + exp_near(-zc));
  d = s * (1.0f + zc * (1.0f - s));
  i16v bits;
  std::memcpy(&bits, &z, sizeof bits);
  const i16v finite = (bits & 0x7f800000) != 0x7f800000;
  z = finite ? lower * s : z;
}

// The same on one value, for the plain loop's columns.
inline __attribute__((always_inline)) float silu1(float z, float& d) {
  v16 zv = v16{} + z, dv;
  silu16(zv, dv);
  d = dv[0];
  return zv[0];
}

// One register tile: MR rows of C by NV x 16 columns, accumulated over all of k, written once.
template <int MR, int NV>
inline __attribute__((always_inline)) void tile(const FeatureMajorProduct& p, int64_t i0, int64_t c0) {
  v16 acc[MR][NV];
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) {
    const float start = p.bias ? p.bias[i0 + i] : 0.0f;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = p.bias_col ? load(p.bias_col + c0 + 16 * v) : v16{} + start;
  }
  const float* a = p.a + i0 * p.a_row;
  const float* b = p.b + c0;
  for (int64_t j = 0; j < p.k; ++j, b += p.ldb, a += p.a_col) {
    v16 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = load(b + 16 * v);
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      const float ai = a[i * p.a_row];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] += ai * bv[v];
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) {
    float* c = p.c + (i0 + i) * p.ldc + c0;
    const float* mul = p.mul ? p.mul + (i0 + i) * p.ldc + c0 : nullptr;
    float* grad = p.silu_grad ? p.silu_grad + (i0 + i) * p.ldc + c0 : nullptr;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      if (grad) {
        v16 d;
        silu16(acc[i][v], d);
        store(grad + 16 * v, d);
      }
      store(c + 16 * v, mul ? acc[i][v] * load(mul + 16 * v) : acc[i][v]);
    }
  }
}

// Rows in tiles of MR (the last one shorter) over one chunk of NV x 16 columns: the chunk of B
// (k rows of it, 32 KB at k = 128) stays in L1 while every row tile passes over it.
template <int MR, int NV>
inline __attribute__((always_inline)) void column_chunk(const FeatureMajorProduct& p, int64_t c0) {
  int64_t i = 0;
  for (; i + MR <= p.m; i += MR) tile<MR, NV>(p, i, c0);
  switch (p.m - i) {
    case 1: tile<1, NV>(p, i, c0); break;
    case 2: if constexpr (MR > 2) tile<2, NV>(p, i, c0); break;
    case 3: if constexpr (MR > 3) tile<3, NV>(p, i, c0); break;
    case 4: if constexpr (MR > 4) tile<4, NV>(p, i, c0); break;
    case 5: if constexpr (MR > 5) tile<5, NV>(p, i, c0); break;
    default: break;
  }
}

// The last n % 16 columns, one value at a time.
inline __attribute__((always_inline)) void tail_columns(const FeatureMajorProduct& p, int64_t c0) {
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t c = c0; c < p.n; ++c) {
      float acc = p.bias ? p.bias[i] : p.bias_col ? p.bias_col[c] : 0.0f;
      for (int64_t j = 0; j < p.k; ++j) acc += p.a[i * p.a_row + j * p.a_col] * p.b[j * p.ldb + c];
      if (p.silu_grad) acc = silu1(acc, p.silu_grad[i * p.ldc + c]);
      p.c[i * p.ldc + c] = p.mul ? acc * p.mul[i * p.ldc + c] : acc;
    }
}

template <int MR, int NV>
inline __attribute__((always_inline)) void product(const FeatureMajorProduct& p) {
  int64_t c = 0;
  for (; c + 16 * NV <= p.n; c += 16 * NV) column_chunk<MR, NV>(p, c);
  switch ((p.n - c) / 16) {
    case 1: column_chunk<MR, 1>(p, c); break;
    case 2: if constexpr (NV > 2) column_chunk<MR, 2>(p, c); break;
    case 3: if constexpr (NV > 3) column_chunk<MR, 3>(p, c); break;
    default: break;
  }
  if (p.n % 16) tail_columns(p, p.n - p.n % 16);
}

// Tiles sized to each instruction set's registers: 6 x 4 zmm accumulators of 32 (AVX-512),
// 6 x 2 ymm of 16 (AVX2), 2 x 4 xmm of 16 (SSE2).
__attribute__((target("avx512f,avx512vl,fma"))) void product_avx512(const FeatureMajorProduct& p) { product<6, 4>(p); }
__attribute__((target("avx2,fma"))) void product_avx2(const FeatureMajorProduct& p) { product<6, 1>(p); }
void product_sse2(const FeatureMajorProduct& p) { product<2, 1>(p); }

using ProductFn = void (*)(const FeatureMajorProduct&);

ProductFn best_product() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return product_avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return product_avx2;
  return product_sse2;
}

}  // namespace

void feature_major_product(const FeatureMajorProduct& p, ProductIsa isa) {
  static const ProductFn best = best_product();
  if (isa == ProductIsa::best) return best(p);
  if (isa == ProductIsa::avx2 && best != product_sse2) return product_avx2(p);
  product_sse2(p);
}

}  // namespace jem
