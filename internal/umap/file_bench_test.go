package umap

import (
	"context"
	"os"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/npy"
)

// BenchmarkProjectNPY projects the .npy file named by $BUNKA_BENCH_NPY
// (skipped when unset), e.g. the 10,000 debian vectors of
// scripts/bench_umap.sh.
func BenchmarkProjectNPY(b *testing.B) {
	path := os.Getenv("BUNKA_BENCH_NPY")
	if path == "" {
		b.Skip("BUNKA_BENCH_NPY not set")
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	data, err := npy.Read(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := Project(context.Background(), data, Options{Seed: 42}); err != nil {
			b.Fatal(err)
		}
	}
}
