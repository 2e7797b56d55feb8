package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDataDirFollowsBUNKA_DATA(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("BUNKA_DATA", dir)
	if got := DataDir(t); got != dir {
		t.Fatalf("DataDir = %q, want %q", got, dir)
	}
	if err := os.WriteFile(filepath.Join(dir, "x.csv"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, want := DataFile(t, "x.csv"), filepath.Join(dir, "x.csv"); got != want {
		t.Fatalf("DataFile = %q, want %q", got, want)
	}
}

func TestDataDirDefaultIsBesideModuleRoot(t *testing.T) {
	t.Setenv("BUNKA_DATA", "")
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root %s has no go.mod: %v", root, err)
	}
	if got, want := DataDir(t), filepath.Join(filepath.Dir(root), "shared", "data"); got != want {
		t.Fatalf("DataDir = %q, want %q", got, want)
	}
}
