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
//go:generate ./genptx.sh
package cuda
