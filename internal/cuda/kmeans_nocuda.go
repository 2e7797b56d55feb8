//go:build !cuda

package cuda

import (
	"context"

	"github.com/bunkatopics/bunka-go/internal/cluster"
)

// Clusterer returns a clusterer that fails with ErrNotBuilt: this binary
// was built without the cuda tag (and Open never gives a GPU).
func (*GPU) Clusterer() cluster.Clusterer {
	return cluster.ClustererFunc(func(context.Context, [][]float64, int, cluster.Options) (*cluster.Result, error) {
		return nil, ErrNotBuilt
	})
}
