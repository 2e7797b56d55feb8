package cuda

import (
	"fmt"
	"math"

	"github.com/bunkatopics/bunka-go/internal/knn"
)

// sameUpToTies reports how got differs from want, two k-NN graphs of the
// same rows: at each position the distances agree within tol (relative),
// and the neighbour is the same unless its distance ties (within tol) with
// another in the list or with the last one.
func sameUpToTies(want, got *knn.Graph, tol float64) error {
	if want.N != got.N || want.K != got.K {
		return fmt.Errorf("graphs of %dx%d and %dx%d", want.N, want.K, got.N, got.K)
	}
	close := func(a, b float32) bool {
		return math.Abs(float64(a)-float64(b)) <= tol*(1+math.Abs(float64(a)))
	}
	for i := range want.N {
		wi, wd := want.Neighbors(i)
		gi, gd := got.Neighbors(i)
		for p := range wi {
			if !close(wd[p], gd[p]) {
				return fmt.Errorf("row %d: distance %d is %v, want %v (neighbours %v, want %v)", i, p, gd[p], wd[p], gi, wi)
			}
			if wi[p] == gi[p] {
				continue
			}
			tied := (p > 0 && close(wd[p], wd[p-1])) || (p+1 < len(wd) && close(wd[p], wd[p+1])) || close(wd[p], wd[len(wd)-1])
			if !tied {
				return fmt.Errorf("row %d: neighbour %d is %d at %v, want %d at %v", i, p, gi[p], gd[p], wi[p], wd[p])
			}
		}
	}
	return nil
}
