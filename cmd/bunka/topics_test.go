package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/csvdocs"
	"github.com/bunkatopics/bunka-go/internal/npy"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// writeCorpus writes a CSV of 60 documents (one empty row besides) and a
// .npy of one 3-D row per CSV row.
func writeCorpus(t *testing.T) (csvPath, npyPath string) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("id,text\n")
	var rows [][]float32
	for i := 0; i < 61; i++ {
		switch {
		case i == 7:
			fmt.Fprintf(&b, "e%d,\n", i)
			rows = append(rows, []float32{0, 0, 1})
		case i%2 == 0:
			fmt.Fprintf(&b, "w%d,\"The army won the battle, war number %d.\"\n", i, i)
			rows = append(rows, []float32{1, float32(i) / 100, 0})
		default:
			fmt.Fprintf(&b, "p%d,\"The treaty brought peace to the garden, number %d.\"\n", i, i)
			rows = append(rows, []float32{float32(i) / 100, 1, 0})
		}
	}
	csvPath = filepath.Join(dir, "docs.csv")
	if err := os.WriteFile(csvPath, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	npyPath = filepath.Join(dir, "emb.npy")
	f, err := os.Create(npyPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := npy.Write(f, rows); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return csvPath, npyPath
}

func TestTopicsCommand(t *testing.T) {
	csvPath, npyPath := writeCorpus(t)
	out := filepath.Join(t.TempDir(), "out.json")
	var stdout, stderr bytes.Buffer
	err := topicsCmd(context.Background(), []string{"--csv", csvPath, "--id-column", "id", "--embeddings", npyPath,
		"--n-clusters", "2", "--language", "english", "--out", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var res topicmap.TopicsResponse
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Docs) != 60 || len(res.Topics) != 2 || res.Docs[0].DocID != "w0" {
		t.Errorf("%d docs (first %q), %d topics", len(res.Docs), res.Docs[0].DocID, len(res.Topics))
	}
	// The pre-computed embeddings split war from peace exactly.
	topicOf := map[byte]string{}
	for _, d := range res.Docs {
		kind := d.DocID[0]
		if id, ok := topicOf[kind]; ok && id != *d.TopicID {
			t.Errorf("%s in %s, other %c documents in %s", d.DocID, *d.TopicID, kind, id)
		}
		topicOf[kind] = *d.TopicID
	}
	if topicOf['w'] == topicOf['p'] {
		t.Errorf("war and peace in one topic %s", topicOf['w'])
	}
	if !strings.Contains(stderr.String(), "[100.0%] done") {
		t.Errorf("no progress on stderr:\n%s", stderr.String())
	}
}

func TestTopicsCommandErrors(t *testing.T) {
	csvPath, npyPath := writeCorpus(t)
	var stdout, stderr bytes.Buffer
	err := topicsCmd(context.Background(), []string{"--csv", csvPath, "--column", "body"}, &stdout, &stderr)
	if !errors.Is(err, csvdocs.ErrColumnNotFound) || !strings.Contains(err.Error(), `"id" "text"`) {
		t.Errorf("missing column: %v", err)
	}
	err = topicsCmd(context.Background(), []string{"--csv", csvPath, "--embeddings", npyPath, "--limit", "10"}, &stdout, &stderr)
	if !errors.Is(err, csvdocs.ErrTooManyRows) {
		t.Errorf("limit: %v", err)
	}
	if err := topicsCmd(context.Background(), []string{"--column", "text"}, &stdout, &stderr); err == nil {
		t.Error("no --csv: no error")
	}
}
