package umap

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
)

// minSpectral is the smallest component given its own spectral layout.
const minSpectral = 8

// initialLayout returns the starting coordinates (n×2, row-major) before
// umap-learn's rescaling: the spectral layout of the graph when it is
// connected; otherwise a spectral (or, for small components or when
// Lanczos fails, uniform random) layout per component, the components
// packed on shelves in order of size. It reports whether the whole graph
// got a single spectral layout.
func initialLayout(ctx context.Context, g *graph, rng *rand.Rand, workers int) ([]float64, bool, error) {
	n := g.n
	label, sizes := g.components()
	if len(sizes) == 1 {
		y, err := spectralLayout(ctx, g, rng, workers)
		if err == nil {
			return y, true, nil
		}
		if !errors.Is(err, errNoSpectral) {
			return nil, false, err
		}
		y = make([]float64, 2*n)
		for i := range y {
			y[i] = rng.Float64()*20 - 10
		}
		return y, false, nil
	}

	// members of each component, in index order
	members := make([][]int32, len(sizes))
	for i, c := range label {
		members[c] = append(members[c], int32(i))
	}
	out := make([]float64, 2*n)
	local := make([]int32, n)
	var total float64
	for _, s := range sizes {
		total += float64(s)
	}
	// shelf packing: boxes of side ∝ √size, rows of width W
	side := func(c int) float64 { return math.Sqrt(float64(sizes[c]) / total) }
	var area float64
	for c := range sizes {
		area += side(c) * side(c) * 1.44
	}
	width := max(math.Sqrt(area), side(0)*1.2)
	x, y, rowH := 0.0, 0.0, 0.0
	for c, mem := range members {
		s := side(c)
		if x > 0 && x+s*1.2 > width {
			x, y, rowH = 0, y+rowH, 0
		}
		cx, cy := x+s*0.6, y+s*0.6
		x += s * 1.2
		rowH = max(rowH, s*1.2)

		var pos []float64
		if len(mem) >= minSpectral {
			for li, p := range mem {
				local[p] = int32(li)
			}
			sub := &graph{n: len(mem), rowPtr: make([]int32, len(mem)+1)}
			for li, p := range mem {
				for e := g.rowPtr[p]; e < g.rowPtr[p+1]; e++ {
					sub.col = append(sub.col, local[g.col[e]])
					sub.w = append(sub.w, g.w[e])
				}
				sub.rowPtr[li+1] = int32(len(sub.col))
			}
			var err error
			pos, err = spectralLayout(ctx, sub, rng, workers)
			if err != nil && !errors.Is(err, errNoSpectral) {
				return nil, false, err
			}
		}
		if pos == nil {
			pos = make([]float64, 2*len(mem))
			for i := range pos {
				pos[i] = rng.Float64()*2 - 1
			}
		}
		var m float64
		for _, v := range pos {
			m = max(m, math.Abs(v))
		}
		if m == 0 {
			m = 1
		}
		for li, p := range mem {
			out[2*p] = cx + pos[2*li]/m*s/2
			out[2*p+1] = cy + pos[2*li+1]/m*s/2
		}
	}
	return out, false, nil
}
