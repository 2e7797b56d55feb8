package e2e_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/projects"
	"github.com/bunkatopics/bunka-go/internal/projects/postgres"
	"github.com/bunkatopics/bunka-go/internal/projects/sqlite"
	"github.com/bunkatopics/bunka-go/internal/testenv"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// TestProjectFigures measures, on debian_en_10k with the builtin embedder,
// the save and reopen times and the stored size of a 10,000-document
// project on both stores, and the precision@10 of search for a few
// section names. The figures go to docs/BENCHMARKS.md; run it with
//
//	BUNKA_FIGURES=1 go test -run TestProjectFigures -v ./internal/e2e
func TestProjectFigures(t *testing.T) {
	if os.Getenv("BUNKA_FIGURES") == "" {
		t.Skip("set BUNKA_FIGURES=1 to measure")
	}
	ctx := context.Background()
	cols := testenv.DataColumns(t, "debian_en_10k.csv", "text", "label")
	texts, labels := cols[0], cols[1]
	p := pipeline.New(pipeline.Config{Logger: slog.New(slog.DiscardHandler)})
	start := time.Now()
	res, st, err := p.Topics(ctx, pipeline.Input{Texts: texts, Param: topicmap.TopicParam{NClusters: 20}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("topics job: %d docs in %s", len(res.Docs), time.Since(start).Round(time.Millisecond))
	result, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	state, err := st.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		name string
		open func() (projects.Store, error)
	}{
		{"sqlite", func() (projects.Store, error) {
			return sqlite.Open(ctx, filepath.Join(t.TempDir(), "bunka.db"), nil)
		}},
		{"postgres", func() (projects.Store, error) { return postgres.Open(ctx, testenv.PostgresSchema(t), nil) }},
	} {
		ps, err := s.open()
		if err != nil {
			t.Fatal(err)
		}
		u, err := ps.CreateUser(ctx, "bench@example.com", "x")
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		pr, err := ps.CreateProject(ctx, projects.Project{ID: "p", UserID: u.ID, Name: "debian", TaskID: "t",
			DocCount: len(res.Docs), Embedder: st.Embedder}, projects.Data{Result: result, State: state})
		save := time.Since(t0)
		if err != nil {
			t.Fatal(err)
		}
		t0 = time.Now()
		if _, err := ps.Project(ctx, u.ID, "p"); err != nil {
			t.Fatal(err)
		}
		d, err := ps.ProjectData(ctx, "p")
		reopen := time.Since(t0)
		if err != nil || len(d.Result) != len(result) || len(d.State) != len(state) {
			t.Fatalf("reopen: %v", err)
		}
		t.Logf("%s: save %s, reopen %s; result %d B + state %d B raw, %d B stored (zstd)", s.name,
			save.Round(time.Millisecond), reopen.Round(time.Millisecond), len(result), len(state), pr.Size)
		ps.Close()
	}

	// Precision@10 of search for section names: the share of the 10 nearest
	// documents whose label is the section asked for.
	byDoc := make(map[string]string, len(texts))
	for i, tx := range texts {
		byDoc[tx] = labels[i]
	}
	for _, section := range []string{"python", "games", "science", "sound", "database", "fonts"} {
		hits, err := p.Search(ctx, res, st, section, "english", 10)
		if err != nil {
			t.Logf("%s: %v", section, err)
			continue
		}
		good := 0
		for _, h := range hits {
			if strings.EqualFold(byDoc[res.Docs[h.Index].Content], section) {
				good++
			}
		}
		t.Logf("precision@10 %-9s %.1f", section, float64(good)/10)
	}
}
