package knn

import "math"

// A neighbour heap is a max-heap of (distance, index) pairs ordered
// lexicographically, stored in slices of a Graph-shaped layout; index −1
// with distance +Inf marks an empty slot. Keeping the k smallest pairs under
// a total order makes the final content independent of the insertion order.

func less(d1 float32, i1 int32, d2 float32, i2 int32) bool {
	return d1 < d2 || (d1 == d2 && i1 < i2)
}

func initHeaps(idx []int32, dist []float32) {
	for i := range idx {
		idx[i] = -1
		dist[i] = float32(math.Inf(1))
	}
}

// push offers (d, j) to the heap (idx, dist, flag) and reports whether it was
// kept. flag, when not nil, records stamp for the new entry.
func push(idx []int32, dist []float32, flag []int32, d float32, j int32, stamp int32) bool {
	if !less(d, j, dist[0], idx[0]) {
		return false
	}
	for _, x := range idx {
		if x == j {
			return false
		}
	}
	// replace the root and sift down
	k := len(idx)
	pos := 0
	for {
		c := 2*pos + 1
		if c >= k {
			break
		}
		if c+1 < k && less(dist[c], idx[c], dist[c+1], idx[c+1]) {
			c++
		}
		if !less(d, j, dist[c], idx[c]) {
			break
		}
		idx[pos], dist[pos] = idx[c], dist[c]
		if flag != nil {
			flag[pos] = flag[c]
		}
		pos = c
	}
	idx[pos], dist[pos] = j, d
	if flag != nil {
		flag[pos] = stamp
	}
	return true
}
