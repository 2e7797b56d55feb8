//go:build !cuda

package cuda

// This binary was built without the cuda tag: Open always fails with
// ErrNotBuilt, so that callers fall back to the CPU. The GPU's other
// methods exist only in the tagged build: some return gorgonia.org/cu
// types, and importing cu here would make every binary exit at start-up on
// a machine without a GPU (cu's init calls cuInit and exits when it fails).

// Built reports whether this binary was built with the cuda tag.
const Built = false

// GPU is unusable in a build without the cuda tag.
type GPU struct{}

// Open fails: this binary was built without CUDA.
func Open() (*GPU, error) { return nil, ErrNotBuilt }

// Close does nothing.
func (*GPU) Close() error { return nil }

// Name returns "".
func (*GPU) Name() string { return "" }
