//go:build !cuda

package cuda

import (
	"context"

	"github.com/bunkatopics/bunka-go/internal/knn"
)

// Searcher returns a searcher that fails with ErrNotBuilt.
func (*GPU) Searcher() knn.Searcher {
	return knn.SearcherFunc(func(context.Context, [][]float32, int, knn.Options) (*knn.Graph, error) {
		return nil, ErrNotBuilt
	})
}
