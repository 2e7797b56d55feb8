package umap

import "context"

// Graph is what the layout optimises: the fuzzy graph of the data, a
// symmetric sparse matrix in compressed sparse row form. Row i's edges go
// to Col[RowPtr[i]:RowPtr[i+1]], with weights W (0..1) at the same
// positions.
type Graph struct {
	N      int
	RowPtr []int32
	Col    []int32
	W      []float32
}

// LayoutParams are the constants of UMAP's layout SGD (umap-learn's
// optimize_layout_euclidean).
type LayoutParams struct {
	A, B         float64 // the low-dimensional similarity 1 / (1 + A d^(2B))
	Gamma        float64 // repulsion strength
	NegativeRate int     // negative samples per positive sample
	Epochs       int
	InitialAlpha float64 // learning rate at the first epoch, falling linearly to 0
	Seed         uint64
	Workers      int             // CPU goroutines, for the CPU optimiser
	Progress     func(epoch int) // optional, after each epoch, on the calling goroutine
}

// Optimizer lays out a Graph in 2-D: it moves the points pos (N×2,
// row-major, the initial layout) in place. CPU and GPU implementations sit
// side by side behind it; Options.Layout chooses one, and each runs the
// conformance suite umaptest.RunLayout.
type Optimizer interface {
	Optimize(ctx context.Context, g *Graph, pos []float32, p LayoutParams) error
}

// CPULayout is the CPU optimiser: umap-learn's SGD, run in phases over
// blocks of points so that it is free of data races and deterministic: its
// result depends on the seed, not on the number of workers.
type CPULayout struct {
	Phases int // phases per epoch; 0: 8
}

var _ Optimizer = CPULayout{}

// Optimize runs the layout SGD on pos in place.
func (c CPULayout) Optimize(ctx context.Context, g *Graph, pos []float32, p LayoutParams) error {
	phases := c.Phases
	if phases <= 0 {
		phases = layoutPhases
	}
	return optimize(ctx, &graph{n: g.N, rowPtr: g.RowPtr, col: g.Col, w: g.W}, pos, layoutParams{
		a: p.A, b: p.B, gamma: p.Gamma, negRate: p.NegativeRate,
		epochs: p.Epochs, initialAlpha: p.InitialAlpha,
		seed: p.Seed, workers: max(p.Workers, 1), phases: phases, progress: p.Progress,
	})
}
