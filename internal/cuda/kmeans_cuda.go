//go:build cuda

package cuda

import (
	"gorgonia.org/cu"

	"github.com/bunkatopics/bunka-go/internal/cluster"
)

// Clusterer returns k-means on the GPU: cluster.KMeansOn with the kernels
// of kmeans.cu, which give cluster.KMeans's result bit for bit (see
// kmeans_glue.go). Several goroutines may use it at once: each call holds
// its own device memory, freed before it returns.
func (g *GPU) Clusterer() cluster.Clusterer {
	return cluster.OnBackend(kmeansBackend{dev: gpuDevice{g}})
}

// gpuDevice is the kmeansDevice of a GPU.
type gpuDevice struct{ g *GPU }

func (d gpuDevice) alloc(bytes int64) (devPtr, error) {
	p, err := d.g.Alloc(bytes)
	return devPtr(p), err
}

func (d gpuDevice) free(p devPtr) error { return d.g.Free(cu.DevicePtr(p)) }

func (d gpuDevice) putF64(dst devPtr, src []float64) error {
	return Upload(d.g, cu.DevicePtr(dst), src)
}

func (d gpuDevice) putU32(dst devPtr, src []uint32) error {
	return Upload(d.g, cu.DevicePtr(dst), src)
}

func (d gpuDevice) getF64(dst []float64, src devPtr) error {
	return Download(d.g, dst, cu.DevicePtr(src))
}

func (d gpuDevice) getI32(dst []int32, src devPtr) error {
	return Download(d.g, dst, cu.DevicePtr(src))
}

func (d gpuDevice) getU32(dst []uint32, src devPtr) error {
	return Download(d.g, dst, cu.DevicePtr(src))
}

func (d gpuDevice) launch(kernel string, grid, block Dim3, args ...any) error {
	fn, err := d.g.Function("kmeans", kernel)
	if err != nil {
		return err
	}
	for i, a := range args {
		if p, ok := a.(devPtr); ok {
			args[i] = cu.DevicePtr(p)
		}
	}
	return d.g.Launch(fn, grid, block, 0, args...)
}
