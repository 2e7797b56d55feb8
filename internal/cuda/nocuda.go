//go:build !cuda

package cuda

// This binary was built without the cuda tag: Open always fails with
// ErrNotBuilt, so that callers fall back to the CPU. Function and Ctx, which
// return gorgonia.org/cu types, exist only in the tagged build: importing cu
// here would make every binary exit at start-up on a machine without a GPU
// (cu's init calls cuInit and exits when it fails).

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

// MemInfo fails with ErrNotBuilt.
func (*GPU) MemInfo() (free, total int64, err error) { return 0, 0, ErrNotBuilt }

// PeakBytes returns 0.
func (*GPU) PeakBytes() int64 { return 0 }

// ResetPeak does nothing.
func (*GPU) ResetPeak() {}
