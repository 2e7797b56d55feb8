//go:build !cuda

package cuda

import (
	"context"

	"github.com/bunkatopics/bunka-go/internal/umap"
)

// Layout returns a layout optimiser that fails with ErrNotBuilt.
func (*GPU) Layout() umap.Optimizer { return notBuiltLayout{} }

type notBuiltLayout struct{}

func (notBuiltLayout) Optimize(context.Context, *umap.Graph, []float32, umap.LayoutParams) error {
	return ErrNotBuilt
}
