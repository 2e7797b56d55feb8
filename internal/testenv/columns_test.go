package testenv

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestDataColumns(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "c.csv"), []byte("id,text,label\n1,\"a, b\",x\n2,c,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BUNKA_DATA", dir)
	cols := DataColumns(t, "c.csv", "label", "text")
	if !slices.Equal(cols[0], []string{"x", "y"}) || !slices.Equal(cols[1], []string{"a, b", "c"}) {
		t.Fatalf("DataColumns = %q", cols)
	}
}
