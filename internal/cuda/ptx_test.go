package cuda

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPTXUpToDate checks that every kernel source has its PTX, generated
// from the source as it is now (the sha256 in the PTX's first line), and
// that every PTX has its source: run `go generate ./internal/cuda` after
// editing a .cu file.
func TestPTXUpToDate(t *testing.T) {
	cus, err := filepath.Glob("*.cu")
	if err != nil {
		t.Fatal(err)
	}
	if len(cus) == 0 {
		t.Fatal("no .cu files")
	}
	for _, cu := range cus {
		src, err := os.ReadFile(cu)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(src)
		ptxName := strings.TrimSuffix(cu, ".cu") + ".ptx"
		ptx, err := os.ReadFile(ptxName)
		if err != nil {
			t.Errorf("%s has no PTX (go generate ./internal/cuda): %v", cu, err)
			continue
		}
		first, _, _ := strings.Cut(string(ptx), "\n")
		if !strings.Contains(first, "sha256 "+hex.EncodeToString(sum[:])) {
			t.Errorf("%s changed since %s was generated: run go generate ./internal/cuda (first line: %q)", cu, ptxName, first)
		}
	}
	ptxs, err := filepath.Glob("*.ptx")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ptxs {
		if _, err := os.Stat(strings.TrimSuffix(p, ".ptx") + ".cu"); err != nil {
			t.Errorf("%s has no source: %v", p, err)
		}
	}
}

func TestOpenNotBuilt(t *testing.T) {
	if Built {
		t.Skip("built with the cuda tag")
	}
	if _, err := Open(); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Open() error = %v, want ErrNotBuilt", err)
	}
}
