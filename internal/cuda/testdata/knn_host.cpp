// knn_host.cpp runs one kernel of knn.cu, compiled as host C++, for
// TestKNNKernelsOnHost. A block's threads are fibers on one OS thread,
// switched at barriers: __syncthreads waits for the block's threads,
// __syncwarp for the 32 of a warp, and the warp shuffles and votes go through
// a per-warp buffer between two such barriers; __shared__ variables are
// static, shared by the threads of the one block that runs at a time.
//
// Usage: knn_host IN OUT. IN: the kernel's name (int64 length, bytes), grid
// and block size (int64 each), the argument count (int64), then each
// argument: a tag byte ('i' an int64, 'f' float32 buffer, 'n' int32 buffer),
// for buffers an int64 count and the values. OUT: every buffer argument's
// values after the launch, in order.
#include <ucontext.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __shared__ static
#define __launch_bounds__(n)

using std::min;
struct int4 {
    int x, y, z, w;
};
struct hostDim3 {
    unsigned x, y, z;
};
static hostDim3 threadIdx, blockIdx, blockDim, gridDim;

// The threads of a block are fibers (ucontext) on one OS thread, switched
// only at barriers, so a run is fast and the same every time.
struct fiber {
    ucontext_t ctx;
    std::vector<char> stack;
    int wait;  // -1 running; 0 the block's barrier; 1 + w warp w's
    unsigned gen;
    bool done;
};
static std::vector<fiber> fibers;
static ucontext_t schedCtx;
static unsigned cur;
static const std::function<void()>* curKernel;
static unsigned blockArrived, blockGen;
static std::vector<unsigned> warpArrived, warpGen;
static std::vector<float> shflF;
static std::vector<int> voteI;

static void park(int wait, unsigned gen) {
    fibers[cur].wait = wait;
    fibers[cur].gen = gen;
    swapcontext(&fibers[cur].ctx, &schedCtx);
}
static inline void __syncthreads() {
    unsigned g = blockGen;
    if (++blockArrived == blockDim.x) {
        blockArrived = 0;
        blockGen++;
        return;
    }
    park(0, g);
}
static inline void __syncwarp(unsigned = 0xffffffffu) {
    unsigned w = threadIdx.x / 32, g = warpGen[w];
    if (++warpArrived[w] == 32) {
        warpArrived[w] = 0;
        warpGen[w]++;
        return;
    }
    park(1 + w, g);
}
static inline float __shfl_xor_sync(unsigned, float v, int o) {
    unsigned w = threadIdx.x / 32, l = threadIdx.x % 32;
    shflF[w * 32 + l] = v;
    __syncwarp();
    float r = shflF[w * 32 + (l ^ o)];
    __syncwarp();
    return r;
}
static inline int __any_sync(unsigned, int p) {
    unsigned w = threadIdx.x / 32, l = threadIdx.x % 32;
    voteI[w * 32 + l] = p;
    __syncwarp();
    int r = 0;
    for (int i = 0; i < 32; i++) r |= voteI[w * 32 + i];
    __syncwarp();
    return r;
}
static inline float __int_as_float(int i) {
    float f;
    std::memcpy(&f, &i, sizeof f);
    return f;
}

#include "../knn.cu"

static void fiberMain() {
    (*curKernel)();
    fibers[cur].done = true;
}

static void fail(const char* what) {
    std::fprintf(stderr, "knn_host: %s\n", what);
    std::exit(1);
}

// launch runs the grid's blocks one after the other; in a block, the
// scheduler resumes in turn every fiber whose barrier has been passed.
static void launch(unsigned grid, unsigned block, const std::function<void()>& kernel) {
    gridDim = {grid, 1, 1};
    blockDim = {block, 1, 1};
    curKernel = &kernel;
    unsigned warps = (block + 31) / 32;
    shflF.assign(warps * 32, 0);
    voteI.assign(warps * 32, 0);
    fibers.resize(block);
    for (auto& f : fibers) f.stack.resize(64 << 10);
    for (unsigned b = 0; b < grid; b++) {
        blockIdx = {b, 0, 0};
        blockArrived = blockGen = 0;
        warpArrived.assign(warps, 0);
        warpGen.assign(warps, 0);
        for (auto& f : fibers) {
            getcontext(&f.ctx);
            f.ctx.uc_stack.ss_sp = f.stack.data();
            f.ctx.uc_stack.ss_size = f.stack.size();
            f.ctx.uc_link = &schedCtx;
            makecontext(&f.ctx, fiberMain, 0);
            f.wait = -1;
            f.done = false;
        }
        for (unsigned left = block; left > 0;) {
            bool moved = false;
            for (unsigned t = 0; t < block; t++) {
                fiber& f = fibers[t];
                if (f.done) continue;
                if (f.wait == 0 && blockGen == f.gen) continue;
                if (f.wait > 0 && warpGen[f.wait - 1] == f.gen) continue;
                cur = t;
                threadIdx = {t, 0, 0};
                f.wait = -1;
                swapcontext(&schedCtx, &f.ctx);
                moved = true;
                if (f.done) left--;
            }
            if (!moved) fail("deadlock: every thread waits at a barrier that will not open");
        }
    }
}

struct arg {
    char tag;
    int64_t v;
    std::vector<char> buf;
};

static void must(bool ok, const char* what) {
    if (!ok) fail(what);
}

int main(int argc, char** argv) {
    must(argc == 3, "usage: knn_host IN OUT");
    FILE* in = std::fopen(argv[1], "rb");
    must(in, "cannot open input");
    auto i64 = [&] {
        int64_t v;
        must(std::fread(&v, 8, 1, in) == 1, "short input");
        return v;
    };
    std::string name(i64(), '\0');
    must(std::fread(name.data(), 1, name.size(), in) == name.size(), "short name");
    unsigned grid = i64(), block = i64();
    std::vector<arg> a(i64());
    for (auto& x : a) {
        must(std::fread(&x.tag, 1, 1, in) == 1, "short tag");
        if (x.tag == 'i') {
            x.v = i64();
        } else {
            int64_t n = i64();
            x.buf.resize(n * 4 + 16);
            must((int64_t)std::fread(x.buf.data(), 4, n, in) == n, "short buffer");
            x.v = n;
        }
    }
    std::fclose(in);
    auto F = [&](int i) { return (float*)a[i].buf.data(); };
    auto N = [&](int i) { return (int*)a[i].buf.data(); };
    auto I = [&](int i) { return (int)a[i].v; };
    std::function<void()> k;
    if (name == "knn_norms") {
        k = [&] { knn_norms(F(0), F(1), I(2), I(3)); };
    } else if (name == "knn_tiles") {
        k = [&] { knn_tiles(F(0), F(1), F(2), F(3), N(4), N(5), (const int4*)N(6), I(7), I(8), I(9), F(10), N(11)); };
    } else if (name == "knn_merge") {
        k = [&] { knn_merge(F(0), N(1), F(2), N(3), I(4), I(5), I(6)); };
    } else if (name == "knn_refine") {
        k = [&] { knn_refine(F(0), N(1), F(2), I(3), I(4), I(5)); };
    } else if (name == "knn_gather") {
        k = [&] { knn_gather(F(0), N(1), F(2), I(3), I(4)); };
    } else if (name == "knn_expand") {
        k = [&] { knn_expand(F(0), F(1), N(2), F(3), N(4), I(5), I(6), I(7)); };
    } else {
        must(false, "unknown kernel");
    }
    launch(grid, block, k);
    FILE* out = std::fopen(argv[2], "wb");
    must(out, "cannot create output");
    for (auto& x : a) {
        if (x.tag != 'i') must((int64_t)std::fwrite(x.buf.data(), 4, x.v, out) == x.v, "short write");
    }
    must(std::fclose(out) == 0, "close output");
    return 0;
}
