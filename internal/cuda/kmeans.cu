// k-means kernels: the steps of cluster.KMeansOn whose work grows with the
// number of points (see cluster.Kernels for their contract, and
// kmeans_glue.go for how they are launched). Every value is computed as the
// CPU computes it, so that the GPU result is the CPU's bit for bit:
//   - squared distances are summed coordinate by coordinate from 0, each
//     product and sum rounded on its own (the _rn intrinsics are never
//     contracted into fused multiply-adds);
//   - a sum over points is taken per block of bs points (cluster.BlockSize),
//     by one thread, in point order: no atomics and no tree decide a
//     floating-point result. The host adds the blocks in order.
// The one atomic, in kmeans_assign, counts changed labels: an integer.

// sqdist is the squared euclidean distance between a and b (d coordinates).
__device__ __forceinline__ double sqdist(const double* __restrict__ a, const double* __restrict__ b, int d) {
    double s = 0.0;
    for (int j = 0; j < d; j++) {
        double t = __dsub_rn(a[j], b[j]);
        s = __dadd_rn(s, __dmul_rn(t, t));
    }
    return s;
}

// kmeans_reset sets every label to -1 (no cluster). One thread per point.
extern "C" __global__ void kmeans_reset(int* __restrict__ labels, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) labels[i] = -1;
}

// kmeans_closest sets closest[i] to the squared distance from point i to c
// when first is set or when that is smaller. One thread per point.
extern "C" __global__ void kmeans_closest(const double* __restrict__ x, int n, int d,
                                          const double* __restrict__ c,
                                          double* __restrict__ closest, int first) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    double v = sqdist(x + (long long)i * d, c, d);
    if (first || v < closest[i]) closest[i] = v;
}

// kmeans_block_sums writes to partial[b] the sum of v over block b of bs
// points, in point order. One thread per block.
extern "C" __global__ void kmeans_block_sums(const double* __restrict__ v, int n, int bs,
                                             double* __restrict__ partial) {
    int b = blockIdx.x * blockDim.x + threadIdx.x;
    int nb = (n + bs - 1) / bs;
    if (b >= nb) return;
    long long lo = (long long)b * bs;
    long long hi = min(lo + bs, (long long)n);
    double s = 0.0;
    for (long long i = lo; i < hi; i++) s = __dadd_rn(s, v[i]);
    partial[b] = s;
}

// kmeans_potentials writes to partial[b*t+j] the sum over the points i of
// block b of min(closest[i], squared distance from point i to candidate j),
// in point order, for the t candidates cand (t×d). One thread per block and
// candidate.
extern "C" __global__ void kmeans_potentials(const double* __restrict__ x, int n, int d, int bs,
                                             const double* __restrict__ closest,
                                             const double* __restrict__ cand, int t,
                                             double* __restrict__ partial) {
    int q = blockIdx.x * blockDim.x + threadIdx.x;
    int nb = (n + bs - 1) / bs;
    if (q >= nb * t) return;
    int b = q / t, j = q % t;
    const double* cj = cand + (long long)j * d;
    long long lo = (long long)b * bs;
    long long hi = min(lo + bs, (long long)n);
    double s = 0.0;
    for (long long i = lo; i < hi; i++) {
        double v = sqdist(x + i * d, cj, d);
        double c = closest[i];
        s = __dadd_rn(s, c <= v ? c : v);
    }
    partial[q] = s;
}

// kmeans_assign gives point i the label of its nearest centre among the k
// of centers (k×d; ties to the lowest index), sets dist[i] to the squared
// distance to it, and counts in *changed the labels that changed. One
// thread per point.
extern "C" __global__ void kmeans_assign(const double* __restrict__ x, int n, int d,
                                         const double* __restrict__ centers, int k,
                                         int* __restrict__ labels, double* __restrict__ dist,
                                         unsigned int* __restrict__ changed) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const double* p = x + (long long)i * d;
    int best = 0;
    double bd = __longlong_as_double(0x7ff0000000000000LL); // +Inf
    for (int c = 0; c < k; c++) {
        double v = sqdist(p, centers + (long long)c * d, d);
        if (v < bd) {
            best = c;
            bd = v;
        }
    }
    if (labels[i] != best) {
        labels[i] = best;
        atomicAdd(changed, 1u);
    }
    dist[i] = bd;
}

// kmeans_sums writes to sums[(b*k+c)*d+j] the sum of coordinate j over the
// points of block b (blockIdx.x) labelled c, in point order, and to
// counts[b*k+c] their number. Thread q = blockIdx.y*blockDim.x+threadIdx.x
// takes the pair c = q/d, j = q%d. The threads of a warp read the same
// label at the same time (one broadcast load); each point's coordinate is
// read by the one thread of its cluster and coordinate.
extern "C" __global__ void kmeans_sums(const double* __restrict__ x, int n, int d, int bs,
                                       const int* __restrict__ labels, int k,
                                       double* __restrict__ sums, int* __restrict__ counts) {
    int b = blockIdx.x;
    int q = blockIdx.y * blockDim.x + threadIdx.x;
    if (q >= k * d) return;
    int c = q / d, j = q % d;
    long long lo = (long long)b * bs;
    long long hi = min(lo + bs, (long long)n);
    double s = 0.0;
    int cnt = 0;
    for (long long i = lo; i < hi; i++) {
        if (labels[i] == c) {
            s = __dadd_rn(s, x[i * d + j]);
            cnt++;
        }
    }
    sums[((long long)b * k + c) * d + j] = s;
    if (j == 0) counts[(long long)b * k + c] = cnt;
}
