// Package cluster partitions points with k-means, as the original
// BunkaTopics runs scikit-learn's KMeans(n_clusters, n_init="auto",
// random_state=42) on the 2-D map to find its topics.
//
// The algorithm follows scikit-learn 1.2–1.4 (sklearn/cluster/_kmeans.py):
//
//   - The data are centred on their mean (for precision; the centres are
//     shifted back at the end).
//   - Seeding is greedy k-means++ (Arthur & Vassilvitskii, "k-means++: the
//     advantages of careful seeding", SODA 2007): the first centre is a point
//     drawn uniformly; each further centre is the best, by resulting
//     potential (sum of squared distances to the nearest centre), of
//     2+⌊ln k⌋ candidates drawn with probability proportional to the squared
//     distance to the nearest centre chosen so far.
//   - Lloyd iterations (S. P. Lloyd, "Least squares quantization in PCM",
//     IEEE Trans. Inf. Theory 28(2), 1982), at most Options.MaxIter (300).
//     Each assigns every point to its nearest centre (ties to the lowest
//     index) and moves every centre to the mean of its points. A cluster
//     left empty takes, as its new centre, the point farthest from its
//     current centre (scikit-learn's _relocate_empty_clusters). The run stops
//     when no label changes, or when the sum over centres of the squared
//     centre shift falls to tol = Options.Tol × the mean over features of
//     the variance of the data; in the latter case the points are assigned
//     once more to the final centres.
//   - Options.NInit runs (default 1, scikit-learn's n_init="auto" with
//     k-means++) are made from seeds derived from Options.Seed; the run with
//     the lowest inertia is kept.
//
// Two departures from scikit-learn, both for the topic map's sake: the
// random numbers come from Go's PCG generator, not NumPy's Mersenne
// Twister, so the partitions are not those of scikit-learn bit for bit;
// and every cluster in the Result has at least one point. When the data
// hold fewer distinct points than k (scikit-learn warns and may return
// clusters with no points), a cluster that would end empty takes the point
// farthest from its centre among clusters of two points or more, so that
// labels 0..k-1 all occur; clusters of identical points then have identical
// centres.
//
// Results are deterministic for a given Seed: the points are split into
// fixed-size blocks (BlockSize) whose partial sums are added in block
// order, so the number of workers does not change a single bit of the
// result. Squared distances are summed coordinate by coordinate with each
// product rounded (no fused multiply-add, which Go may otherwise use on
// some architectures), so the result is the same on every machine.
//
// The pipeline reaches k-means through the Clusterer interface, defined
// here beside its CPU implementation (CPU) as knn.Searcher and
// umap.Optimizer are beside theirs: it has implementations in two packages
// (this one and internal/cuda), a conformance suite that names it
// (clustertest), and several users (topics, pipeline, engine), none of
// which should own it. The GPU implementation reuses this package's driver
// through KMeansOn: only the steps whose work grows with the number of
// points (k-means++ potentials, Lloyd assignments and per-block sums) are
// Kernels that a Backend runs; the draws, reductions, relocations and
// convergence test stay here. Kernels that keep the contract written on
// the interface give KMeans's result bit for bit.
package cluster
