// layout_host runs the kernels of layout.cu on the host, one simulated
// thread after the other, for TestLayoutKernelOnHost. It reads the problem
// from argv[1] (written by the test: a header of int64 values, then the
// arrays, little-endian), runs every epoch and step as the GPU glue
// launches them, and writes the final positions (n×2 float32) to argv[2].
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "hostcuda.h"
#include "../layout.cu"

template <typename T>
static std::vector<T> readArray(FILE* f, int64_t count) {
  std::vector<T> v(count);
  if (count > 0 && fread(v.data(), sizeof(T), count, f) != (size_t)count) {
    fprintf(stderr, "layout_host: short input\n");
    exit(2);
  }
  return v;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: layout_host IN OUT\n");
    return 2;
  }
  FILE* f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  // header: n, edges, steps, epochs, negRate, seed, tableLen, tableLo
  std::vector<int64_t> h = readArray<int64_t>(f, 8);
  int32_t n = (int32_t)h[0], ne = (int32_t)h[1], steps = (int32_t)h[2],
          epochs = (int32_t)h[3], negRate = (int32_t)h[4];
  uint64_t seed = (uint64_t)h[5];
  uint32_t tableLen = (uint32_t)h[6], tableLo = (uint32_t)h[7];
  auto rowPtr = readArray<int32_t>(f, n + 1);
  auto col = readArray<int32_t>(f, ne);
  auto head = readArray<int32_t>(f, ne);
  auto tailSlot = readArray<int32_t>(f, ne);
  auto tailPtr = readArray<int32_t>(f, (int64_t)n * steps + 1);
  auto stepPtr = readArray<int32_t>(f, steps + 1);
  auto stepEdges = readArray<int32_t>(f, ne);
  auto eps = readArray<double>(f, ne);
  auto epn = readArray<double>(f, ne);
  auto attract = readArray<float>(f, tableLen);
  auto repulse = readArray<float>(f, tableLen);
  auto alphas = readArray<float>(f, epochs);
  auto pos = readArray<float>(f, 2 * (int64_t)n);
  fclose(f);

  std::vector<double> nextSample(eps), nextNegative(epn);
  std::vector<float> headMove(2 * (size_t)ne), tailMove(2 * (size_t)ne);
  blockDim.x = 1;
  threadIdx.x = 0;
  for (int32_t epoch = 0; epoch < epochs; epoch++) {
    for (int32_t s = 0; s < steps; s++) {
      int32_t count = stepPtr[s + 1] - stepPtr[s];
      for (int32_t t = 0; t < count; t++) {
        blockIdx.x = t;
        layout_edges(stepEdges.data() + stepPtr[s], count, head.data(), col.data(),
                     tailSlot.data(), eps.data(), epn.data(), nextSample.data(),
                     nextNegative.data(), pos.data(), headMove.data(), tailMove.data(),
                     attract.data(), repulse.data(), tableLen, tableLo, n, negRate,
                     epoch, alphas[epoch], seed);
      }
      for (int32_t v = 0; v < n; v++) {
        blockIdx.x = v;
        layout_gather(rowPtr.data(), tailPtr.data(), steps, s, headMove.data(),
                      tailMove.data(), pos.data(), n);
      }
    }
  }
  FILE* o = fopen(argv[2], "wb");
  if (!o || fwrite(pos.data(), sizeof(float), pos.size(), o) != pos.size() || fclose(o) != 0) {
    perror(argv[2]);
    return 2;
  }
  return 0;
}
