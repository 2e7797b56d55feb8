// hostcuda.h lets the kernels of layout.cu compile as plain host C++ for
// TestLayoutKernelOnHost: CUDA's qualifiers become nothing, the thread
// indices become globals that the driver loop sets, and the round-to-nearest
// intrinsics become the IEEE operations they are (compile with
// -ffp-contract=off so that the host compiler does not fuse them either).
#include <cstdint>
#include <cstring>

#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__ __restrict

struct hostDim3 {
  unsigned x, y, z;
};
static hostDim3 blockIdx, blockDim, threadIdx;

static inline float __fmul_rn(float a, float b) { return a * b; }
static inline float __fadd_rn(float a, float b) { return a + b; }
static inline float __fsub_rn(float a, float b) { return a - b; }
static inline double __dmul_rn(double a, double b) { return a * b; }
static inline double __dadd_rn(double a, double b) { return a + b; }
static inline double __dsub_rn(double a, double b) { return a - b; }
static inline double __ddiv_rn(double a, double b) { return a / b; }
static inline float __uint2float_rn(uint32_t u) { return (float)u; }
static inline uint32_t __float_as_uint(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}
static inline uint64_t __umul64hi(uint64_t a, uint64_t b) {
  return (uint64_t)(((unsigned __int128)a * b) >> 64);
}
