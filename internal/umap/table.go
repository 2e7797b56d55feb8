package umap

import "math"

// A table tabulates a smooth function of d² > 0 for the layout's gradient
// coefficients: 2^tableBits points per octave of d² between 2^tableMinExp
// and 2^tableMaxExp, indexed by the float32 bits of d² (exponent and top
// mantissa bits) and linearly interpolated; outside that range it calls
// the function. Relative error about 1e-5 for the UMAP coefficients.
type table struct {
	f        func(float64) float64
	lo, span uint32 // float32 bits of the range's start, bits spanned
	vals     []float32
}

const (
	tableBits   = 7
	tableMinExp = -24
	tableMaxExp = 24
	tableShift  = 23 - tableBits
)

func newTable(f func(float64) float64) *table {
	c := &table{
		f:  f,
		lo: math.Float32bits(float32(math.Ldexp(1, tableMinExp))),
	}
	c.span = math.Float32bits(float32(math.Ldexp(1, tableMaxExp))) - c.lo
	n := c.span>>tableShift + 1
	c.vals = make([]float32, n)
	for i := range c.vals {
		x := math.Float32frombits(c.lo + uint32(i)<<tableShift)
		c.vals[i] = float32(f(float64(x)))
	}
	return c
}

func (c *table) at(x float32) float32 {
	off := math.Float32bits(x) - c.lo
	if off >= c.span {
		return c.outside(x)
	}
	i := off >> tableShift
	frac := float32(off&(1<<tableShift-1)) * (1.0 / (1 << tableShift))
	v0, v1 := c.vals[i], c.vals[i+1]
	return v0 + (v1-v0)*frac
}

// outside evaluates the function itself, out of the table's range (kept
// out of at so that at is inlined).
func (c *table) outside(x float32) float32 { return float32(c.f(float64(x))) }
