package lsa

import (
	"context"
	"os"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/csvdocs"
	"github.com/bunkatopics/bunka-go/internal/testenv"
)

// BenchmarkSubwordQuery measures the first query that needs subword
// vectors on debian_en_10k (it builds the n-gram index) and the next ones.
func BenchmarkSubwordQuery(b *testing.B) {
	f, err := os.Open(testenv.DataFile(b, "debian_en_10k.csv"))
	if err != nil {
		b.Fatal(err)
	}
	texts, err := csvdocs.Read(f, "text", 0)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	fit, err := New(Options{Language: "english", Seed: 42}).fit(context.Background(), texts, nil)
	if err != nil {
		b.Fatal(err)
	}
	data, err := fit.space.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("first", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s, err := loadSpace(data)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.EmbedQueries(ctx, []string{"futuristically"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("next", func(b *testing.B) {
		s, err := loadSpace(data)
		if err != nil {
			b.Fatal(err)
		}
		s.subwordIndex()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.EmbedQueries(ctx, []string{"futuristically"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
