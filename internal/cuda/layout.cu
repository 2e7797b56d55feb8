// UMAP layout kernels: the batch layout of package umap (umap.BatchLayout,
// internal/umap/batch.go), operation by operation. Each step of an epoch is
// two launches: layout_edges (one thread per edge of the step) writes every
// edge's moves to slots of its own, then layout_gather (one thread per
// point) adds a point's slots up in a fixed order and moves it. No two
// threads write the same memory and no atomics are used, so the result
// depends only on the inputs and the seed.
//
// Every float operation whose rounding matters is written with an explicit
// round-to-nearest intrinsic (__fmul_rn, __fadd_rn, __fsub_rn, __dadd_rn,
// __dmul_rn, __ddiv_rn): the compiler never contracts those into a fused
// multiply-add, so the kernel rounds exactly as the Go reference does, which
// converts every product to float32 before adding it. The gradient
// coefficients come from tables computed on the host (umap.BatchPlan), so no
// device pow or exp enters the result.

#include <stdint.h>

// TABLE_SHIFT is umap.BatchTableShift: 23 - 7 mantissa bits, 128 points per
// octave of d².
#define TABLE_SHIFT 16
#define GOLDEN 0x9e3779b97f4a7c15ULL

// mix64 is the splitmix64 finaliser of x + golden (umap's mix).
__device__ __forceinline__ uint64_t mix64(uint64_t x) {
  x += GOLDEN;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// clip4 is umap's clip: v limited to [-4, 4] (NaN passes through).
__device__ __forceinline__ float clip4(float v) {
  if (v > 4.0f) return 4.0f;
  if (v < -4.0f) return -4.0f;
  return v;
}

// coef reads a coefficient table at d2 > 0 by linear interpolation, clamped
// to its ends (umap.BatchPlan.coef).
__device__ __forceinline__ float coef(const float* __restrict__ t, uint32_t len,
                                      uint32_t lo, float d2) {
  uint32_t bits = __float_as_uint(d2);
  if (bits <= lo) return t[0];
  uint32_t off = bits - lo;
  uint32_t i = off >> TABLE_SHIFT;
  if (i >= len - 1) return t[len - 1];
  float frac = __fmul_rn(__uint2float_rn(off & ((1u << TABLE_SHIFT) - 1)),
                         1.0f / (1 << TABLE_SHIFT));
  float v0 = t[i], v1 = t[i + 1];
  return __fadd_rn(v0, __fmul_rn(__fsub_rn(v1, v0), frac));
}

// layout_edges computes the moves of the count edges step_edges[0..count)
// in one epoch from pos (umap.BatchPlan.Edges). pos is n×2 row-major; the
// move slots are 2 floats each, head moves by edge, tail moves by
// tail_slot.
extern "C" __global__ void layout_edges(
    const int32_t* __restrict__ step_edges, int32_t count,
    const int32_t* __restrict__ head, const int32_t* __restrict__ col,
    const int32_t* __restrict__ tail_slot,
    const double* __restrict__ epochs_per_sample,
    const double* __restrict__ epochs_per_negative,
    double* __restrict__ next_sample, double* __restrict__ next_negative,
    const float* __restrict__ pos, float* __restrict__ head_move,
    float* __restrict__ tail_move, const float* __restrict__ attract,
    const float* __restrict__ repulse, uint32_t table_len, uint32_t table_lo,
    int32_t n, int32_t neg_rate, int32_t epoch, float alpha, uint64_t seed) {
  int32_t t = blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= count) return;
  int32_t e = step_edges[t];
  int32_t s = tail_slot[e];
  double fe = (double)epoch;
  double eps = epochs_per_sample[e];
  double ns = next_sample[e];
  if (eps <= 0.0 || ns > fe) {
    head_move[2 * e] = 0.0f;
    head_move[2 * e + 1] = 0.0f;
    tail_move[2 * s] = 0.0f;
    tail_move[2 * s + 1] = 0.0f;
    return;
  }
  int32_t j = head[e], k = col[e];
  float cx = pos[2 * j], cy = pos[2 * j + 1];
  float dx = __fsub_rn(cx, pos[2 * k]), dy = __fsub_rn(cy, pos[2 * k + 1]);
  float d2 = __fadd_rn(__fmul_rn(dx, dx), __fmul_rn(dy, dy));
  float ax = 0.0f, ay = 0.0f;
  if (d2 > 0.0f) {
    float c = coef(attract, table_len, table_lo, d2);
    ax = __fmul_rn(clip4(__fmul_rn(c, dx)), alpha);
    ay = __fmul_rn(clip4(__fmul_rn(c, dy)), alpha);
  }
  next_sample[e] = __dadd_rn(ns, eps);
  double epn = epochs_per_negative[e];
  double nn = next_negative[e];
  long long n_neg = 0;
  if (neg_rate > 0) n_neg = (long long)__ddiv_rn(__dsub_rn(fe, nn), epn);
  // the stream of (seed, epoch, edge): state h, each sample mix64(state)
  // then state += golden (umap's stream.next), index by multiply-shift
  uint64_t h = mix64(mix64(mix64(seed) ^ (uint64_t)epoch) ^ (uint64_t)e);
  float rx = 0.0f, ry = 0.0f;
  for (long long q = 0; q < n_neg; q++) {
    h += GOLDEN;
    uint64_t z = h;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    int32_t kk = (int32_t)__umul64hi(z, (uint64_t)n);
    if (kk == j) continue;
    float ex = __fsub_rn(cx, pos[2 * kk]), ey = __fsub_rn(cy, pos[2 * kk + 1]);
    float f2 = __fadd_rn(__fmul_rn(ex, ex), __fmul_rn(ey, ey));
    if (f2 > 0.0f) {
      float c = coef(repulse, table_len, table_lo, f2);
      rx = __fadd_rn(rx, clip4(__fmul_rn(c, ex)));
      ry = __fadd_rn(ry, clip4(__fmul_rn(c, ey)));
    } else {
      rx = __fadd_rn(rx, 4.0f);
      ry = __fadd_rn(ry, 4.0f);
    }
  }
  next_negative[e] = __dadd_rn(nn, __dmul_rn((double)n_neg, epn));
  head_move[2 * e] = __fadd_rn(ax, __fmul_rn(rx, alpha));
  head_move[2 * e + 1] = __fadd_rn(ay, __fmul_rn(ry, alpha));
  tail_move[2 * s] = -ax;
  tail_move[2 * s + 1] = -ay;
}

// layout_gather moves every point by the sum of its slots of step `step`:
// its own edges' head moves (edges row_ptr[v]+step, +steps, ...), then its
// tail moves (tail_ptr[v*steps+step] up to the next), each in order, added
// one by one from zero (umap.BatchPlan.Gather).
extern "C" __global__ void layout_gather(
    const int32_t* __restrict__ row_ptr, const int32_t* __restrict__ tail_ptr,
    int32_t steps, int32_t step, const float* __restrict__ head_move,
    const float* __restrict__ tail_move, float* __restrict__ pos, int32_t n) {
  int32_t v = blockIdx.x * blockDim.x + threadIdx.x;
  if (v >= n) return;
  float sx = 0.0f, sy = 0.0f;
  for (int32_t e = row_ptr[v] + step; e < row_ptr[v + 1]; e += steps) {
    sx = __fadd_rn(sx, head_move[2 * e]);
    sy = __fadd_rn(sy, head_move[2 * e + 1]);
  }
  int32_t c = v * steps + step;
  for (int32_t s = tail_ptr[c]; s < tail_ptr[c + 1]; s++) {
    sx = __fadd_rn(sx, tail_move[2 * s]);
    sy = __fadd_rn(sy, tail_move[2 * s + 1]);
  }
  pos[2 * v] = __fadd_rn(pos[2 * v], sx);
  pos[2 * v + 1] = __fadd_rn(pos[2 * v + 1], sy);
}
