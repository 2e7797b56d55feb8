package umap

import (
	"math"
	"slices"

	"github.com/bunkatopics/bunka-go/internal/knn"
)

// graph is a symmetric sparse matrix in compressed sparse row form.
type graph struct {
	n      int
	rowPtr []int32
	col    []int32
	w      []float32
}

const (
	smoothKTolerance = 1e-5
	minKDistScale    = 1e-3
	bisectionSteps   = 64
)

// smoothKNNDist returns, per point, rho (distance to the first neighbour
// at non-zero distance) and sigma such that the memberships sum to
// log2(k+1) (k neighbours plus the point itself, as umap-learn counts
// them). umap-learn's smooth_knn_dist with local_connectivity 1.
func smoothKNNDist(g *knn.Graph) (rho, sigma []float64) {
	n, k := g.N, g.K
	rho = make([]float64, n)
	sigma = make([]float64, n)
	target := math.Log2(float64(k + 1))
	var meanAll float64
	for _, d := range g.Distances {
		meanAll += float64(d)
	}
	meanAll /= float64(n * (k + 1)) // the point itself at distance 0 counts
	for i := range n {
		_, ds := g.Neighbors(i)
		var sum float64
		for _, d := range ds {
			sum += float64(d)
			if rho[i] == 0 && d > 0 {
				rho[i] = float64(d)
			}
		}
		lo, hi, mid := 0.0, math.Inf(1), 1.0
		for range bisectionSteps {
			var psum float64
			for _, d := range ds {
				if x := float64(d) - rho[i]; x > 0 {
					psum += math.Exp(-x / mid)
				} else {
					psum++
				}
			}
			if math.Abs(psum-target) < smoothKTolerance {
				break
			}
			if psum > target {
				hi = mid
				mid = (lo + hi) / 2
			} else {
				lo = mid
				if math.IsInf(hi, 1) {
					mid *= 2
				} else {
					mid = (lo + hi) / 2
				}
			}
		}
		sigma[i] = mid
		if rho[i] > 0 {
			if m := sum / float64(k+1); sigma[i] < minKDistScale*m {
				sigma[i] = minKDistScale * m
			}
		} else if sigma[i] < minKDistScale*meanAll {
			sigma[i] = minKDistScale * meanAll
		}
	}
	return rho, sigma
}

// fuzzyGraph builds the symmetrised membership graph (fuzzy union) of the
// neighbour graph, umap-learn's fuzzy_simplicial_set with set_op_mix_ratio 1.
func fuzzyGraph(g *knn.Graph) *graph {
	n, k := g.N, g.K
	rho, sigma := smoothKNNDist(g)
	type entry struct {
		row, col int32
		w        float32
		fwd      bool
	}
	es := make([]entry, 0, 2*n*k)
	for i := range n {
		idx, ds := g.Neighbors(i)
		for t, j := range idx {
			var w float64
			if x := float64(ds[t]) - rho[i]; x <= 0 || sigma[i] == 0 {
				w = 1
			} else {
				w = math.Exp(-x / sigma[i])
			}
			if w == 0 || int(j) == i {
				continue
			}
			es = append(es, entry{int32(i), j, float32(w), true}, entry{j, int32(i), float32(w), false})
		}
	}
	slices.SortFunc(es, func(a, b entry) int {
		if a.row != b.row {
			return int(a.row - b.row)
		}
		if a.col != b.col {
			return int(a.col - b.col)
		}
		if a.fwd != b.fwd {
			if a.fwd {
				return -1
			}
			return 1
		}
		return 0
	})
	out := &graph{n: n, rowPtr: make([]int32, n+1)}
	for s := 0; s < len(es); {
		e := es[s]
		w := float64(e.w)
		s++
		if s < len(es) && es[s].row == e.row && es[s].col == e.col {
			// A[i,j] and A[j,i] both present: w1 + w2 − w1·w2
			w2 := float64(es[s].w)
			w = w + w2 - w*w2
			s++
		}
		out.col = append(out.col, e.col)
		out.w = append(out.w, float32(w))
		out.rowPtr[e.row+1]++
	}
	for i := range n {
		out.rowPtr[i+1] += out.rowPtr[i]
	}
	return out
}

// prune drops edges lighter than max/epochs, as umap-learn does before the
// layout, and returns the pruned graph.
func (g *graph) prune(epochs int) *graph {
	var wmax float32
	for _, w := range g.w {
		wmax = max(wmax, w)
	}
	cut := wmax / float32(epochs)
	out := &graph{n: g.n, rowPtr: make([]int32, g.n+1)}
	for i := range g.n {
		for e := g.rowPtr[i]; e < g.rowPtr[i+1]; e++ {
			if g.w[e] >= cut {
				out.col = append(out.col, g.col[e])
				out.w = append(out.w, g.w[e])
			}
		}
		out.rowPtr[i+1] = int32(len(out.col))
	}
	return out
}

// components labels the connected components of g, largest first (ties by
// smallest member), and returns the label of each point and the sizes.
func (g *graph) components() (label []int, sizes []int) {
	parent := make([]int32, g.n)
	for i := range parent {
		parent[i] = int32(i)
	}
	var find func(int32) int32
	find = func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for i := range g.n {
		for e := g.rowPtr[i]; e < g.rowPtr[i+1]; e++ {
			a, b := find(int32(i)), find(g.col[e])
			if a != b {
				if a < b {
					parent[b] = a
				} else {
					parent[a] = b
				}
			}
		}
	}
	count := map[int32]int{}
	var roots []int32
	for i := range g.n {
		r := find(int32(i))
		if count[r] == 0 {
			roots = append(roots, r)
		}
		count[r]++
	}
	slices.SortStableFunc(roots, func(a, b int32) int { return count[b] - count[a] })
	id := make(map[int32]int, len(roots))
	for c, r := range roots {
		id[r] = c
		sizes = append(sizes, count[r])
	}
	label = make([]int, g.n)
	for i := range label {
		label[i] = id[find(int32(i))]
	}
	return label, sizes
}
