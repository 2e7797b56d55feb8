package knn

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"sync"

	"github.com/bunkatopics/bunka-go/internal/parallel"
	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// Approximate returns approximate k nearest neighbours of every row of data
// (k < len(data)) by NN-descent started from a random-projection forest.
//
// Defaults (zero fields of opt): Trees = 5 + round(√n / 20), at most 32 (the
// formula umap-learn passes to pynndescent, capped for two-core machines);
// LeafSize = max(30, 2k); MaxCandidates = min(60, 2k) (new and old
// candidate lists are each cut to this many, chosen at random); Iterations = max(5,
// round(log2 n)), stopping early once fewer than 0.001·k·n heap entries
// change in an iteration. Inputs too small for a forest (n ≤ 2·LeafSize)
// are searched exactly.
func Approximate(ctx context.Context, data [][]float32, k int, opt Options) (*Graph, error) {
	m, err := Prepare(data, k, opt.Metric)
	if err != nil {
		return nil, err
	}
	n := m.N
	p := nnParams(n, k, opt)
	var g *Graph
	if n <= 2*p.leafSize {
		g, err = exact(ctx, m, k, opt.workers())
	} else {
		g, err = nnDescent(ctx, m, k, p, uint64(opt.Seed), opt.workers())
	}
	if err != nil {
		return nil, err
	}
	Finish(g, opt.Metric)
	return g, nil
}

type params struct {
	trees, leafSize, maxCand, iters int
}

func nnParams(n, k int, opt Options) params {
	p := params{trees: opt.Trees, leafSize: opt.LeafSize, maxCand: opt.MaxCandidates, iters: opt.Iterations}
	if p.trees <= 0 {
		p.trees = min(32, 5+int(math.Round(math.Sqrt(float64(n))/20)))
	}
	if p.leafSize <= 0 {
		p.leafSize = max(30, 2*k)
	}
	if p.maxCand <= 0 {
		p.maxCand = min(60, 2*k)
	}
	if p.iters <= 0 {
		p.iters = max(5, int(math.Round(math.Log2(float64(n)))))
	}
	return p
}

// mix is the splitmix64 finaliser, used to derive seeds and priorities.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func hash4(a, b, c, d uint64) uint64 {
	return mix(mix(mix(mix(a)^b)^c) ^ d)
}

// nnState is the shared neighbour graph under construction.
type nnState struct {
	m     *Matrix
	k     int
	g     *Graph
	flag  []int32 // per entry: -1 old, otherwise the iteration that inserted it
	locks []sync.Mutex
}

func (s *nnState) offer(p int, q int32, d float32, stamp int32) {
	lo, hi := p*s.k, (p+1)*s.k
	s.locks[p].Lock()
	push(s.g.Indices[lo:hi], s.g.Distances[lo:hi], s.flag[lo:hi], d, q, stamp)
	s.locks[p].Unlock()
}

// threshold reads the largest distance kept for p.
func (s *nnState) threshold(p int) float32 {
	s.locks[p].Lock()
	d := s.g.Distances[p*s.k]
	s.locks[p].Unlock()
	return d
}

// forChunks runs f over [0, n) in chunks on up to workers goroutines,
// skipping the chunks not started when ctx ends, and reports ctx's error.
func forChunks(ctx context.Context, n, workers, chunk int, f func(lo, hi int)) error {
	parallel.For(n, chunk, workers, func(_, lo, hi int) {
		if ctx.Err() == nil {
			f(lo, hi)
		}
	})
	return ctx.Err()
}

func nnDescent(ctx context.Context, m *Matrix, k int, p params, seed uint64, workers int) (*Graph, error) {
	n := m.N
	s := &nnState{
		m: m, k: k,
		g:     &Graph{N: n, K: k, Indices: make([]int32, n*k), Distances: make([]float32, n*k)},
		flag:  make([]int32, n*k),
		locks: make([]sync.Mutex, n),
	}
	initHeaps(s.g.Indices, s.g.Distances)

	// 1. Random projection forest: every pair within a leaf is a candidate.
	leaves := make([][][]int32, p.trees)
	if err := forChunks(ctx, p.trees, workers, 1, func(lo, hi int) {
		for t := lo; t < hi; t++ {
			leaves[t] = rpTree(m, p.leafSize, mix(hash4(seed, 1, uint64(t), 0)))
		}
	}); err != nil {
		return nil, fmt.Errorf("knn: random projection forest: %w", err)
	}
	var all [][]int32
	for _, l := range leaves {
		all = append(all, l...)
	}
	leaves = nil
	if err := forChunks(ctx, len(all), workers, 64, func(lo, hi int) {
		for _, leaf := range all[lo:hi] {
			for a := range leaf {
				ra := m.Row(int(leaf[a]))
				for b := a + 1; b < len(leaf); b++ {
					d := sqdist(ra, m.Row(int(leaf[b])))
					s.offer(int(leaf[a]), leaf[b], d, 0)
					s.offer(int(leaf[b]), leaf[a], d, 0)
				}
			}
		}
	}); err != nil {
		return nil, fmt.Errorf("knn: random projection forest: %w", err)
	}
	all = nil

	// 2. Fill heaps that the leaves left short with random points.
	if err := forChunks(ctx, n, workers, 256, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			for t := uint64(0); s.g.Indices[i*k] < 0 && t < uint64(8*k); t++ {
				j := int(hash4(seed, 2, uint64(i), t) % uint64(n))
				if j != i {
					s.offer(i, int32(j), sqdist(m.Row(i), m.Row(j)), 0)
				}
			}
			// deterministic sweep for the unlucky
			for j := 0; s.g.Indices[i*k] < 0 && j < n; j++ {
				if j != i {
					s.offer(i, int32(j), sqdist(m.Row(i), m.Row(j)), 0)
				}
			}
		}
	}); err != nil {
		return nil, fmt.Errorf("knn: nn-descent: %w", err)
	}

	// 3. NN-descent iterations.
	c := p.maxCand
	newC := make([]int32, n*c)
	oldC := make([]int32, n*c)
	newP := make([]uint64, n*c)
	oldP := make([]uint64, n*c)
	for it := 1; it <= p.iters; it++ {
		buildCandidates(s, it, seed, c, newC, newP, oldC, oldP)
		stamp := int32(it)
		err := forChunks(ctx, n, workers, 64, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				nw := trimmed(newC[i*c : (i+1)*c])
				ol := trimmed(oldC[i*c : (i+1)*c])
				for a, pa := range nw {
					ra := m.Row(int(pa))
					ta := s.threshold(int(pa))
					for _, pb := range nw[a+1:] {
						d := sqdist(ra, m.Row(int(pb)))
						if d <= ta || d <= s.threshold(int(pb)) {
							s.offer(int(pa), pb, d, stamp)
							s.offer(int(pb), pa, d, stamp)
							ta = s.threshold(int(pa))
						}
					}
					for _, pb := range ol {
						if pb == pa {
							continue
						}
						d := sqdist(ra, m.Row(int(pb)))
						if d <= ta || d <= s.threshold(int(pb)) {
							s.offer(int(pa), pb, d, stamp)
							s.offer(int(pb), pa, d, stamp)
							ta = s.threshold(int(pa))
						}
					}
				}
			}
		})
		if err != nil {
			return nil, fmt.Errorf("knn: nn-descent: %w", err)
		}
		changed := 0
		for _, f := range s.flag {
			if f == stamp {
				changed++
			}
		}
		if float64(changed) <= 0.001*float64(k*n) {
			break
		}
	}
	return s.g, nil
}

// trimmed compacts a candidate heap's filled entries (empty slots hold −1
// anywhere in the heap) to the front and returns them.
func trimmed(l []int32) []int32 {
	m := 0
	for _, x := range l {
		if x >= 0 {
			l[m] = x
			m++
		}
	}
	return l[:m]
}

// buildCandidates fills, for every point, up to c new and c old candidates
// drawn from its neighbours and reverse neighbours, keeping those of
// smallest random priority; sampled new entries are then marked old.
func buildCandidates(s *nnState, it int, seed uint64, c int, newC []int32, newP []uint64, oldC []int32, oldP []uint64) {
	n, k := s.m.N, s.k
	for i := range newC {
		newC[i], oldC[i] = -1, -1
		newP[i], oldP[i] = math.MaxUint64, math.MaxUint64
	}
	for i := range n {
		for t := i * k; t < (i+1)*k; t++ {
			j := s.g.Indices[t]
			if j < 0 {
				continue
			}
			pr := hash4(seed, 3+uint64(it), uint64(i), uint64(j))
			// the same priority for the pair in both directions keeps
			// forward and reverse samples consistent
			if uint32(i) > uint32(j) {
				pr = hash4(seed, 3+uint64(it), uint64(j), uint64(i))
			}
			if s.flag[t] >= 0 {
				candPush(newC[i*c:(i+1)*c], newP[i*c:(i+1)*c], j, pr)
				candPush(newC[int(j)*c:(int(j)+1)*c], newP[int(j)*c:(int(j)+1)*c], int32(i), pr)
			} else {
				candPush(oldC[i*c:(i+1)*c], oldP[i*c:(i+1)*c], j, pr)
				candPush(oldC[int(j)*c:(int(j)+1)*c], oldP[int(j)*c:(int(j)+1)*c], int32(i), pr)
			}
		}
	}
	for i := range n {
		nc := newC[i*c : (i+1)*c]
		for t := i * k; t < (i+1)*k; t++ {
			if s.flag[t] < 0 {
				continue
			}
			j := s.g.Indices[t]
			for _, x := range nc {
				if x == j {
					s.flag[t] = -1
					break
				}
			}
		}
	}
}

// candPush keeps the c entries of smallest priority (a max-heap on
// priority, ties by index), ignoring an index already present.
func candPush(idx []int32, pri []uint64, j int32, pr uint64) {
	if pr > pri[0] || (pr == pri[0] && j >= idx[0] && idx[0] >= 0) {
		return
	}
	for _, x := range idx {
		if x == j {
			return
		}
	}
	lessP := func(p1 uint64, i1 int32, p2 uint64, i2 int32) bool {
		return p1 < p2 || (p1 == p2 && uint32(i1) < uint32(i2))
	}
	pos := 0
	for {
		ch := 2*pos + 1
		if ch >= len(idx) {
			break
		}
		if ch+1 < len(idx) && lessP(pri[ch], idx[ch], pri[ch+1], idx[ch+1]) {
			ch++
		}
		if !lessP(pr, j, pri[ch], idx[ch]) {
			break
		}
		idx[pos], pri[pos] = idx[ch], pri[ch]
		pos = ch
	}
	idx[pos], pri[pos] = j, pr
}

// rpTree splits the points recursively by random hyperplanes (the
// perpendicular bisector of two random points of the node) until nodes
// hold at most leafSize points, and returns the leaves.
func rpTree(m *Matrix, leafSize int, seed uint64) [][]int32 {
	rng := rand.New(rand.NewPCG(seed, bits.RotateLeft64(seed, 32)^0x5851f42d4c957f2d))
	perm := make([]int32, m.N)
	for i := range perm {
		perm[i] = int32(i)
	}
	var leaves [][]int32
	normal := make([]float32, m.Dim)
	side := make([]bool, m.N)
	stack := [][]int32{perm}
	for len(stack) > 0 {
		node := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if len(node) <= leafSize {
			leaves = append(leaves, node)
			continue
		}
		a := int(node[rng.IntN(len(node))])
		b := int(node[rng.IntN(len(node))])
		for try := 0; a == b && try < 4; try++ {
			b = int(node[rng.IntN(len(node))])
		}
		ra, rb := m.Row(a), m.Row(b)
		var off float32
		for t := range normal {
			normal[t] = ra[t] - rb[t]
			off -= normal[t] * (ra[t] + rb[t]) / 2
		}
		nl := 0
		for _, p := range node {
			v := vecmath.Dot(normal, m.Row(int(p))) + off
			s := v > 0
			if v == 0 {
				s = rng.IntN(2) == 0
			}
			side[p] = s
			if s {
				nl++
			}
		}
		if nl == 0 || nl == len(node) {
			// degenerate split (duplicates): split at random
			nl = 0
			for _, p := range node {
				side[p] = rng.IntN(2) == 0
				if side[p] {
					nl++
				}
			}
			if nl == 0 || nl == len(node) {
				nl = len(node) / 2
				for t, p := range node {
					side[p] = t < nl
				}
			}
		}
		// partition in place: true side first
		lo, hi := 0, len(node)-1
		for lo <= hi {
			if side[node[lo]] {
				lo++
			} else {
				node[lo], node[hi] = node[hi], node[lo]
				hi--
			}
		}
		stack = append(stack, node[:lo], node[lo:])
	}
	return leaves
}
