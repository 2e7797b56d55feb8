package pipeline

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bunkatopics/bunka-go/internal/cluster"
	"github.com/bunkatopics/bunka-go/internal/knn"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
	"github.com/bunkatopics/bunka-go/internal/umap"
)

// counted wraps the CPU backends and counts their calls, as a GPU backend
// would stand in for them.
type counted struct{ search, layout, cluster atomic.Int32 }

func (c *counted) config() Config {
	return Config{
		Embedder: words, Logger: quiet(),
		Searcher: knn.SearcherFunc(func(ctx context.Context, data [][]float32, k int, opt knn.Options) (*knn.Graph, error) {
			c.search.Add(1)
			return knn.AutoSearcher.Search(ctx, data, k, opt)
		}),
		Layout: layoutFunc(func(ctx context.Context, g *umap.Graph, pos []float32, p umap.LayoutParams) error {
			c.layout.Add(1)
			return umap.CPULayout{}.Optimize(ctx, g, pos, p)
		}),
		Clusterer: cluster.ClustererFunc(func(ctx context.Context, points [][]float64, k int, opt cluster.Options) (*cluster.Result, error) {
			c.cluster.Add(1)
			return cluster.KMeans(ctx, points, k, opt)
		}),
	}
}

type layoutFunc func(ctx context.Context, g *umap.Graph, pos []float32, p umap.LayoutParams) error

func (f layoutFunc) Optimize(ctx context.Context, g *umap.Graph, pos []float32, p umap.LayoutParams) error {
	return f(ctx, g, pos, p)
}

// TestBackends checks that the numeric backends of the Config are the ones
// the stages use: the k-NN search and the layout for the projection, the
// clusterer for the topics of the map and of the Bourdieu map; and that
// backends computing what the CPU ones do give the same result.
func TestBackends(t *testing.T) {
	ctx := context.Background()
	in := warPeaceInput(2)
	q := topicmap.DefaultBourdieuQuery()
	in.Bourdieu = &q

	var c counted
	got, _, err := New(c.config()).Topics(ctx, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.search.Load() == 0 || c.layout.Load() == 0 || c.cluster.Load() != 2 {
		t.Errorf("backend calls: search %d, layout %d, cluster %d; want some, some and 2 (map and Bourdieu map)",
			c.search.Load(), c.layout.Load(), c.cluster.Load())
	}
	want, _, err := New(Config{Embedder: words, Logger: quiet()}).Topics(ctx, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result with the wrapped backends differs from the default (-want +got):\n%s", diff)
	}

	c.cluster.Store(0)
	if _, err := New(c.config()).Bourdieu(ctx, in, nil); err != nil {
		t.Fatal(err)
	}
	if c.cluster.Load() != 1 {
		t.Errorf("a Bourdieu job called the clusterer %d times, want 1", c.cluster.Load())
	}
}
