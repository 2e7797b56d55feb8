package cuda

// Dim3 is a grid or block shape of a kernel launch; zero fields mean 1.
type Dim3 struct{ X, Y, Z int }

// ceilDiv is ⌈a/b⌉ for a ≥ 0, b > 0: how many blocks of b cover a.
func ceilDiv(a, b int) int { return (a + b - 1) / b }
