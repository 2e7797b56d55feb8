package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// TestREADMEUsesRepositoryFiles checks that every file the README's
// commands read (curl's file=@ and -d @, bunka's --csv, --in and
// --embeddings) is in the repository, so that they work in a fresh clone.
func TestREADMEUsesRepositoryFiles(t *testing.T) {
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?:file=@|-d @|--csv |--in |--embeddings )([^\s\]\\'"]+)`)
	found := 0
	for _, m := range re.FindAllStringSubmatch(string(readme), -1) {
		path := m[1]
		found++
		if strings.HasPrefix(path, "..") || filepath.IsAbs(path) {
			t.Errorf("README reads %s, outside the repository", path)
			continue
		}
		if _, err := os.Stat(filepath.Join(root, path)); err != nil {
			t.Errorf("README reads %s: %v", path, err)
		}
	}
	if found < 5 {
		t.Errorf("found %d file arguments in the README; has its form changed?", found)
	}
}

// TestSampleCorpus runs the README's command line on the shipped sample:
// a topic map with the README's default axes, and with its embeddings.
func TestSampleCorpus(t *testing.T) {
	sample := filepath.Join("..", "..", "examples", "sample.csv")
	out := filepath.Join(t.TempDir(), "out.json")
	var stdout, stderr bytes.Buffer
	err := topicsCmd(context.Background(), []string{"--csv", sample, "--column", "text", "--id-column", "doc_id",
		"--embeddings", filepath.Join("..", "..", "examples", "sample.npy"),
		"--bourdieu", "--x-left", "war", "--x-right", "peace", "--y-top", "men", "--y-bottom", "women", "--radius", "0.5",
		"--out", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("bunka topics on the sample: %v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var res topicmap.TopicsResponse
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Docs) != 300 || len(res.Topics) < 5 || res.BourdieuResponse == nil || len(res.BourdieuResponse.Docs) == 0 {
		t.Errorf("sample: %d docs, %d topics, bourdieu %v; want 300 docs, 5 topics or more, a Bourdieu map", len(res.Docs), len(res.Topics), res.BourdieuResponse != nil)
	}
	if res.Docs[0].DocID != "doc-000" && !strings.HasPrefix(res.Docs[0].DocID, "doc-") {
		t.Errorf("doc ids %q, want the sample's doc_id column", res.Docs[0].DocID)
	}
}
