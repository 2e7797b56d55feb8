// k nearest neighbours on the GPU: the kernels behind (*GPU).Searcher.
// knnref.go is the same algorithm in Go, tested against internal/knn on the
// CPU; keep the two in step. Every kernel parameter is at most 8 bytes
// (gorgonia.org/cu copies 8 bytes per parameter).
//
// Distances are squared euclidean in the working space (rows L2-normalised
// for cosine), computed for selection as |x|^2 + |y|^2 - 2 x.y, clamped at 0.
// Neighbour lists are ordered by (distance, index), index compared unsigned
// so that the empty mark -1 comes last: the k smallest pairs under this total
// order do not depend on the order in which candidates are offered.

#define TQ 64  // query rows per tile
#define TR 64  // reference rows per tile
#define TK 16  // dimensions per step of the product
#define NT 256 // threads per block of knn_tiles: 16 x 16, each 4 x 4 dot products

__device__ __forceinline__ bool better(float d, int j, float D, int J) {
    return d < D || (d == D && (unsigned)j < (unsigned)J);
}

// sortedInsert puts (d, j) into the sorted list ld/li at or before slot
// pos, moving the entries it passes one slot down (the entry at pos is
// dropped).
__device__ __forceinline__ void sortedInsert(float* ld, int* li, int pos, float d, int j) {
    while (pos > 0 && better(d, j, ld[pos - 1], li[pos - 1])) {
        ld[pos] = ld[pos - 1];
        li[pos] = li[pos - 1];
        pos--;
    }
    ld[pos] = d;
    li[pos] = j;
}

// knn_norms: norm[i] = sum_d x[i][d]^2, one warp per row, lanes striding
// over the dimensions, summed by a fixed butterfly.
extern "C" __global__ void knn_norms(const float* __restrict__ x, float* __restrict__ norm, int n, int dim) {
    int warp = (blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    int lane = threadIdx.x & 31;
    if (warp >= n) return;
    const float* r = x + (long long)warp * dim;
    float s = 0.f;
    for (int d = lane; d < dim; d += 32) s += r[d] * r[d];
    for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
    if (lane == 0) norm[warp] = s;
}

// knn_tiles: one block per work item (int4: first position, count <= TQ,
// first and end reference row). Positions p in [first, first+count) name a
// query row qrow[p] of x and an output list qent[p] of part (k pairs,
// ascending). The block computes the distances of its queries to every
// reference row of y in [r0, r1), 64 x 64 at a time through shared memory,
// then one thread per query keeps that query's k best in its list. With
// exclude != 0, y is x and a row is never its own neighbour.
extern "C" __global__ void __launch_bounds__(NT) knn_tiles(
    const float* __restrict__ x, const float* __restrict__ xnorm,
    const float* __restrict__ y, const float* __restrict__ ynorm,
    const int* __restrict__ qrow, const int* __restrict__ qent,
    const int4* __restrict__ items, int dim, int k, int exclude,
    float* __restrict__ partD, int* __restrict__ partI) {
    __shared__ float As[TK][TQ + 1];
    __shared__ float Bs[TK][TR + 1];
    __shared__ float Ds[TQ][TR + 1];
    __shared__ int rows[TQ];

    const int4 it = items[blockIdx.x];
    const int first = it.x, count = it.y, r0 = it.z, r1 = it.w;
    const int t = threadIdx.x;
    const int tx = t & 15, ty = t >> 4;

    if (t < TQ) rows[t] = t < count ? qrow[first + t] : -1;
    // The list of this thread's query, and its current worst pair.
    float* ld = 0;
    int* li = 0;
    float thrD = __int_as_float(0x7f800000);
    int thrI = -1;
    if (t < count) {
        int e = qent[first + t];
        ld = partD + (long long)e * k;
        li = partI + (long long)e * k;
        for (int s = 0; s < k; s++) {
            ld[s] = __int_as_float(0x7f800000);
            li[s] = -1;
        }
    }
    __syncthreads();

    for (int j0 = r0; j0 < r1; j0 += TR) {
        float acc[4][4];
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++) acc[a][b] = 0.f;
        for (int d0 = 0; d0 < dim; d0 += TK) {
            // Load 64 rows x 16 dimensions of queries and of references,
            // 16 consecutive dimensions per 16 consecutive threads.
            int dd = t & 15, rr = t >> 4;
            for (int p = 0; p < 4; p++) {
                int r = rr + 16 * p;
                int d = d0 + dd;
                int q = rows[r];
                As[dd][r] = (q >= 0 && d < dim) ? x[(long long)q * dim + d] : 0.f;
                int j = j0 + r;
                Bs[dd][r] = (j < r1 && d < dim) ? y[(long long)j * dim + d] : 0.f;
            }
            __syncthreads();
#pragma unroll
            for (int kk = 0; kk < TK; kk++) {
                float av[4], bv[4];
                for (int a = 0; a < 4; a++) av[a] = As[kk][ty + 16 * a];
                for (int b = 0; b < 4; b++) bv[b] = Bs[kk][tx + 16 * b];
                for (int a = 0; a < 4; a++)
                    for (int b = 0; b < 4; b++) acc[a][b] += av[a] * bv[b];
            }
            __syncthreads();
        }
        for (int a = 0; a < 4; a++) {
            int qi = ty + 16 * a;
            int q = rows[qi];
            for (int b = 0; b < 4; b++) {
                int j = j0 + tx + 16 * b;
                float dist = __int_as_float(0x7f800000);
                if (q >= 0 && j < r1 && !(exclude && j == q)) {
                    dist = fmaxf(xnorm[q] + ynorm[j] - 2.f * acc[a][b], 0.f);
                }
                Ds[qi][tx + 16 * b] = dist;
            }
        }
        __syncthreads();
        if (t < count) {
            int jn = min(TR, r1 - j0);
            for (int c = 0; c < jn; c++) {
                float d = Ds[t][c];
                int j = j0 + c;
                // The row itself (infinite) is never kept, even in a list
                // that has room: rows are finite, so every other distance is.
                if (d == __int_as_float(0x7f800000) || !better(d, j, thrD, thrI)) continue;
                sortedInsert(ld, li, k - 1, d, j);
                thrD = ld[k - 1];
                thrI = li[k - 1];
            }
        }
        __syncthreads();
    }
}

// knn_merge: for each of n queries, the k best of its p ascending lists
// (entries q*p .. q*p+p-1 of part) into out, ascending; one thread per query.
#define MAXP 64
extern "C" __global__ void knn_merge(const float* __restrict__ partD, const int* __restrict__ partI,
                                     float* __restrict__ outD, int* __restrict__ outI, int n, int p, int k) {
    int q = blockIdx.x * blockDim.x + threadIdx.x;
    if (q >= n) return;
    int cur[MAXP];
    for (int s = 0; s < p; s++) cur[s] = 0;
    const long long base = (long long)q * p * k;
    for (int o = 0; o < k; o++) {
        int bs = -1;
        float bd = __int_as_float(0x7f800000);
        int bi = -1;
        for (int s = 0; s < p; s++) {
            if (cur[s] >= k) continue;
            long long at = base + (long long)s * k + cur[s];
            float d = partD[at];
            int i = partI[at];
            if (i < 0) continue;
            if (bs < 0 || better(d, i, bd, bi)) {
                bs = s;
                bd = d;
                bi = i;
            }
        }
        if (bs >= 0) cur[bs]++;
        outD[(long long)q * k + o] = bd;
        outI[(long long)q * k + o] = bi;
    }
}

// knn_refine: the squared distance of each query to each of its k
// neighbours, computed directly (no cancellation); one warp per query.
extern "C" __global__ void knn_refine(const float* __restrict__ x, const int* __restrict__ idx,
                                      float* __restrict__ dist, int n, int dim, int k) {
    int q = (blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    int lane = threadIdx.x & 31;
    if (q >= n) return;
    const float* a = x + (long long)q * dim;
    for (int s = 0; s < k; s++) {
        int j = idx[(long long)q * k + s];
        if (j < 0) continue;
        const float* b = x + (long long)j * dim;
        float acc = 0.f;
        for (int d = lane; d < dim; d += 32) {
            float v = a[d] - b[d];
            acc += v * v;
        }
        for (int o = 16; o > 0; o >>= 1) acc += __shfl_xor_sync(0xffffffffu, acc, o);
        if (lane == 0) dist[(long long)q * k + s] = acc;
    }
}

// knn_gather: dst row i = src row perm[i].
extern "C" __global__ void knn_gather(const float* __restrict__ src, const int* __restrict__ perm,
                                      float* __restrict__ dst, int n, int dim) {
    long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    long long total = (long long)n * dim;
    if (t >= total) return;
    long long i = t / dim;
    int d = (int)(t - i * dim);
    dst[t] = src[(long long)perm[i] * dim + d];
}

// knn_expand: one round of neighbours' neighbours (the local join of
// NN-descent, Dong, Moses and Li, WWW 2011) over an approximate graph:
// each query's list (in, ascending by exact squared distance) is sorted,
// then offered every neighbour of its neighbours, at its exact squared
// distance, into out. One warp per query; a candidate already in the list
// is skipped, so the list stays a set.
extern "C" __global__ void knn_expand(const float* __restrict__ x, const float* __restrict__ inD,
                                      const int* __restrict__ inI, float* __restrict__ outD,
                                      int* __restrict__ outI, int n, int dim, int k) {
    int q = (blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    int lane = threadIdx.x & 31;
    if (q >= n) return;
    const long long base = (long long)q * k;
    float* ld = outD + base;
    int* li = outI + base;
    if (lane == 0) {
        for (int s = 0; s < k; s++) {
            float d = inD[base + s];
            int j = inI[base + s];
            sortedInsert(ld, li, s, d, j);
        }
    }
    __syncwarp();
    float thrD = ld[k - 1];
    int thrI = li[k - 1];
    const float* a = x + (long long)q * dim;
    for (int t = 0; t < k; t++) {
        int j = inI[base + t];
        if (j < 0) continue;
        for (int u = 0; u < k; u++) {
            int c = inI[(long long)j * k + u];
            if (c < 0 || c == q) continue;
            bool have = false;
            for (int s = lane; s < k; s += 32) have |= li[s] == c;
            if (__any_sync(0xffffffffu, have)) continue;
            const float* b = x + (long long)c * dim;
            float acc = 0.f;
            for (int d = lane; d < dim; d += 32) {
                float v = a[d] - b[d];
                acc += v * v;
            }
            for (int o = 16; o > 0; o >>= 1) acc += __shfl_xor_sync(0xffffffffu, acc, o);
            if (!better(acc, c, thrD, thrI)) continue;
            if (lane == 0) {
                sortedInsert(ld, li, k - 1, acc, c);
            }
            __syncwarp();
            thrD = ld[k - 1];
            thrI = li[k - 1];
        }
    }
}
