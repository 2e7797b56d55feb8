package knn

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

const (
	exactQueryBlock = 64  // query rows per task
	exactDataBlock  = 256 // data rows per inner block
)

// Exact returns the exact k nearest neighbours of every row of data
// (k < len(data)). Work is split in blocks of query rows across
// opt.Workers goroutines; the result does not depend on their number.
func Exact(ctx context.Context, data [][]float32, k int, opt Options) (*Graph, error) {
	m, err := Prepare(data, k, opt.Metric)
	if err != nil {
		return nil, err
	}
	g, err := exact(ctx, m, k, opt.workers())
	if err != nil {
		return nil, err
	}
	Finish(g, opt.Metric)
	return g, nil
}

func exact(ctx context.Context, m *Matrix, k, workers int) (*Graph, error) {
	n := m.N
	g := &Graph{N: n, K: k, Indices: make([]int32, n*k), Distances: make([]float32, n*k)}
	initHeaps(g.Indices, g.Distances)
	norms := make([]float32, n)
	for i := range n {
		r := m.Row(i)
		norms[i] = vecmath.Dot(r, r)
	}
	var next atomic.Int64
	nBlocks := (n + exactQueryBlock - 1) / exactQueryBlock
	var wg sync.WaitGroup
	for range min(workers, nBlocks) {
		wg.Go(func() {
			dots := make([]float32, exactQueryBlock*exactDataBlock)
			for {
				if ctx.Err() != nil {
					return
				}
				b := int(next.Add(1)) - 1
				if b >= nBlocks {
					return
				}
				q0 := b * exactQueryBlock
				q1 := min(q0+exactQueryBlock, n)
				for d0 := 0; d0 < n; d0 += exactDataBlock {
					d1 := min(d0+exactDataBlock, n)
					blockDots(m, q0, q1, d0, d1, dots)
					for q := q0; q < q1; q++ {
						idx, dist := g.Neighbors(q)
						row := dots[(q-q0)*exactDataBlock:]
						nq := norms[q]
						for j := d0; j < d1; j++ {
							if j == q {
								continue
							}
							d := nq + norms[j] - 2*row[j-d0]
							if d < 0 {
								d = 0
							}
							if d <= dist[0] {
								push(idx, dist, nil, d, int32(j), 0)
							}
						}
					}
				}
				// exact distances for the winners
				for q := q0; q < q1; q++ {
					idx, dist := g.Neighbors(q)
					for t, j := range idx {
						dist[t] = sqdist(m.Row(q), m.Row(int(j)))
					}
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("knn: exact search: %w", err)
	}
	return g, nil
}

// blockDots fills dots[(q-q0)*exactDataBlock + (j-d0)] with row q · row j
// for q in [q0,q1) and j in [d0,d1).
func blockDots(m *Matrix, q0, q1, d0, d1 int, dots []float32) {
	const L = exactDataBlock
	q := q0
	for ; q+4 <= q1; q += 4 {
		a0, a1, a2, a3 := m.Row(q), m.Row(q+1), m.Row(q+2), m.Row(q+3)
		o := (q - q0) * L
		j := d0
		for ; j+2 <= d1; j += 2 {
			c00, c01, c10, c11, c20, c21, c30, c31 := dot4x2(a0, a1, a2, a3, m.Row(j), m.Row(j+1))
			t := o + j - d0
			dots[t], dots[t+1] = c00, c01
			dots[t+L], dots[t+L+1] = c10, c11
			dots[t+2*L], dots[t+2*L+1] = c20, c21
			dots[t+3*L], dots[t+3*L+1] = c30, c31
		}
		for ; j < d1; j++ {
			b := m.Row(j)
			t := o + j - d0
			dots[t], dots[t+L], dots[t+2*L], dots[t+3*L] = vecmath.Dot(a0, b), vecmath.Dot(a1, b), vecmath.Dot(a2, b), vecmath.Dot(a3, b)
		}
	}
	for ; q < q1; q++ {
		a := m.Row(q)
		o := (q - q0) * L
		for j := d0; j < d1; j++ {
			dots[o+j-d0] = vecmath.Dot(a, m.Row(j))
		}
	}
}
