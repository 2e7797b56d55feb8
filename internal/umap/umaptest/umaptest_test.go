package umaptest

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveTrustworthiness is the definition, with full stable sorts.
func naiveTrustworthiness(data [][]float32, xy [][2]float32, k int) float64 {
	n := len(data)
	var penalty float64
	for i := range n {
		order := func(d func(j int) float64) []int {
			idx := make([]int, 0, n-1)
			for j := range n {
				if j != i {
					idx = append(idx, j)
				}
			}
			slices.SortStableFunc(idx, func(a, b int) int {
				switch da, db := d(a), d(b); {
				case da < db:
					return -1
				case da > db:
					return 1
				}
				return 0
			})
			return idx
		}
		high := order(func(j int) float64 {
			var s float64
			for c := range data[i] {
				x := float64(data[i][c]) - float64(data[j][c])
				s += x * x
			}
			return s
		})
		rank := make([]int, n)
		for r, j := range high {
			rank[j] = r + 1
		}
		low := order(func(j int) float64 {
			dx, dy := float64(xy[i][0]-xy[j][0]), float64(xy[i][1]-xy[j][1])
			return dx*dx + dy*dy
		})
		for _, j := range low[:k] {
			if r := rank[j]; r > k {
				penalty += float64(r - k)
			}
		}
	}
	return 1 - 2/(float64(n)*float64(k)*(2*float64(n)-3*float64(k)-1))*penalty
}

func TestTrustworthinessMatchesDefinition(t *testing.T) {
	data, _ := Blobs(3, 40, 5, 1)
	rng := rand.New(rand.NewPCG(1, 2))
	xy := make([][2]float32, len(data))
	for i := range xy {
		// coarse coordinates, so that the layout has ties
		xy[i] = [2]float32{float32(rng.IntN(8)), float32(data[i][0] + float32(rng.IntN(3)))}
	}
	// duplicated rows give ties in the data too
	copy(data[5], data[6])
	for _, k := range []int{1, 5, 15} {
		got, want := Trustworthiness(data, xy, k), naiveTrustworthiness(data, xy, k)
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("k=%d: %v, the definition gives %v", k, got, want)
		}
	}
}
