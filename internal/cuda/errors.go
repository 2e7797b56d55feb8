package cuda

import "errors"

// ErrNotBuilt is returned by Open in a binary built without the cuda tag.
var ErrNotBuilt = errors.New("cuda: built without CUDA: rebuild with -tags cuda (make gpu)")

// ErrNoDevice is returned by Open when the driver loads but finds no GPU.
var ErrNoDevice = errors.New("cuda: no CUDA device")

// ErrClosed is returned by the methods of a GPU after Close.
var ErrClosed = errors.New("cuda: GPU closed")
