package testenv

import (
	"encoding/csv"
	"os"
	"slices"
	"testing"
)

// DataColumns reads the named columns of a shared CSV corpus (DataFile:
// skipped when absent, a failure under CI), one slice of values per name,
// in the order asked. A name the header lacks fails the test.
func DataColumns(tb testing.TB, file string, columns ...string) [][]string {
	tb.Helper()
	path := DataFile(tb, file)
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("testenv: read %s: %v", path, err)
	}
	if len(rows) == 0 {
		tb.Fatalf("testenv: %s is empty", path)
	}
	out := make([][]string, len(columns))
	for c, name := range columns {
		i := slices.Index(rows[0], name)
		if i < 0 {
			tb.Fatalf("testenv: %s has columns %q, no %q", path, rows[0], name)
		}
		out[c] = make([]string, 0, len(rows)-1)
		for _, r := range rows[1:] {
			out[c] = append(out[c], r[i])
		}
	}
	return out
}
