//go:build cuda

package cuda

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gorgonia.org/cu"

	"github.com/bunkatopics/bunka-go/internal/umap"
)

// Layout returns the GPU's UMAP layout optimiser: umap.BatchLayout's
// algorithm run by the kernels of layout.cu, deterministic for a seed on
// one GPU (see the umap package documentation). Its Optimize serialises
// with the GPU's other work through Do, one epoch at a time.
func (g *GPU) Layout() umap.Optimizer { return gpuLayout{g} }

type gpuLayout struct{ g *GPU }

// layoutBlock is the number of threads per block of the layout kernels.
const layoutBlock = 256

// Optimize runs the batch layout on the GPU and writes the result to pos.
func (l gpuLayout) Optimize(ctx context.Context, gr *umap.Graph, pos []float32, p umap.LayoutParams) (err error) {
	if len(pos) != 2*gr.N {
		panic(fmt.Sprintf("cuda: layout: %d coordinates for %d points", len(pos), gr.N))
	}
	pl := umap.NewBatchPlan(gr, p, 0)
	ne := len(gr.Col)
	// the kernels index with int32: 2 slots per edge, Steps per point
	if int64(ne) >= math.MaxInt32/2 || int64(gr.N)*int64(pl.Steps) >= math.MaxInt32 {
		return fmt.Errorf("cuda: layout: %d points and %d edges are more than the kernels' 32-bit indices allow", gr.N, ne)
	}
	if gr.N == 0 || p.Epochs <= 0 {
		return nil
	}
	edges, err := l.g.Function("layout", "layout_edges")
	if err != nil {
		return err
	}
	gather, err := l.g.Function("layout", "layout_gather")
	if err != nil {
		return err
	}
	var d devBufs
	defer func() { err = errors.Join(err, d.free(l.g)) }()
	rowPtr := upload(l.g, &d, gr.RowPtr)
	col := upload(l.g, &d, gr.Col)
	head := upload(l.g, &d, pl.Head)
	tailSlot := upload(l.g, &d, pl.TailSlot)
	tailPtr := upload(l.g, &d, pl.TailPtr)
	stepEdges := upload(l.g, &d, pl.StepEdges)
	eps := upload(l.g, &d, pl.EpochsPerSample)
	epn := upload(l.g, &d, pl.EpochsPerNegative)
	nextSample := upload(l.g, &d, pl.EpochsPerSample)
	nextNeg := upload(l.g, &d, pl.EpochsPerNegative)
	attract := upload(l.g, &d, pl.Attract)
	repulse := upload(l.g, &d, pl.Repulse)
	devPos := upload(l.g, &d, pos)
	headMove := d.alloc(l.g, 8*int64(ne))
	tailMove := d.alloc(l.g, 8*int64(ne))
	if d.err != nil {
		return fmt.Errorf("cuda: layout: %w", d.err)
	}
	tableLen := uint32(len(pl.Attract))
	n := int32(gr.N)
	pointGrid, block := Dim3{X: ceilDiv(gr.N, layoutBlock)}, Dim3{X: layoutBlock}
	for epoch := range p.Epochs {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("cuda: layout: %w", err)
		}
		alpha := pl.Alpha(epoch)
		// one epoch's launches in one trip to the context's thread, then
		// a synchronisation, so that errors and progress belong to it
		err := l.g.Do(func() error {
			for s := range pl.Steps {
				if count := pl.StepPtr[s+1] - pl.StepPtr[s]; count > 0 {
					err := launchHere(edges, Dim3{X: ceilDiv(int(count), layoutBlock)}, block, 0,
						stepEdges+cu.DevicePtr(4*int64(pl.StepPtr[s])), count,
						head, col, tailSlot, eps, epn, nextSample, nextNeg,
						devPos, headMove, tailMove, attract, repulse, tableLen, pl.TableLo,
						n, int32(pl.NegRate), int32(epoch), alpha, pl.Seed)
					if err != nil {
						return err
					}
				}
				err := launchHere(gather, pointGrid, block, 0, rowPtr, tailPtr, int32(pl.Steps), int32(s),
					headMove, tailMove, devPos, n)
				if err != nil {
					return err
				}
			}
			return cu.Synchronize()
		})
		if err != nil {
			return fmt.Errorf("cuda: layout: epoch %d: %w", epoch, err)
		}
		if p.Progress != nil {
			p.Progress(epoch + 1)
		}
	}
	if err := Download(l.g, pos, devPos); err != nil {
		return fmt.Errorf("cuda: layout: %w", err)
	}
	return nil
}

// devBufs collects device allocations and the first error in making them.
type devBufs struct {
	ptrs []cu.DevicePtr
	err  error
}

func (d *devBufs) alloc(g *GPU, bytes int64) cu.DevicePtr {
	if d.err != nil {
		return 0
	}
	p, err := g.Alloc(bytes)
	if err != nil {
		d.err = err
		return 0
	}
	d.ptrs = append(d.ptrs, p)
	return p
}

func (d *devBufs) free(g *GPU) error {
	var errs []error
	for _, p := range d.ptrs {
		errs = append(errs, g.Free(p))
	}
	d.ptrs = nil
	return errors.Join(errs...)
}

// upload allocates device memory for s, copies s there and records it in d.
func upload[T Elem](g *GPU, d *devBufs, s []T) cu.DevicePtr {
	if d.err != nil {
		return 0
	}
	p, err := AllocUpload(g, s)
	if err != nil {
		d.err = err
		return 0
	}
	d.ptrs = append(d.ptrs, p)
	return p
}
