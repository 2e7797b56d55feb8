package knn

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
	m, err := prepare(data, k, metric)
	if err != nil {
		return nil, err
	}
	return &Matrix{N: m.n, Dim: m.dim, V: m.v}, nil
}

// Finish turns the squared distances of g, measured in the working matrix
// of Prepare, into the metric's distances (euclidean: the square root;
// cosine: half, which is 1 − cos) and sorts each row nearest first, ties by
// the smaller index.
func Finish(g *Graph, metric Metric) { finish(g, metric) }
