package terms

import "math"

// The original samples the documents for term extraction with Python's
// random.seed(42) followed by random.sample(population, 1000). This file
// reproduces that draw exactly (MT19937 seeded by init_by_array, then
// getrandbits-based rejection sampling and CPython's two sampling
// strategies), so that the same documents are chosen for the same input.

const (
	mtN         = 624
	mtM         = 397
	mtMatrixA   = 0x9908b0df
	mtUpperMask = 0x80000000
	mtLowerMask = 0x7fffffff
)

// mt19937 is the Mersenne Twister of Matsumoto and Nishimura (1998), the
// generator behind Python's random module.
type mt19937 struct {
	state [mtN]uint32
	index int
}

// newPyRandom returns the generator that Python's random.seed(seed) sets up
// for an integer seed: the absolute value split into 32-bit words, least
// significant first, fed to init_by_array.
func newPyRandom(seed int64) *mt19937 {
	u := uint64(seed)
	if seed < 0 {
		u = uint64(-seed) // math.MinInt64 wraps to itself, which is its absolute value
	}
	key := []uint32{uint32(u)}
	if hi := uint32(u >> 32); hi != 0 {
		key = append(key, hi)
	}
	mt := &mt19937{}
	mt.initByArray(key)
	return mt
}

func (mt *mt19937) initGenrand(s uint32) {
	mt.state[0] = s
	for i := 1; i < mtN; i++ {
		prev := mt.state[i-1]
		mt.state[i] = 1812433253*(prev^(prev>>30)) + uint32(i)
	}
	mt.index = mtN
}

func (mt *mt19937) initByArray(key []uint32) {
	mt.initGenrand(19650218)
	i, j := 1, 0
	k := max(mtN, len(key))
	for ; k > 0; k-- {
		prev := mt.state[i-1]
		mt.state[i] = (mt.state[i] ^ ((prev ^ (prev >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= mtN {
			mt.state[0] = mt.state[mtN-1]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k = mtN - 1; k > 0; k-- {
		prev := mt.state[i-1]
		mt.state[i] = (mt.state[i] ^ ((prev ^ (prev >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= mtN {
			mt.state[0] = mt.state[mtN-1]
			i = 1
		}
	}
	mt.state[0] = 0x80000000
}

func (mt *mt19937) uint32() uint32 {
	if mt.index >= mtN {
		for kk := 0; kk < mtN; kk++ {
			y := (mt.state[kk] & mtUpperMask) | (mt.state[(kk+1)%mtN] & mtLowerMask)
			v := mt.state[(kk+mtM)%mtN] ^ (y >> 1)
			if y&1 != 0 {
				v ^= mtMatrixA
			}
			mt.state[kk] = v
		}
		mt.index = 0
	}
	y := mt.state[mt.index]
	mt.index++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// getrandbits returns k random bits, 1 <= k <= 32, as Python does.
func (mt *mt19937) getrandbits(k int) uint32 {
	return mt.uint32() >> (32 - k)
}

// randbelow returns a uniform integer in [0, n), 0 < n < 2^32, by the same
// rejection sampling as Python's _randbelow_with_getrandbits.
func (mt *mt19937) randbelow(n int) int {
	k := bitLen(n)
	r := int(mt.getrandbits(k))
	for r >= n {
		r = int(mt.getrandbits(k))
	}
	return r
}

func bitLen(n int) int {
	k := 0
	for ; n > 0; n >>= 1 {
		k++
	}
	return k
}

// pySample returns the indices that Python's random.sample(range(n), k)
// returns after random.seed(seed), in the same order. It requires
// 0 <= k <= n < 2^32.
func pySample(n, k int, seed int64) []int {
	mt := newPyRandom(seed)
	out := make([]int, k)
	setsize := 21
	if k > 5 {
		setsize += int(math.Pow(4, math.Ceil(math.Log(float64(k*3))/math.Log(4))))
	}
	if n <= setsize {
		pool := make([]int, n)
		for i := range pool {
			pool[i] = i
		}
		for i := range k {
			j := mt.randbelow(n - i)
			out[i] = pool[j]
			pool[j] = pool[n-i-1]
		}
		return out
	}
	selected := make(map[int]struct{}, k)
	for i := range k {
		j := mt.randbelow(n)
		for {
			if _, dup := selected[j]; !dup {
				break
			}
			j = mt.randbelow(n)
		}
		selected[j] = struct{}{}
		out[i] = j
	}
	return out
}
