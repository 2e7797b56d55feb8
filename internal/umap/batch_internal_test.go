package umap

import (
	"math/rand/v2"
	"testing"
)

// TestBatchPlanSlots checks the plan's index structures on a random graph
// that is not symmetric: every edge is in one step, the r-th of its row in
// step r mod Steps; the tail slots are a permutation of the edges, and the
// slots of (point, step) hold exactly the edges of that step whose tail is
// the point, in increasing order.
func TestBatchPlanSlots(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 50
	g := &Graph{N: n, RowPtr: []int32{0}}
	for range n {
		for range rng.IntN(12) {
			g.Col = append(g.Col, int32(rng.IntN(n)))
			g.W = append(g.W, rng.Float32())
		}
		g.RowPtr = append(g.RowPtr, int32(len(g.Col)))
	}
	for _, steps := range []int{1, 3, 8} {
		pl := NewBatchPlan(g, LayoutParams{Epochs: 10, NegativeRate: 5}, steps)
		stepOf := make([]int, len(g.Col))
		seen := make([]int, len(g.Col))
		for s := range steps {
			for _, e := range pl.StepEdges[pl.StepPtr[s]:pl.StepPtr[s+1]] {
				stepOf[e] = s
				seen[e]++
				if r := int(e - g.RowPtr[pl.Head[e]]); r%steps != s {
					t.Fatalf("steps %d: edge %d, %d-th of its row, in step %d", steps, e, r, s)
				}
			}
		}
		slot := make([]int, len(g.Col))
		for e := range g.Col {
			if seen[e] != 1 {
				t.Fatalf("steps %d: edge %d in %d steps", steps, e, seen[e])
			}
			slot[pl.TailSlot[e]]++
		}
		for s, c := range slot {
			if c != 1 {
				t.Fatalf("steps %d: tail slot %d used by %d edges", steps, s, c)
			}
		}
		for v := range n {
			for s := range steps {
				var want []int32
				for e, k := range g.Col {
					if int(k) == v && stepOf[e] == s {
						want = append(want, pl.TailSlot[e])
					}
				}
				lo, hi := pl.TailPtr[v*steps+s], pl.TailPtr[v*steps+s+1]
				if int(hi-lo) != len(want) {
					t.Fatalf("steps %d: point %d step %d has %d tail slots, want %d", steps, v, s, hi-lo, len(want))
				}
				for i, w := range want {
					if w != lo+int32(i) {
						t.Fatalf("steps %d: point %d step %d: slots %v, want %d.. in edge order", steps, v, s, want, lo)
					}
				}
			}
		}
	}
}
