package testenv

import (
	"os"
	"path/filepath"
	"testing"
	"time"
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

func TestLogsWaitFor(t *testing.T) {
	logs := &Logs{}
	if _, err := logs.Write([]byte("a=1 b=2\n")); err != nil {
		t.Fatal(err)
	}
	if line, ok := logs.WaitFor(time.Second, "a=1", "b=2"); !ok || line != "a=1 b=2" {
		t.Fatalf("WaitFor on a written line = %q, %v", line, ok)
	}
	if line, ok := logs.WaitFor(10*time.Millisecond, "a=1", "c=3"); ok {
		t.Fatalf("WaitFor found %q, which lacks c=3", line)
	}
	done := make(chan string)
	go func() {
		line, _ := logs.WaitFor(time.Minute, "c=3")
		done <- line
	}()
	if _, err := logs.Write([]byte("x=0 c=3\n")); err != nil {
		t.Fatal(err)
	}
	if line := <-done; line != "x=0 c=3" {
		t.Fatalf("WaitFor for a later line = %q", line)
	}
}
