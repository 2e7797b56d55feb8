package lang

import (
	"testing"

	"github.com/bunkatopics/bunka-go/internal/testenv"
)

func TestDetectDataSets(t *testing.T) {
	for _, c := range []struct{ file, column string }{
		{"tweets_463.csv", "text"},
		{"debian_en_2k.csv", "text"},
	} {
		if got := Detect(testenv.DataColumns(t, c.file, c.column)[0]); got != English {
			t.Errorf("%s: Detect = %q, want english", c.file, got)
		}
	}
}

func BenchmarkDetectDebian10k(b *testing.B) {
	texts := testenv.DataColumns(b, "debian_en_10k.csv", "text")[0]
	b.ReportAllocs()
	for b.Loop() {
		Detect(texts)
	}
}

func BenchmarkDetectTweets(b *testing.B) {
	texts := testenv.DataColumns(b, "tweets_463.csv", "text")[0]
	b.ReportAllocs()
	for b.Loop() {
		Detect(texts)
	}
}
