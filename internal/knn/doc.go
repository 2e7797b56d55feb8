// Package knn finds the k nearest neighbours of every row of a float32
// matrix, exactly or approximately, for the euclidean and cosine metrics.
//
// Exact search (Exact) computes all pairwise squared distances block by
// block as ‖x‖² + ‖y‖² − 2·x·y, with a register-blocked matrix-product kernel
// (4 query rows against 2 data rows at a time, as in the GEMM micro-kernels
// of Goto and van de Geijn, "Anatomy of high-performance matrix
// multiplication", ACM TOMS 34(3), 2008), keeps the k best of each row in a
// bounded max-heap, and recomputes the k winning distances directly so that
// they carry no cancellation error. Its cost is O(n²·dim).
//
// Approximate search (Approximate) is NN-descent (Dong, Moses and Li,
// "Efficient k-nearest neighbor graph construction for generic similarity
// measures", WWW 2011) started from the leaves of a forest of random
// projection trees (Dasgupta and Freund, "Random projection trees and low
// dimensional manifolds", STOC 2008), with the new/old candidate flags,
// sampled candidate lists and early stop of the original paper, in the way
// pynndescent (L. McInnes) combines them for umap-learn. Every candidate
// list is chosen by a hash of (seed, iteration, point, neighbour), and every
// neighbour heap keeps the k smallest (distance, index) pairs it has been
// offered under a total order, which does not depend on the order of the
// offers; so the result depends on the seed only, not on the number of
// workers or on scheduling. Heaps are guarded by one mutex each.
//
// Search picks exact search below 4,096 rows and NN-descent from there on,
// the threshold umap-learn uses.
//
// Distances: euclidean is the L2 distance; cosine is 1 − cos(x, y), computed
// on L2-normalised copies of the rows as ‖x̂ − ŷ‖²/2. A zero row has no
// direction; it is kept as zero, so its cosine distance to any other row is
// 0.5 (pynndescent uses 1).
//
// A point is never its own neighbour; exact duplicates are each other's
// neighbours at distance 0. Ties are broken by the smaller index.
package knn
