package umap

import "math"

// FitAB returns the parameters a and b of the curve 1/(1 + a·x^2b) that best
// fit, in least squares over 300 points of [0, 3·spread], the function that
// is 1 below minDist and exp(−(x − minDist)/spread) above: umap-learn's
// find_ab_params. For minDist 0.1 and spread 1 it gives a ≈ 1.577,
// b ≈ 0.895.
func FitAB(minDist, spread float64) (a, b float64) {
	const m = 300
	xs := make([]float64, m)
	ys := make([]float64, m)
	for i := range m {
		x := 3 * spread * float64(i) / (m - 1)
		xs[i] = x
		if x < minDist {
			ys[i] = 1
		} else {
			ys[i] = math.Exp(-(x - minDist) / spread)
		}
	}
	cost := func(a, b float64) float64 {
		var s float64
		for i, x := range xs {
			r := 1/(1+a*math.Pow(x, 2*b)) - ys[i]
			s += r * r
		}
		return s
	}
	// Levenberg–Marquardt from (1, 1), as scipy's curve_fit.
	a, b = 1, 1
	lambda := 1e-3
	c := cost(a, b)
	for range 200 {
		var jaa, jab, jbb, ga, gb float64
		for i, x := range xs {
			if x == 0 {
				continue
			}
			p := math.Pow(x, 2*b)
			den := 1 + a*p
			f := 1 / den
			r := f - ys[i]
			da := -p / (den * den)
			db := -a * p * 2 * math.Log(x) / (den * den)
			jaa += da * da
			jab += da * db
			jbb += db * db
			ga += da * r
			gb += db * r
		}
		improved := false
		for range 30 {
			haa, hbb := jaa*(1+lambda), jbb*(1+lambda)
			det := haa*hbb - jab*jab
			if det == 0 {
				lambda *= 10
				continue
			}
			sa := -(hbb*ga - jab*gb) / det
			sb := -(haa*gb - jab*ga) / det
			if nc := cost(a+sa, b+sb); nc < c {
				a, b = a+sa, b+sb
				lambda /= 10
				improved = c-nc > 1e-15*c
				c = nc
				break
			}
			lambda *= 10
		}
		if !improved {
			break
		}
	}
	return a, b
}
