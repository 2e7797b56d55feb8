package csvdocs

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

// allocated returns the bytes that f allocates (runtime.MemStats.TotalAlloc,
// deterministic for the same input, unlike a peak or a timing).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// memoryShapes are adversarial CSV files: each would take many times its
// size if rows were padded to the header's width or every field kept.
func memoryShapes() []struct {
	desc string
	body []byte
	docs int // documents in column "text"
} {
	wide := strings.Repeat("c,", MaxColumns-1) + "text\n"
	return []struct {
		desc string
		body []byte
		docs int
	}{
		{"wide header, short rows", []byte(wide + strings.Repeat("x\n", 1<<16)), 0},
		{"wide header, short rows, the text last", []byte(wide + strings.Repeat(strings.Repeat(",", MaxColumns-1)+"t\n", 64)), 64},
		{"many empty fields", []byte("text" + strings.Repeat(",", 999) + "\n" + strings.Repeat("a"+strings.Repeat(",", 999)+"\n", 1000)), 1000},
		{"many empty quoted fields", []byte("text" + strings.Repeat(",\"\"", 300) + "\n" + strings.Repeat("a"+strings.Repeat(",\"\"", 300)+"\n", 1000)), 1000},
		{"very long lines", []byte("id,text\n" + strings.Repeat("1,"+strings.Repeat("word ", 200_000)+"\n", 4)), 4},
		{"one very long quoted line", []byte("text\n\"" + strings.Repeat("a,\"\"\n", 500_000) + "\"\n"), 1},
		{"many one-letter rows", []byte("text\n" + strings.Repeat("x\n", 1<<19)), 1 << 19},
		{"many empty rows", []byte("id,text\n" + strings.Repeat("1,\n", 1<<18)), 0},
	}
}

// readBound is the memory that the README promises for a CSV body of n
// bytes with docs documents in the column read: the body, the cells kept
// (at most the body again), the record being read (its buffer doubles, so
// at most four times the longest record over its growth, itself at most
// the body), 16 bytes per document (its string header), and 4 MiB for the
// names of up to MaxColumns columns.
func readBound(n, docs int) uint64 {
	return uint64(6*n + 16*docs + 4<<20)
}

func TestReadMemoryBound(t *testing.T) {
	for _, tc := range memoryShapes() {
		var got []string
		var err error
		alloc := allocated(func() { got, err = Read(bytes.NewReader(tc.body), "text", 0) })
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		if len(got) != tc.docs {
			t.Errorf("%s: %d documents, want %d", tc.desc, len(got), tc.docs)
		}
		bound := readBound(len(tc.body), tc.docs)
		t.Logf("%s: body %d B, allocated %d B (%.2f times), bound %d B", tc.desc, len(tc.body), alloc, float64(alloc)/float64(len(tc.body)), bound)
		if alloc > bound {
			t.Errorf("%s: body %d B, allocated %d B, over the bound %d B", tc.desc, len(tc.body), alloc, bound)
		}
	}
}

func TestReadTableMemoryBound(t *testing.T) {
	for _, tc := range memoryShapes() {
		var tab *Table
		var err error
		alloc := allocated(func() { tab, err = ReadTable(bytes.NewReader(tc.body), 0, "text") })
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		// ReadTable keeps one cell per row of the column asked for.
		bound := readBound(len(tc.body), tab.Len)
		if alloc > bound {
			t.Errorf("%s: body %d B, %d rows, allocated %d B, over the bound %d B", tc.desc, len(tc.body), tab.Len, alloc, bound)
		}
	}
}

func BenchmarkReadShapes(b *testing.B) {
	for _, tc := range memoryShapes() {
		b.Run(strings.ReplaceAll(tc.desc, " ", "_"), func(b *testing.B) {
			b.SetBytes(int64(len(tc.body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Read(bytes.NewReader(tc.body), "text", 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
