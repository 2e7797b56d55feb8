package terms

import (
	"slices"
	"testing"
)

// The wanted values were printed by CPython 3.11:
// random.seed(seed); random.sample(range(n), k).
func TestPySampleMatchesCPython(t *testing.T) {
	cases := []struct {
		desc    string
		n, k    int
		seed    int64
		prefix  []int
		wantSum int
	}{
		{desc: "set strategy, seed 42", n: 10000, k: 1000, seed: 42, prefix: []int{1824, 409, 4506, 4012, 3657, 2286, 1679, 8935}, wantSum: 5062683},
		{desc: "pool strategy, seed 42", n: 1500, k: 1000, seed: 42, prefix: []int{1309, 228, 51, 563, 501, 457, 285, 209}, wantSum: 745442},
		{desc: "small k", n: 3000, k: 5, seed: 7, prefix: []int{1326, 617, 1617, 2666, 197}},
		{desc: "seed over 32 bits", n: 100000, k: 5, seed: 1<<40 + 5, prefix: []int{66110, 67753, 35206, 87005, 3595}},
	}
	for _, c := range cases {
		got := pySample(c.n, c.k, c.seed)
		if len(got) != c.k {
			t.Fatalf("%s: len = %d, want %d", c.desc, len(got), c.k)
		}
		if !slices.Equal(got[:len(c.prefix)], c.prefix) {
			t.Errorf("%s: prefix = %v, want %v", c.desc, got[:len(c.prefix)], c.prefix)
		}
		if c.wantSum != 0 {
			sum := 0
			for _, v := range got {
				sum += v
			}
			if sum != c.wantSum {
				t.Errorf("%s: sum = %d, want %d", c.desc, sum, c.wantSum)
			}
		}
		seen := map[int]bool{}
		for _, v := range got {
			if v < 0 || v >= c.n || seen[v] {
				t.Fatalf("%s: bad or repeated index %d", c.desc, v)
			}
			seen[v] = true
		}
	}
}
