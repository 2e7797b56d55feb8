package cuda

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/bunkatopics/bunka-go/internal/cluster"
)

// This file launches the kernels of kmeans.cu as cluster.Kernels. It knows
// the device only through kmeansDevice, so that the tests run it here, on
// an emulator that executes Go mirrors of the kernels thread by thread
// (kmeans_emu_test.go), and the GPU build runs the same code on the GPU
// (kmeans_cuda.go).

// devPtr is a device address.
type devPtr uintptr

// kmeansDevice is what the k-means glue needs of a device.
type kmeansDevice interface {
	alloc(bytes int64) (devPtr, error)
	free(p devPtr) error
	putF64(dst devPtr, src []float64) error
	putU32(dst devPtr, src []uint32) error
	getF64(dst []float64, src devPtr) error
	getI32(dst []int32, src devPtr) error
	getU32(dst []uint32, src devPtr) error
	// launch starts kernel (of module kmeans) with args, each a devPtr or
	// an int32, in the order of the kernel's parameters.
	launch(kernel string, grid, block Dim3, args ...any) error
}

// Launch shapes of the kernels.
const (
	pointThreads = 256 // threads per block of the one-thread-per-point kernels
	blockThreads = 128 // threads per block of the one-thread-per-block-of-points kernels
	sumsThreads  = 256 // most threads per block of kmeans_sums
)

// kmeansBackend is the cluster.Backend of a device.
type kmeansBackend struct{ dev kmeansDevice }

// Load copies x to the device and allocates the per-point values.
func (b kmeansBackend) Load(_ context.Context, x []float64, n, d int) (cluster.Kernels, error) {
	if n > math.MaxInt32 || d > math.MaxInt32 || int64(n)*int64(d) > math.MaxInt64/8 {
		return nil, fmt.Errorf("cuda: k-means: %d points of %d coordinates: too many for the kernels", n, d)
	}
	k := &kmeansKernels{dev: b.dev, n: n, d: d, nb: cluster.Blocks(n)}
	err := func() error {
		var err error
		if k.x, err = b.dev.alloc(8 * int64(n) * int64(d)); err != nil {
			return err
		}
		if err = b.dev.putF64(k.x, x); err != nil {
			return err
		}
		if k.closest, err = b.dev.alloc(8 * int64(n)); err != nil {
			return err
		}
		if k.labels, err = b.dev.alloc(4 * int64(n)); err != nil {
			return err
		}
		if k.dist, err = b.dev.alloc(8 * int64(n)); err != nil {
			return err
		}
		k.changed, err = b.dev.alloc(4)
		return err
	}()
	if err != nil {
		return nil, fmt.Errorf("cuda: k-means: load %d points: %w", n, errors.Join(err, k.Close()))
	}
	return k, nil
}

// buffer is device memory that grows to the largest size asked of it.
type buffer struct {
	p     devPtr
	bytes int64
}

// ensure makes b hold at least bytes.
func (k *kmeansKernels) ensure(b *buffer, bytes int64) error {
	if b.bytes >= bytes {
		return nil
	}
	if b.p != 0 {
		if err := k.dev.free(b.p); err != nil {
			return err
		}
		*b = buffer{}
	}
	p, err := k.dev.alloc(bytes)
	if err != nil {
		return err
	}
	*b = buffer{p: p, bytes: bytes}
	return nil
}

// kmeansKernels run cluster.Kernels with the kernels of kmeans.cu.
type kmeansKernels struct {
	dev      kmeansDevice
	n, d, nb int

	x, closest, labels, dist, changed devPtr // x: n×d; closest, labels, dist: n; changed: 1
	small                             buffer // the centres or candidates of a call
	partial, sums, counts             buffer
	staged                            []int32 // host copy of labels or counts
}

var _ cluster.Kernels = (*kmeansKernels)(nil)

func (k *kmeansKernels) put(b *buffer, v []float64) error {
	if err := k.ensure(b, 8*int64(len(v))); err != nil {
		return err
	}
	return k.dev.putF64(b.p, v)
}

func (k *kmeansKernels) pointGrid() Dim3 { return Dim3{X: ceilDiv(k.n, pointThreads)} }

func (k *kmeansKernels) closestTo(c []float64, first int32) error {
	if err := k.put(&k.small, c); err != nil {
		return err
	}
	return k.dev.launch("kmeans_closest", k.pointGrid(), Dim3{X: pointThreads},
		k.x, int32(k.n), int32(k.d), k.small.p, k.closest, first)
}

func (k *kmeansKernels) SeedFirst(c, partial []float64) error {
	if err := k.closestTo(c, 1); err != nil {
		return wrapK("seed", err)
	}
	if err := k.ensure(&k.partial, 8*int64(k.nb)); err != nil {
		return wrapK("seed", err)
	}
	if err := k.dev.launch("kmeans_block_sums", Dim3{X: ceilDiv(k.nb, blockThreads)}, Dim3{X: blockThreads},
		k.closest, int32(k.n), int32(cluster.BlockSize), k.partial.p); err != nil {
		return wrapK("seed", err)
	}
	return wrapK("seed", k.dev.getF64(partial[:k.nb], k.partial.p))
}

func (k *kmeansKernels) SeedUpdate(c []float64) error {
	return wrapK("seed", k.closestTo(c, 0))
}

func (k *kmeansKernels) Closest(dst []float64) error {
	return wrapK("seed", k.dev.getF64(dst[:k.n], k.closest))
}

func (k *kmeansKernels) Potentials(cand, partial []float64) error {
	t := len(cand) / k.d
	if err := k.put(&k.small, cand); err != nil {
		return wrapK("seed", err)
	}
	if err := k.ensure(&k.partial, 8*int64(k.nb*t)); err != nil {
		return wrapK("seed", err)
	}
	if err := k.dev.launch("kmeans_potentials", Dim3{X: ceilDiv(k.nb*t, blockThreads)}, Dim3{X: blockThreads},
		k.x, int32(k.n), int32(k.d), int32(cluster.BlockSize), k.closest, k.small.p, int32(t), k.partial.p); err != nil {
		return wrapK("seed", err)
	}
	return wrapK("seed", k.dev.getF64(partial[:k.nb*t], k.partial.p))
}

func (k *kmeansKernels) Reset() error {
	return wrapK("reset", k.dev.launch("kmeans_reset", k.pointGrid(), Dim3{X: pointThreads}, k.labels, int32(k.n)))
}

// sumsShape is the launch shape of kmeans_sums for k×d (cluster, coordinate)
// pairs: one block of threads per block of points and group of pairs.
func sumsShape(nb, kd int) (grid, block Dim3) {
	threads := min(sumsThreads, ceilDiv(kd, 32)*32)
	return Dim3{X: nb, Y: ceilDiv(kd, threads)}, Dim3{X: threads}
}

func (k *kmeansKernels) Assign(centers, sums []float64, counts []int) (int, error) {
	nc := len(centers) / k.d
	if err := k.put(&k.small, centers); err != nil {
		return 0, wrapK("assign", err)
	}
	zero := []uint32{0}
	if err := k.dev.putU32(k.changed, zero); err != nil {
		return 0, wrapK("assign", err)
	}
	if err := k.dev.launch("kmeans_assign", k.pointGrid(), Dim3{X: pointThreads},
		k.x, int32(k.n), int32(k.d), k.small.p, int32(nc), k.labels, k.dist, k.changed); err != nil {
		return 0, wrapK("assign", err)
	}
	if err := k.ensure(&k.sums, 8*int64(k.nb*nc*k.d)); err != nil {
		return 0, wrapK("assign", err)
	}
	if err := k.ensure(&k.counts, 4*int64(k.nb*nc)); err != nil {
		return 0, wrapK("assign", err)
	}
	grid, block := sumsShape(k.nb, nc*k.d)
	if err := k.dev.launch("kmeans_sums", grid, block,
		k.x, int32(k.n), int32(k.d), int32(cluster.BlockSize), k.labels, int32(nc), k.sums.p, k.counts.p); err != nil {
		return 0, wrapK("assign", err)
	}
	if err := k.dev.getF64(sums[:k.nb*nc*k.d], k.sums.p); err != nil {
		return 0, wrapK("assign", err)
	}
	cnt := k.stage(k.nb * nc)
	if err := k.dev.getI32(cnt, k.counts.p); err != nil {
		return 0, wrapK("assign", err)
	}
	for i, v := range cnt {
		counts[i] = int(v)
	}
	if err := k.dev.getU32(zero, k.changed); err != nil {
		return 0, wrapK("assign", err)
	}
	return int(zero[0]), nil
}

// stage returns a host buffer of n int32.
func (k *kmeansKernels) stage(n int) []int32 {
	if cap(k.staged) < n {
		k.staged = make([]int32, n)
	}
	return k.staged[:n]
}

func (k *kmeansKernels) Labels(labels []int, dist []float64) error {
	l := k.stage(k.n)
	if err := k.dev.getI32(l, k.labels); err != nil {
		return wrapK("labels", err)
	}
	for i, v := range l {
		labels[i] = int(v)
	}
	return wrapK("labels", k.dev.getF64(dist[:k.n], k.dist))
}

// Close frees the device memory; it may be called on kernels that Load
// left half made.
func (k *kmeansKernels) Close() error {
	var errs []error
	for _, p := range []devPtr{k.x, k.closest, k.labels, k.dist, k.changed, k.small.p, k.partial.p, k.sums.p, k.counts.p} {
		if p != 0 {
			errs = append(errs, k.dev.free(p))
		}
	}
	*k = kmeansKernels{dev: k.dev}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("cuda: k-means: %w", err)
	}
	return nil
}

// wrapK names the k-means step of a device error; nil stays nil.
func wrapK(step string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("cuda: k-means %s: %w", step, err)
}
