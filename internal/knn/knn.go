package knn

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// Method selects the search algorithm.
type Method int

const (
	// Auto uses Exact below AutoThreshold rows and Approximate above.
	Auto Method = iota
	// ExactMethod is brute-force search.
	ExactMethod
	// ApproximateMethod is NN-descent.
	ApproximateMethod
)

// AutoThreshold is the number of rows from which Search uses NN-descent.
const AutoThreshold = 4096

// Options configures a search. The zero value is euclidean, automatic
// method, all CPUs, seed 0.
type Options struct {
	Metric  Metric
	Method  Method
	Workers int   // 0: runtime.GOMAXPROCS(0)
	Seed    int64 // NN-descent randomness; the result depends on it only

	// NN-descent tuning; zero values mean the defaults documented on
	// Approximate.
	Trees         int
	LeafSize      int
	MaxCandidates int
	Iterations    int
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Graph holds the K nearest neighbours of each of N points, nearest first.
type Graph struct {
	N, K      int
	Indices   []int32   // N*K; row i is Indices[i*K:(i+1)*K]
	Distances []float32 // N*K, in the search's metric
}

// Neighbors returns the neighbour indices and distances of point i.
func (g *Graph) Neighbors(i int) ([]int32, []float32) {
	return g.Indices[i*g.K : (i+1)*g.K], g.Distances[i*g.K : (i+1)*g.K]
}

// Searcher finds the k nearest neighbours of every row of data (k < number
// of rows; the row itself is not among them), nearest first, in
// opt.Metric, with opt.Workers goroutines and opt.Seed for any randomness.
// Rows holding NaN or an infinity are an error that names them. CPU and
// GPU implementations sit side by side behind it; each runs the
// conformance suite knntest.Run.
type Searcher interface {
	Search(ctx context.Context, data [][]float32, k int, opt Options) (*Graph, error)
}

// SearcherFunc adapts a function to a Searcher.
type SearcherFunc func(ctx context.Context, data [][]float32, k int, opt Options) (*Graph, error)

// Search calls f.
func (f SearcherFunc) Search(ctx context.Context, data [][]float32, k int, opt Options) (*Graph, error) {
	return f(ctx, data, k, opt)
}

// The CPU searchers.
var (
	ExactSearcher     Searcher = SearcherFunc(Exact)       // brute force, blocked
	NNDescentSearcher Searcher = SearcherFunc(Approximate) // random-projection trees + NN-descent
	AutoSearcher      Searcher = SearcherFunc(Search)      // exact below AutoThreshold rows, NN-descent above
)

// Search returns the k nearest neighbours of every row of data, choosing
// exact search or NN-descent by size when opt.Method is Auto.
func Search(ctx context.Context, data [][]float32, k int, opt Options) (*Graph, error) {
	switch opt.Method {
	case ExactMethod:
		return Exact(ctx, data, k, opt)
	case ApproximateMethod:
		return Approximate(ctx, data, k, opt)
	}
	if len(data) < AutoThreshold {
		return Exact(ctx, data, k, opt)
	}
	return Approximate(ctx, data, k, opt)
}

// Matrix is the working copy of the rows that a searcher computes on:
// row-major, L2-normalised for cosine (a zero row stays zero), so that the
// squared euclidean distance between two of its rows is the search's
// distance before Finish converts it. Other implementations of Searcher
// (internal/cuda) start from it and end with Finish, so that every searcher
// checks its input and reports distances in the same way.
type Matrix struct {
	N, Dim int
	V      []float32 // N*Dim
}

// Row returns row i.
func (m *Matrix) Row(i int) []float32 { return m.V[i*m.Dim : (i+1)*m.Dim : (i+1)*m.Dim] }

// Prepare checks data, k and the metric as Search does (k < len(data),
// rows of one length, every value finite: an error names the first bad row)
// and returns the working matrix.
func Prepare(data [][]float32, k int, metric Metric) (*Matrix, error) {
	if metric != Euclidean && metric != Cosine {
		return nil, fmt.Errorf("knn: unknown metric %v", metric)
	}
	n := len(data)
	if k < 1 {
		return nil, fmt.Errorf("knn: k = %d, want at least 1", k)
	}
	if k >= n {
		return nil, fmt.Errorf("knn: k = %d neighbours asked of %d points (need k < n)", k, n)
	}
	dim := len(data[0])
	if dim == 0 {
		return nil, fmt.Errorf("knn: rows have no columns")
	}
	m := &Matrix{N: n, Dim: dim, V: make([]float32, n*dim)}
	for i, r := range data {
		if len(r) != dim {
			return nil, fmt.Errorf("knn: row %d has %d values, row 0 has %d", i, len(r), dim)
		}
		if err := CheckFinite(i, r); err != nil {
			return nil, err
		}
		dst := m.Row(i)
		copy(dst, r)
		if metric == Cosine {
			vecmath.Normalize(dst) // a zero row stays zero
		}
	}
	return m, nil
}

// CheckFinite returns an error naming row i if r holds a NaN or an infinity.
func CheckFinite(i int, r []float32) error {
	if j := vecmath.NonFinite(r); j >= 0 {
		return fmt.Errorf("knn: row %d, column %d: value %v is not finite", i, j, r[j])
	}
	return nil
}

// Finish turns the squared distances of g, measured in the working matrix
// of Prepare, into the metric's distances (euclidean: the square root;
// cosine: half, which is 1 − cos) and sorts each row nearest first, ties by
// the smaller index.
func Finish(g *Graph, metric Metric) {
	for i := range g.N {
		idx, d := g.Neighbors(i)
		sortRow(idx, d)
	}
	for i, d := range g.Distances {
		if d < 0 {
			d = 0
		}
		if metric == Cosine {
			g.Distances[i] = d / 2
		} else {
			g.Distances[i] = float32(math.Sqrt(float64(d)))
		}
	}
}

func sortRow(idx []int32, d []float32) {
	type pair struct {
		d float32
		i int32
	}
	p := make([]pair, len(idx))
	for j := range p {
		p[j] = pair{d[j], idx[j]}
	}
	slices.SortFunc(p, func(a, b pair) int {
		if a.d != b.d {
			if a.d < b.d {
				return -1
			}
			return 1
		}
		return int(a.i - b.i)
	})
	for j := range p {
		d[j], idx[j] = p[j].d, p[j].i
	}
}
