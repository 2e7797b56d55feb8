package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/npy"
)

func writeNPY(t *testing.T, rows [][]float32) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.npy")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := npy.Write(f, rows); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProject(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	rows := make([][]float32, 60)
	for i := range rows {
		rows[i] = make([]float32, 5)
		for j := range rows[i] {
			rows[i][j] = float32(rng.NormFloat64()) + float32(i%3)*10
		}
	}
	in := writeNPY(t, rows)
	out := filepath.Join(t.TempDir(), "coords.csv")
	var stdout, stderr bytes.Buffer
	err := project(context.Background(), []string{"--in", in, "--out", out, "--epochs", "30", "--metric", "cosine", "--seed", "3"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v (stderr %s)", err, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("stdout %q: %v", stdout.String(), err)
	}
	if rep["n"] != 60.0 || rep["dim"] != 5.0 || rep["seconds"] == nil || rep["metric"] != "cosine" {
		t.Errorf("report %v", rep)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "x,y" || len(lines) != 61 || strings.Count(lines[1], ",") != 1 {
		t.Errorf("CSV starts %q and has %d lines", lines[:2], len(lines))
	}
}

func TestProjectErrors(t *testing.T) {
	nan := writeNPY(t, [][]float32{{0, 0}, {1, 1}, {2, float32(0) / func() float32 { return 0 }()}})
	noRows := writeNPY(t, nil)
	noCols := writeNPY(t, [][]float32{{}, {}})
	truncated := filepath.Join(t.TempDir(), "t.npy")
	if b, err := os.ReadFile(writeNPY(t, [][]float32{{1, 2}, {3, 4}})); err != nil {
		t.Fatal(err)
	} else if err := os.WriteFile(truncated, b[:len(b)-4], 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "c.csv")
	for _, tc := range []struct {
		desc string
		args []string
		want string
	}{
		{"no flags", nil, "--in"},
		{"bad metric", []string{"--in", nan, "--out", out, "--metric", "manhattan"}, "metric"},
		{"missing file", []string{"--in", "/nonexistent.npy", "--out", out}, "nonexistent"},
		{"NaN row", []string{"--in", nan, "--out", out}, "row 2"},
		{"no rows", []string{"--in", noRows, "--out", out}, "no rows"},
		{"no columns", []string{"--in", noCols, "--out", out}, "no columns"},
		{"truncated", []string{"--in", truncated, "--out", out}, "truncated file: shape (2, 2) of <f4 needs 16 bytes of data, the file has 12"},
	} {
		var stdout, stderr bytes.Buffer
		err := project(context.Background(), tc.args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.desc, err, tc.want)
		}
	}
}
