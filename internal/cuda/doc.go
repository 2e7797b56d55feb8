// Package cuda is the GPU backend of the numeric core: k-NN search, the
// UMAP layout and k-means on an NVIDIA GPU, behind the same small
// interfaces as the CPU packages they stand beside (knn.Searcher,
// umap.Optimizer, cluster.Clusterer). The engine chooses between them by
// BUNKA_DEVICE.
//
// # Build
//
// The GPU code is compiled only with the build tag cuda (make gpu); it uses
// gorgonia.org/cu, a binding of the CUDA driver API, and needs the CUDA
// headers and a stub libcuda.so to link (scripts/get_cuda.sh installs
// Debian's nvidia-cuda-dev and nvidia-cuda-toolkit, CUDA 11.8; cu v0.9.6
// does not compile against CUDA 13's headers). Without the tag, Open
// returns ErrNotBuilt and the callers use the CPU. A tagged binary exits at
// start-up on a machine without a usable driver and GPU (cu's init calls
// cuInit and exits when it fails), which is why Dockerfile.worker ships both
// builds and picks one at start.
//
// # Run time
//
// Open creates one context on the first device, owned by one goroutine
// locked to its OS thread for the context's life; every driver call runs on
// that thread through Do (gorgonia's cu.Ctx passes work to it over a
// channel), serialised by a mutex so that several goroutines may share one
// GPU. The kernels are written here in CUDA C (<module>.cu), compiled by
// go generate (genptx.sh) to PTX for the virtual architecture compute_70 and
// committed (<module>.ptx, whose first line holds the sha256 of its source;
// a test fails when they disagree), embedded in the binary, and
// JIT-compiled by the driver for whatever GPU is present when Open loads
// them, so one binary runs on every GPU from Volta (7.0) to Hopper (9.0) and
// later. At run time only the driver is needed (libcuda.so.1, version 520 or
// later for PTX 7.8): no CUDA runtime, cuBLAS or cuDNN. The PTX is also
// assembled for sm_90 by ptxas in CI (make ptxcheck), as a check that it is
// valid for Hopper.
//
// Kernels take only parameters of at most 8 bytes (pointers, integers,
// floats): cu copies 8 bytes per kernel parameter. Launch, Alloc, Upload
// and Download wrap the calls the kernels' glue needs and count the device
// memory it holds (PeakBytes).
//
// # k nearest neighbours
//
// (*GPU).Searcher is a knn.Searcher (knn.cu, glue in knn_cuda.go; the same
// algorithm in Go, hostKNN in knnref.go, is what the untagged tests hold to
// knn.Exact and the knntest suite, and TestKNNKernelsOnHost compiles knn.cu
// itself as host C++, threads as fibers, and runs the driver's launches on
// it). It starts from knn.Prepare and ends with
// knn.Finish, so input checks, the cosine convention (1 − cos, on
// L2-normalised rows; a zero row stays zero), the exclusion of the row
// itself and the order (nearest first, ties by the smaller index) are the
// CPU's.
//
// Exact search computes squared distances as ‖x‖² + ‖y‖² − 2·x·y: each
// block of 256 threads takes up to 64 queries and a range of reference
// rows, multiplies 64 × 64 tiles through shared memory (16 dimensions at a
// time, 4 × 4 products per thread), and one thread per query keeps that
// query's k best (distance, index) pairs, in a sorted list that only it
// touches, with its worst pair in registers, so most candidates cost one
// comparison. The reference rows are cut into up to 64 ranges when there
// are few queries, the queries into chunks whose partial lists fit 512 MB,
// and knn_merge merges each query's lists: no n × n matrix is ever held (a
// million rows of 384 dimensions take 1.5 GB on the device, plus the
// lists). Pairs are kept under the total order (distance, index), so the
// result does not depend on the split. As on the CPU, the winners' distances
// are then recomputed directly (knn_refine).
//
// Exact search costs 2·n²·dim flops: 7.7·10¹⁴ at a million rows of 384,
// about half a minute on an H100 by our estimate (not measured), against a target of 30 s for the whole
// projection. Above 131,072 rows (or with knn.ApproximateMethod) the search
// is an inverted file, refined: k-means (10 Lloyd iterations on 64 rows per
// list, assignments by the tile kernel) splits the rows into about √n lists;
// the rows are sorted by list on the device, and each row is searched
// exactly, by the same tile kernel, among the rows of the lists of its
// nprobe nearest centroids (6.4% of the lists, at most 64), its partial
// lists merged as above; then two rounds of knn_expand offer every row its
// neighbours' neighbours at exact distances (the local join of NN-descent).
// We chose this over a GPU NN-descent because it reuses the exact kernels,
// which the CPU tests already hold to knn.Exact, spends its time in the
// dense tile product the GPU is best at, and has no data-dependent
// iteration count; its result is deterministic for a seed on a given GPU
// (centroids from a seeded sample, every selection under the total order).
// On the Debian descriptions (10,000 builtin-embedder vectors, 250 lists)
// the lists alone found 94.2% of the 15 nearest when searching 6.4% of the
// lists, 96.5% with the two rounds (TestHostIVFRecall); the GPU tests
// measure the recall on the GPU (scripts/gpu_check.sh). At a million rows
// that is about 5·10¹³ flops in the tiles.
//
// # UMAP layout
//
// Layout runs umap.BatchLayout's algorithm with the kernels of layout.cu:
// per step of an epoch (8 per epoch), layout_edges with one thread per edge
// of the step writes the edge's moves to slots of its own (its head move at
// the edge's index, its tail move in the tail point's list), then
// layout_gather with one thread per point adds its slots up in a fixed order
// and moves it. One epoch's 16 launches go to the context's thread in one Do,
// followed by a synchronisation. Unlike cuML, which adds moves to the points
// with floating-point atomics whose order varies from run to run, no two
// threads write the same memory and every sum has one order; the negative
// samples come from a counter-based hash of (seed, epoch, edge, sample).
// The float operations use explicit round-to-nearest intrinsics, never
// contracted into fused multiply-adds, and the gradient coefficients are
// read from tables the host computes, so the kernels round as the Go
// reference does: the same seed gives the same coordinates on a GPU, and
// they should be those of umap.BatchLayout bit for bit (the tagged tests
// measure it; TestLayoutKernelOnHost checks it here by compiling layout.cu
// as host C++). The umap package documentation compares the algorithm with
// umap-learn's lock-free CPU updates and gives its quality.
//
// # k-means
//
// Clusterer is cluster.KMeansOn with the kernels of kmeans.cu as its
// cluster.Kernels (kmeans_glue.go): the validation, the k-means++ draws, the
// reduction of per-block sums in block order, the centre updates, the
// relocation of empty clusters and the convergence test stay on the CPU,
// in package cluster's own driver; the GPU does the steps whose work grows
// with the number of points. kmeans_assign labels each point (one thread
// per point), kmeans_sums adds the coordinates of each cluster over each
// block of cluster.BlockSize points (one thread per block, cluster and
// coordinate, in point order), and kmeans_closest, kmeans_block_sums and
// kmeans_potentials do the k-means++ potentials the same way. In float64,
// with round-to-nearest intrinsics never contracted into fused
// multiply-adds, and with no floating-point atomics (the one atomic counts
// changed labels), every value is the one the CPU computes: the GPU's
// partition, centres and inertia are cluster.KMeans's bit for bit. Three
// tests check it without a GPU: the glue on an emulator that runs Go
// mirrors of the kernels (TestKMeansEmulatedAsCPU), kmeans.cu compiled as
// host C++ under the address sanitizer and driven by the same glue
// (TestKMeansKernelsOnHost), and the kernels' parameters against the
// emulator's (TestEmuSignatures); the tagged tests do it on the GPU.
//
//go:generate ./genptx.sh
package cuda
