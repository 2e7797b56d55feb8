//go:build cuda

package cuda

import (
	"context"

	"gorgonia.org/cu"

	"github.com/bunkatopics/bunka-go/internal/knn"
)

// Searcher returns the GPU's k-NN search: exact (knn.cu's tiled kernel) up
// to 131,072 rows or with knn.ExactMethod, an inverted file refined by
// neighbours' neighbours above or with knn.ApproximateMethod (see doc.go).
// It checks its input as knn.Search does and reports distances the same
// way; opt.Workers is ignored.
func (g *GPU) Searcher() knn.Searcher { return gpuSearcher{g} }

type gpuSearcher struct{ g *GPU }

func (s gpuSearcher) Search(ctx context.Context, data [][]float32, k int, opt knn.Options) (*knn.Graph, error) {
	b, err := newGPUKNN(s.g)
	if err != nil {
		return nil, err
	}
	return searchWith(ctx, b, data, k, opt, defaultIVF)
}

// gpuKNN runs knn.cu's kernels; both buffer handles are device pointers.
type gpuKNN struct {
	g                                                 *GPU
	kNorms, kTiles, kMerge, kRefine, kGather, kExpand cu.Function
}

var _ knnBackend[cu.DevicePtr, cu.DevicePtr] = (*gpuKNN)(nil)

func newGPUKNN(g *GPU) (*gpuKNN, error) {
	b := &gpuKNN{g: g}
	for _, f := range []struct {
		name string
		fn   *cu.Function
	}{
		{"knn_norms", &b.kNorms}, {"knn_tiles", &b.kTiles}, {"knn_merge", &b.kMerge},
		{"knn_refine", &b.kRefine}, {"knn_gather", &b.kGather}, {"knn_expand", &b.kExpand},
	} {
		fn, err := g.Function("knn", f.name)
		if err != nil {
			return nil, err
		}
		*f.fn = fn
	}
	return b, nil
}

func (b *gpuKNN) upF(src []float32) (cu.DevicePtr, error)  { return AllocUpload(b.g, src) }
func (b *gpuKNN) upI(src []int32) (cu.DevicePtr, error)    { return AllocUpload(b.g, src) }
func (b *gpuKNN) setI(dst cu.DevicePtr, src []int32) error { return Upload(b.g, dst, src) }
func (b *gpuKNN) allocF(n int) (cu.DevicePtr, error)       { return b.g.Alloc(int64(n) * 4) }
func (b *gpuKNN) allocI(n int) (cu.DevicePtr, error)       { return b.g.Alloc(int64(n) * 4) }
func (b *gpuKNN) downF(dst []float32, src cu.DevicePtr) error {
	return Download(b.g, dst, src)
}
func (b *gpuKNN) downI(dst []int32, src cu.DevicePtr) error { return Download(b.g, dst, src) }
func (b *gpuKNN) offF(p cu.DevicePtr, n int) cu.DevicePtr   { return p + cu.DevicePtr(4*n) }
func (b *gpuKNN) offI(p cu.DevicePtr, n int) cu.DevicePtr   { return p + cu.DevicePtr(4*n) }
func (b *gpuKNN) freeF(p cu.DevicePtr) error                { return b.g.Free(p) }
func (b *gpuKNN) freeI(p cu.DevicePtr) error                { return b.g.Free(p) }

func (b *gpuKNN) norms(x cu.DevicePtr, n, dim int, out cu.DevicePtr) error {
	return b.g.Launch(b.kNorms, warpGrid(n), block256, 0, x, out, n, dim)
}

func (b *gpuKNN) tiles(a *tileArgs[cu.DevicePtr, cu.DevicePtr]) error {
	if a.nItems == 0 {
		return nil
	}
	exclude := 0
	if a.exclude {
		exclude = 1
	}
	return b.g.Launch(b.kTiles, Dim3{X: a.nItems}, block256, 0,
		a.x, a.xnorm, a.y, a.ynorm, a.qrow, a.qent, a.items, a.dim, a.k, exclude, a.partD, a.partI)
}

func (b *gpuKNN) merge(partD, partI, outD, outI cu.DevicePtr, n, p, k int) error {
	return b.g.Launch(b.kMerge, mergeGrid(n), mergeBlock, 0, partD, partI, outD, outI, n, p, k)
}

func (b *gpuKNN) refine(x, idx, dist cu.DevicePtr, n, dim, k int) error {
	return b.g.Launch(b.kRefine, warpGrid(n), block256, 0, x, idx, dist, n, dim, k)
}

func (b *gpuKNN) gather(src, perm, dst cu.DevicePtr, n, dim int) error {
	return b.g.Launch(b.kGather, gatherGrid(n, dim), block256, 0, src, perm, dst, n, dim)
}

func (b *gpuKNN) expand(x, inD, inI, outD, outI cu.DevicePtr, n, dim, k int) error {
	return b.g.Launch(b.kExpand, warpGrid(n), block256, 0, x, inD, inI, outD, outI, n, dim, k)
}
