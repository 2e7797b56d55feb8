// Package parallel runs loops over index ranges on several goroutines, the
// way the numeric packages (knn, lsa, cluster) need it: deterministic
// results whatever the number of workers.
package parallel

import (
	"sync"
	"sync/atomic"
)

// For calls f(b, lo, hi) once for every block b = [lo, hi) of [0, n), in
// blocks of the given size, on up to workers goroutines that take the next
// block as they finish one. Each block is done by one call, so results
// written per block or per index do not depend on the number of workers.
// With workers <= 1, or a single block, the blocks run in order on the
// calling goroutine. For returns when every call has returned.
func For(n, block, workers int, f func(b, lo, hi int)) {
	if block < 1 {
		panic("parallel: block size < 1")
	}
	nb := (n + block - 1) / block
	w := min(workers, nb)
	if w <= 1 {
		for b := range nb {
			f(b, b*block, min((b+1)*block, n))
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range w {
		wg.Go(func() {
			for {
				b := int(next.Add(1) - 1)
				if b >= nb {
					return
				}
				f(b, b*block, min((b+1)*block, n))
			}
		})
	}
	wg.Wait()
}
