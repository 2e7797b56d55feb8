package cuda

// Dim3 is a grid or block shape of a kernel launch; zero fields mean 1.
type Dim3 struct{ X, Y, Z int }
