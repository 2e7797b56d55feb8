package umap

import "math"

// powf returns x^y for x > 0 to about 1e-5 relative accuracy, as
// exp2(y·log2 x) with short polynomials: the layout evaluates d^b for every
// sample, and math.Pow took four fifths of its time.
func powf(x, y float32) float32 {
	if x < 1.1754944e-38 || x > 1e30 {
		return float32(math.Pow(float64(x), float64(y)))
	}
	return exp2f(y * log2f(x))
}

// log2f is log2 for normal positive x: the exponent plus log2 of the
// mantissa m ∈ [√½, √2) by the series 2/ln2·atanh((m−1)/(m+1)).
func log2f(x float32) float32 {
	b := math.Float32bits(x)
	e := int32(b>>23) - 127
	m := math.Float32frombits(b&0x7fffff | 0x3f800000)
	if m > 1.4142135 {
		m *= 0.5
		e++
	}
	t := (m - 1) / (m + 1)
	t2 := t * t
	s := t * (2.8853900817779268 + t2*(0.9617966939259756+t2*0.5770780163555853))
	return float32(e) + s
}

// exp2f is 2^y: the rounded integer part goes to the exponent, the
// fraction f ∈ [−½, ½] through the Taylor series of exp(f·ln2).
func exp2f(y float32) float32 {
	if y < -126 {
		return 0
	}
	if y > 127 {
		return float32(math.Inf(1))
	}
	i := float32(math.Floor(float64(y) + 0.5))
	f := (y - i) * 0.6931471805599453
	f2 := f * f
	p := (1 + f) + f2*((0.5+f*(1.0/6))+f2*(1.0/24+f*(1.0/120)))
	return p * math.Float32frombits(uint32(int32(i)+127)<<23)
}

// A curve tabulates a smooth function of d² > 0 for the layout's gradient
// coefficients: 2^tableBits points per octave of d² between 2^tableMinExp
// and 2^tableMaxExp, indexed by the float32 bits of d² (exponent and top
// mantissa bits) and linearly interpolated; outside that range it calls
// the function. Relative error about 1e-5 for the UMAP coefficients.
type curve struct {
	f      func(float64) float64
	lo, hi uint32 // float32 bits of the range's ends
	vals   []float32
}

const (
	tableBits   = 7
	tableMinExp = -24
	tableMaxExp = 24
	tableShift  = 23 - tableBits
)

func newCurve(f func(float64) float64) *curve {
	c := &curve{
		f:  f,
		lo: math.Float32bits(float32(math.Ldexp(1, tableMinExp))),
		hi: math.Float32bits(float32(math.Ldexp(1, tableMaxExp))),
	}
	n := (c.hi-c.lo)>>tableShift + 1
	c.vals = make([]float32, n)
	for i := range c.vals {
		x := math.Float32frombits(c.lo + uint32(i)<<tableShift)
		c.vals[i] = float32(f(float64(x)))
	}
	return c
}

func (c *curve) at(x float32) float32 {
	b := math.Float32bits(x)
	if b < c.lo || b >= c.hi {
		return float32(c.f(float64(x)))
	}
	off := b - c.lo
	i := off >> tableShift
	frac := float32(off&(1<<tableShift-1)) * (1.0 / (1 << tableShift))
	v0, v1 := c.vals[i], c.vals[i+1]
	return v0 + (v1-v0)*frac
}
