package csvdocs

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

// FuzzReadTable checks that any input either fails with ErrMalformed (or
// ErrTooLarge) or gives a table of distinct column names with one cell per
// row in the column asked for, whose non-missing cells Read returns.
func FuzzReadTable(f *testing.F) {
	for _, s := range []string{
		"id,text\n1,a\n2,b\n", ",text\n0,\"a,\nb\"\"c\"\n", "text\n\"abc\n", "a,b\n1,2,3\n4\n",
		"a\r\n \t\r\n\"x\"y\r", "\ufeffa,a,a.1\n", "a,b\n1,2\n3,4,5\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		tab, err := ReadTable(bytes.NewReader(in), 0, "Unnamed: 0")
		var ce *ColumnError
		if errors.As(err, &ce) {
			tab, err = ReadTable(bytes.NewReader(in), 0)
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v wraps neither ErrMalformed nor ErrTooLarge", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, h := range tab.Header {
			if h == "" || seen[h] {
				t.Fatalf("header %q: empty or repeated name", tab.Header)
			}
			seen[h] = true
		}
		if i, err := tab.Column("Unnamed: 0"); err == nil {
			if n := len(tab.Cells(i)); n != tab.Len {
				t.Fatalf("%d cells for %d rows", n, tab.Len)
			}
			want, _ := tab.Values(i)
			got, err := Read(bytes.NewReader(in), "Unnamed: 0", 0)
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("Read = %q, %v; ReadTable's values %q", got, err, want)
			}
		}
	})
}
