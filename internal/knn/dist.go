package knn

// sqdist is the squared euclidean distance of two rows of equal length.
func sqdist(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0 := a[i] - b[i]
		d1 := a[i+1] - b[i+1]
		d2 := a[i+2] - b[i+2]
		d3 := a[i+3] - b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// dot4x2 returns the 8 dot products of a0..a3 with b0 and b1: the
// register-blocked micro-kernel of the exact search's matrix product.
func dot4x2(a0, a1, a2, a3, b0, b1 []float32) (c00, c01, c10, c11, c20, c21, c30, c31 float32) {
	n := len(a0)
	a1, a2, a3, b0, b1 = a1[:n], a2[:n], a3[:n], b0[:n], b1[:n]
	for i := range n {
		x0, x1 := b0[i], b1[i]
		y := a0[i]
		c00 += y * x0
		c01 += y * x1
		y = a1[i]
		c10 += y * x0
		c11 += y * x1
		y = a2[i]
		c20 += y * x0
		c21 += y * x1
		y = a3[i]
		c30 += y * x0
		c31 += y * x1
	}
	return
}
