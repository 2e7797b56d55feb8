package cluster

import "context"

// Clusterer partitions points (n rows of d coordinates) into k clusters by
// k-means, with KMeans's contract: the same algorithm, options, result and
// errors (ErrInvalidInput for bad arguments, ctx.Err() when ctx ends). CPU
// and GPU implementations sit side by side behind it, as knn.Searcher's
// and umap.Optimizer's do; each runs the conformance suite clustertest.Run.
type Clusterer interface {
	Cluster(ctx context.Context, points [][]float64, k int, opt Options) (*Result, error)
}

// ClustererFunc adapts a function to a Clusterer.
type ClustererFunc func(ctx context.Context, points [][]float64, k int, opt Options) (*Result, error)

// Cluster calls f.
func (f ClustererFunc) Cluster(ctx context.Context, points [][]float64, k int, opt Options) (*Result, error) {
	return f(ctx, points, k, opt)
}

// CPU is KMeans: the default Clusterer.
var CPU Clusterer = ClustererFunc(KMeans)

// OnBackend returns the Clusterer that runs KMeansOn with b's Kernels.
func OnBackend(b Backend) Clusterer {
	return ClustererFunc(func(ctx context.Context, points [][]float64, k int, opt Options) (*Result, error) {
		return KMeansOn(ctx, b, points, k, opt)
	})
}
