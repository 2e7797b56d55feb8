package pipeline

import (
	"context"
	"os"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/csvdocs"
	"github.com/bunkatopics/bunka-go/internal/testenv"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// BenchmarkTopics runs the whole pipeline with the builtin embedder on the
// shared Debian corpus (2,000 documents; see scripts/bench_pipeline.sh for
// the 10,000-document figures).
func BenchmarkTopics(b *testing.B) {
	f, err := os.Open(testenv.DataFile(b, "debian_en_2k.csv"))
	if err != nil {
		b.Fatal(err)
	}
	texts, err := csvdocs.Read(f, "text", 0)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	p := New(Config{Logger: quiet()})
	param := topicmap.DefaultTopicParam()
	param.NClusters = 20
	in := Input{Texts: texts, Param: param}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := p.Topics(context.Background(), in, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(texts))*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}
