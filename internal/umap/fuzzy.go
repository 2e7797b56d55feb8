package umap

import (
	"cmp"
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
// them). umap-learn's smooth_knn_dist with local_connectivity 1. Points
// are independent: workers share them out.
func smoothKNNDist(g *knn.Graph, workers int) (rho, sigma []float64) {
	n, k := g.N, g.K
	rho = make([]float64, n)
	sigma = make([]float64, n)
	target := math.Log2(float64(k + 1))
	var meanAll float64
	for _, d := range g.Distances {
		meanAll += float64(d)
	}
	meanAll /= float64(n * (k + 1)) // the point itself at distance 0 counts
	parallelRange(n, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			rho[i], sigma[i] = smoothPoint(g, i, target, meanAll)
		}
	})
	return rho, sigma
}

// smoothPoint is smoothKNNDist for point i, by bisection.
func smoothPoint(g *knn.Graph, i int, target, meanAll float64) (rho, sigma float64) {
	_, ds := g.Neighbors(i)
	var sum float64
	for _, d := range ds {
		sum += float64(d)
		if rho == 0 && d > 0 {
			rho = float64(d)
		}
	}
	lo, hi, mid := 0.0, math.Inf(1), 1.0
	for range bisectionSteps {
		var psum float64
		for _, d := range ds {
			if x := float64(d) - rho; x > 0 {
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
	sigma = mid
	if rho > 0 {
		if m := sum / float64(g.K+1); sigma < minKDistScale*m {
			sigma = minKDistScale * m
		}
	} else if sigma < minKDistScale*meanAll {
		sigma = minKDistScale * meanAll
	}
	return rho, sigma
}

// fuzzyGraph builds the symmetrised membership graph (fuzzy union) of the
// neighbour graph, umap-learn's fuzzy_simplicial_set with set_op_mix_ratio
// 1: the weight of an edge found from both ends is w1 + w2 − w1·w2.
//
// Each directed membership i→j is bucketed into row i (forward) and row j
// (reverse), counting sort by row; each row is then sorted by column,
// forward before reverse, and its pairs merged. Rows are independent:
// workers share them out, and the result does not depend on their number.
func fuzzyGraph(g *knn.Graph, workers int) *graph {
	n, k := g.N, g.K
	rho, sigma := smoothKNNDist(g, workers)
	// memberships (noEdge: none), and how many entries each row gets
	ws := make([]float32, n*k)
	start := make([]int32, n+1)
	for i := range n {
		for t, j := range g.Indices[i*k : (i+1)*k] {
			w := 1.0
			if x := float64(g.Distances[i*k+t]) - rho[i]; x > 0 && sigma[i] != 0 {
				w = math.Exp(-x / sigma[i])
			}
			if w == 0 || int(j) == i {
				ws[i*k+t] = noEdge
				continue
			}
			ws[i*k+t] = float32(w)
			start[i+1]++
			start[j+1]++
		}
	}
	for i := range n {
		start[i+1] += start[i]
	}
	type entry struct {
		col int32
		w   float32
		fwd bool
	}
	es := make([]entry, start[n])
	fill := slices.Clone(start[:n])
	for i := range n {
		for t, j := range g.Indices[i*k : (i+1)*k] {
			if w := ws[i*k+t]; w != noEdge {
				es[fill[i]] = entry{j, w, true}
				fill[i]++
				es[fill[j]] = entry{int32(i), w, false}
				fill[j]++
			}
		}
	}
	// sort and merge each row in place; kept[i] entries remain at its start
	kept := make([]int32, n)
	parallelRange(n, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := es[start[i]:start[i+1]]
			slices.SortFunc(row, func(a, b entry) int {
				if c := cmp.Compare(a.col, b.col); c != 0 {
					return c
				}
				if a.fwd == b.fwd {
					return 0
				}
				if a.fwd {
					return -1
				}
				return 1
			})
			m := 0
			for s := 0; s < len(row); {
				e := row[s]
				s++
				if s < len(row) && row[s].col == e.col {
					w1, w2 := float64(e.w), float64(row[s].w)
					e.w = float32(w1 + w2 - w1*w2)
					s++
				}
				row[m] = e
				m++
			}
			kept[i] = int32(m)
		}
	})
	out := &graph{n: n, rowPtr: make([]int32, n+1)}
	for i := range n {
		out.rowPtr[i+1] = out.rowPtr[i] + kept[i]
	}
	out.col = make([]int32, out.rowPtr[n])
	out.w = make([]float32, out.rowPtr[n])
	parallelRange(n, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			for t, e := range es[start[i] : start[i]+kept[i]] {
				out.col[int(out.rowPtr[i])+t] = e.col
				out.w[int(out.rowPtr[i])+t] = e.w
			}
		}
	})
	return out
}

// noEdge marks a neighbour that gives no edge (itself, or a membership of
// 0) among fuzzyGraph's memberships.
const noEdge = -1

// prune drops edges lighter than max/epochs, as umap-learn does before the
// layout, and returns the pruned graph.
func (g *graph) prune(epochs int) *graph {
	var wmax float32
	for _, w := range g.w {
		wmax = max(wmax, w)
	}
	cut := wmax / float32(epochs)
	kept := 0
	for _, w := range g.w {
		if w >= cut {
			kept++
		}
	}
	out := &graph{n: g.n, rowPtr: make([]int32, g.n+1), col: make([]int32, 0, kept), w: make([]float32, 0, kept)}
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
