package lang

import (
	"encoding/csv"
	"os"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/testenv"
)

// readColumn returns the named column of a shared CSV file (testenv.DataFile), or
// skips when the file is absent.
func readColumn(tb testing.TB, file, column string) []string {
	tb.Helper()
	path := testenv.DataFile(tb, file)
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	col := -1
	for i, name := range recs[0] {
		if name == column {
			col = i
		}
	}
	if col < 0 {
		tb.Fatalf("%s: no column %q", path, column)
	}
	out := make([]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		out = append(out, r[col])
	}
	return out
}

func TestDetectDataSets(t *testing.T) {
	for _, c := range []struct{ file, column string }{
		{"tweets_463.csv", "text"},
		{"debian_en_2k.csv", "text"},
	} {
		if got := Detect(readColumn(t, c.file, c.column)); got != English {
			t.Errorf("%s: Detect = %q, want english", c.file, got)
		}
	}
}

func BenchmarkDetectDebian10k(b *testing.B) {
	texts := readColumn(b, "debian_en_10k.csv", "text")
	b.ReportAllocs()
	for b.Loop() {
		Detect(texts)
	}
}

func BenchmarkDetectTweets(b *testing.B) {
	texts := readColumn(b, "tweets_463.csv", "text")
	b.ReportAllocs()
	for b.Loop() {
		Detect(texts)
	}
}
