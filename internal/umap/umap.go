package umap

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/bunkatopics/bunka-go/internal/knn"
	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// Options configures Project. The zero value of each field means its
// default, which is umap-learn's.
type Options struct {
	Neighbors int                    // 0: 15, counting the point itself, as umap-learn
	MinDist   float64                // 0: 0.1
	Spread    float64                // 0: 1
	Metric    knn.Metric             // zero value: knn.Euclidean
	Epochs    int                    // 0: 500 up to 10,000 points, 200 above
	Seed      int64                  // 0 allowed (a fixed seed); same seed+workers => identical output
	Workers   int                    // 0: runtime.GOMAXPROCS(0)
	Progress  func(fraction float64) // optional, called now and then with 0..1: 0.3 after the neighbours, 0.35 after the graph and initial layout, then along the epochs, 1 at the end; on the calling goroutine

	// The backends: nil means the CPU ones (knn.AutoSearcher, CPULayout).
	Searcher knn.Searcher
	Layout   Optimizer
}

// Fixed parameters of umap-learn that Options does not expose.
const (
	negativeSampleRate = 5
	repulsionStrength  = 1.0
	initialAlpha       = 1.0
	initNoise          = 1e-4
)

func (o Options) withDefaults(n int) Options {
	if o.Neighbors <= 0 {
		o.Neighbors = 15
	}
	if o.MinDist == 0 {
		o.MinDist = 0.1
	}
	if o.Spread == 0 {
		o.Spread = 1
	}
	if o.Epochs <= 0 {
		o.Epochs = 500
		if n > 10000 {
			o.Epochs = 200
		}
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Searcher == nil {
		o.Searcher = knn.AutoSearcher
	}
	if o.Layout == nil {
		o.Layout = CPULayout{}
	}
	return o
}

// Project returns the 2-D UMAP coordinates of the rows of data, in input
// order. All rows must have the same length. An empty input gives an empty
// result; a single point is placed at the origin; with no more points than
// Neighbors, every point has all the others as neighbours. Rows holding NaN
// or an infinity are reported by number in the error. The result depends on
// data, opt and opt.Seed only, not on opt.Workers.
func Project(ctx context.Context, data [][]float32, opt Options) ([][2]float32, error) {
	n := len(data)
	opt = opt.withDefaults(n)
	if opt.MinDist < 0 || opt.Spread <= 0 || opt.MinDist > opt.Spread {
		return nil, fmt.Errorf("umap: min_dist %v and spread %v: want 0 <= min_dist <= spread", opt.MinDist, opt.Spread)
	}
	if n == 0 {
		return [][2]float32{}, nil
	}
	dim := len(data[0])
	for i, r := range data {
		if len(r) != dim {
			return nil, fmt.Errorf("umap: row %d has %d values, row 0 has %d", i, len(r), dim)
		}
		if j := vecmath.NonFinite(r); j >= 0 {
			return nil, fmt.Errorf("umap: row %d, column %d: value %v is not finite", i, j, r[j])
		}
	}
	if dim == 0 {
		return nil, fmt.Errorf("umap: rows have no columns")
	}
	progress := func(f float64) {
		if opt.Progress != nil {
			opt.Progress(f)
		}
	}
	progress(0)
	if n == 1 {
		progress(1)
		return [][2]float32{{0, 0}}, nil
	}

	// 1. neighbours (the point itself is not among them)
	k := min(opt.Neighbors-1, n-1)
	k = max(k, 1)
	nn, err := opt.Searcher.Search(ctx, data, k, knn.Options{Metric: opt.Metric, Workers: opt.Workers, Seed: opt.Seed})
	if err != nil {
		return nil, fmt.Errorf("umap: neighbours: %w", err)
	}
	progress(0.3)

	// 2. fuzzy graph
	g := fuzzyGraph(nn, opt.Workers).prune(opt.Epochs)
	nn = nil

	// 3. initial layout
	rng := rand.New(rand.NewPCG(uint64(opt.Seed), 0x6a09e667f3bcc908))
	init, _, err := initialLayout(ctx, g, rng, opt.Workers)
	if err != nil {
		return nil, err
	}
	var amax float64
	for _, v := range init {
		amax = max(amax, math.Abs(v))
	}
	expansion := 1.0
	if amax > 0 {
		expansion = 10 / amax
	}
	for i := range init {
		init[i] = init[i]*expansion + rng.NormFloat64()*initNoise
	}
	pos := make([]float32, 2*n)
	for c := range 2 {
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := range n {
			lo = min(lo, init[2*i+c])
			hi = max(hi, init[2*i+c])
		}
		span := hi - lo
		for i := range n {
			if span > 0 {
				pos[2*i+c] = float32(10 * (init[2*i+c] - lo) / span)
			} else {
				pos[2*i+c] = 5
			}
		}
	}
	progress(0.35)

	// 4. layout
	a, b := FitAB(opt.MinDist, opt.Spread)
	every := max(1, opt.Epochs/20)
	err = opt.Layout.Optimize(ctx, &Graph{N: g.n, RowPtr: g.rowPtr, Col: g.col, W: g.w}, pos, LayoutParams{
		A: a, B: b, Gamma: repulsionStrength, NegativeRate: negativeSampleRate,
		Epochs: opt.Epochs, InitialAlpha: initialAlpha,
		Seed: uint64(opt.Seed), Workers: opt.Workers,
		Progress: func(e int) {
			if e%every == 0 && e < opt.Epochs {
				progress(0.35 + 0.65*float64(e)/float64(opt.Epochs))
			}
		},
	})
	if err != nil {
		return nil, err
	}
	out := make([][2]float32, n)
	for i := range out {
		out[i] = [2]float32{pos[2*i], pos[2*i+1]}
	}
	progress(1)
	return out, nil
}
