// Package umap projects high-dimensional vectors to two dimensions with
// UMAP (McInnes, Healy and Melville, "UMAP: Uniform Manifold Approximation
// and Projection for Dimension Reduction", arXiv:1802.03426, 2018), with the
// defaults that umap-learn 0.5 applies for the original BunkaTopics service
// (umap.UMAP(n_components=2, random_state=42)).
//
// The stages are those of umap-learn's fit:
//
//  1. k nearest neighbours (package knn: exact below 4,096 points,
//     NN-descent above), n_neighbors 15 counting the point itself, as
//     umap-learn does, so 14 true neighbours.
//  2. The fuzzy simplicial set: per point, rho = distance to the nearest
//     neighbour at non-zero distance (local_connectivity 1) and sigma found
//     by 64 steps of bisection so that Σ exp(−(d−rho)/sigma) = log2(15);
//     memberships exp(−(d−rho)/sigma), symmetrised by fuzzy union
//     A + Aᵀ − A∘Aᵀ (set_op_mix_ratio 1); edges below max/n_epochs dropped.
//  3. Initialisation: the eigenvectors of the 2nd and 3rd smallest
//     eigenvalues of the normalised Laplacian I − D^−½ A D^−½, that is the
//     top eigenvectors of (I + D^−½ A D^−½)/2 orthogonal to its known top
//     eigenvector D^½·1, found one after the other by Lanczos iteration
//     (100 steps, up to 10 explicit restarts from the best Ritz vector,
//     residual 1e-4 as umap-learn's eigsh tol), each run deflated by the
//     vectors found before so that a repeated eigenvalue yields two
//     independent vectors. Each step reorthogonalises fully, by classical
//     Gram–Schmidt over fixed blocks of elements in parallel, a second
//     pass when the first left less than 0.717 of the vector's length (the
//     DGKS test with ARPACK's constant), so the result is the same for any number of
//     workers. The second run starts from the first run's second Ritz
//     vector plus as much random vector: at 100,000 points it needs one
//     restart fewer than from a random start. Scaled so that the
//     largest coordinate is 10, with Gaussian noise of scale 1e-4, then
//     each axis rescaled to [0, 10] (umap-learn's simplicial_set_embedding).
//     Fallbacks, documented departures from umap-learn: when the graph is
//     disconnected (its Laplacian then has several zero eigenvalues and one
//     spectral layout would collapse each component to a point), every
//     component of at least 8 points gets its own spectral layout, smaller
//     ones (and any whose Lanczos run fails) a uniform random one, and the
//     components are packed on shelves, largest first, in boxes of side
//     proportional to √size; umap-learn instead places the components
//     around a spectral embedding of their centroids, so ours keeps each
//     component's shape but not their relative placement. When a connected
//     graph has fewer than 4 points or Lanczos does not reach a residual
//     of 1e-2 after its restarts, all points start uniformly at random in
//     [−10, 10]², umap-learn's random initialisation.
//  4. Layout by stochastic gradient descent on the fuzzy cross-entropy with
//     the curve 1/(1 + a·d^2b), a and b fitted to min_dist and spread by
//     Levenberg–Marquardt least squares on 300 points of [0, 3·spread], as
//     umap-learn's find_ab_params does with scipy's curve_fit; every edge
//     is sampled in proportion to its weight (epochs_per_sample =
//     max weight / weight), 5 negative samples per positive one, gradients
//     clipped to ±4, learning rate 1 decaying linearly to 0, 500 epochs up
//     to 10,000 points and 200 above.
//
// Parallel, race-free and reproducible layout: umap-learn applies the moves
// of each edge to both its ends in place from many threads without locks
// ("Hogwild"). Here each epoch runs in 8 phases over consecutive blocks of
// points, each block split in 16 stripes that the workers share out. A
// worker moves the head points of its stripe in place (a head's edges are
// processed in order, as umap-learn does), reading every other point from a
// snapshot; the opposite moves of the edges' tails are queued per stripe
// and applied at the end of the phase, stripes in order, and the snapshot
// is refreshed. Negative samples come from a random stream seeded by
// (seed, epoch, point), and their repulsions for one edge are taken at the
// same position and summed. Nothing depends on which worker moves which
// stripe, so the output depends on the input, options and seed only (not
// even on the worker count), and no memory is written by two goroutines.
// Tail moves matter: moving only heads, with twice the pull, gave a
// layout whose k-means clusters matched the labels less well (NMI 0.37
// against 0.40 for umap-learn on the debian corpus); deferring tail moves
// to the end of the epoch lowered trustworthiness (0.921 against 0.933);
// with 8 phases both match umap-learn (docs/benchmarks/umap.md).
//
// BatchLayout is the GPU's layout algorithm (package cuda runs it as the
// kernels of internal/cuda/layout.cu), kept here in Go as the reference
// the GPU is tested against. It has umap-learn's schedule (the same
// epochs_per_sample, 5 negative samples per positive one on their own
// schedule, the learning rate falling linearly to 0, the a/b curve,
// clipping at ±4, gamma) but not its order of updates. Each epoch runs in 8
// steps; an edge, the r-th of its row, belongs to step r mod 8. In a step,
// every edge due for sampling computes, from the positions at the start of
// the step, its pull on its head and the opposite pull on its tail (umap-
// learn's move_other) and its negative samples' pushes on its head; it
// writes its head move to a slot of its own and its tail move to a slot in
// the tail's list (the transpose of the graph); then every point adds its
// slots up, head moves then tail moves, each in edge order, and moves once.
// The negative samples are drawn by a counter-based stream: the splitmix64
// hash of (seed, epoch, edge), stepped once per sample, so any thread can
// draw any edge's samples. The steps matter: one synchronous step per epoch
// (each point summing all its moves of the epoch, taken from one position)
// lowered trustworthiness from 0.890 to 0.872 on debian_en_2k (k = 15, all
// points, builtin embedder, seed 42); 4 steps gave
// 0.889, 8 steps 0.897 (CPULayout 0.890), and on debian_en_10k 8 steps give
// 0.939 against CPULayout's 0.941 (k = 15, every other point).
//
// Why it is deterministic where others are not: umap-learn's parallel
// layout ("Hogwild", lock-free) moves points in place from many threads,
// so a point's position depends on which thread wrote first, and its
// seeded layout is reproducible only because it then runs on one thread.
// cuML's GPU layout runs one thread per edge and adds the moves to the
// points with floating-point atomic additions (in its deterministic mode
// into buffers applied at the end of an epoch); the order in which atomic
// additions land varies between runs and float addition is not
// associative, so sums differ in their last bits, and 500 epochs of an
// iteration that amplifies small differences make layouts that differ
// visibly. Here no two threads write the same memory, each sum is taken in
// one fixed order by one thread, and the random numbers depend on (seed,
// epoch, edge, sample) and not on which thread draws them: the result
// depends on the input and the seed only, on the CPU (for any number of
// workers) and on one GPU. Every float32 product is rounded before it is
// added (explicit conversions in Go, __fmul_rn/__fadd_rn in CUDA), so that
// neither compiler fuses a multiply and an add; the coefficients are read
// from tables that the host computes once with math.Pow and uploads, so no
// device pow or exp enters the result. The GPU and this reference should
// then agree bit for bit; where they do not (a compiler that rewrites
// float expressions despite this), they still each repeat themselves.
//
// The gradient coefficients, functions of the squared distance only, are
// read from a table of 128 points per octave with linear interpolation
// (relative error about 1e-5) instead of calling math.Pow for every sample.
package umap
