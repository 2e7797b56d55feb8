//go:build !cuda

package cuda

import (
	"context"
	"errors"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/cluster"
)

func TestClustererNotBuilt(t *testing.T) {
	var g *GPU
	if _, err := g.Clusterer().Cluster(context.Background(), [][]float64{{0}, {1}}, 1, cluster.Options{}); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("err = %v, want ErrNotBuilt", err)
	}
}
