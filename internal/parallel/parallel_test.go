package parallel

import (
	"sync/atomic"
	"testing"
)

func TestForCoversEveryIndexOnce(t *testing.T) {
	for _, tc := range []struct {
		desc                string
		n, block, workers   int
		wantBlocks, lastLen int
	}{
		{desc: "empty", n: 0, block: 4, workers: 3},
		{desc: "one short block", n: 3, block: 4, workers: 3, wantBlocks: 1, lastLen: 3},
		{desc: "exact blocks, serial", n: 12, block: 4, workers: 1, wantBlocks: 3, lastLen: 4},
		{desc: "ragged end, parallel", n: 1001, block: 16, workers: 4, wantBlocks: 63, lastLen: 9},
		{desc: "more workers than blocks", n: 10, block: 5, workers: 8, wantBlocks: 2, lastLen: 5},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			seen := make([]atomic.Int32, tc.n)
			blocks := make([]atomic.Int32, tc.wantBlocks)
			var calls atomic.Int32
			For(tc.n, tc.block, tc.workers, func(b, lo, hi int) {
				calls.Add(1)
				blocks[b].Add(1)
				if lo != b*tc.block || hi > tc.n || hi <= lo {
					t.Errorf("block %d = [%d, %d)", b, lo, hi)
				}
				if b == tc.wantBlocks-1 && hi-lo != tc.lastLen {
					t.Errorf("last block has %d indices, want %d", hi-lo, tc.lastLen)
				}
				for i := lo; i < hi; i++ {
					seen[i].Add(1)
				}
			})
			if int(calls.Load()) != tc.wantBlocks {
				t.Errorf("%d calls, want %d", calls.Load(), tc.wantBlocks)
			}
			for i := range seen {
				if c := seen[i].Load(); c != 1 {
					t.Fatalf("index %d done %d times", i, c)
				}
			}
			for b := range blocks {
				if c := blocks[b].Load(); c != 1 {
					t.Fatalf("block %d done %d times", b, c)
				}
			}
		})
	}
}

func TestForPanicsOnZeroBlock(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	For(10, 0, 2, func(int, int, int) {})
}

func BenchmarkFor(b *testing.B) {
	data := make([]float64, 1<<20)
	for _, workers := range []int{1, 2} {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[workers], func(b *testing.B) {
			for b.Loop() {
				For(len(data), 4096, workers, func(_, lo, hi int) {
					for i := lo; i < hi; i++ {
						data[i] += 1
					}
				})
			}
		})
	}
}
