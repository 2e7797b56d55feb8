//go:build cgo

package onnx

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/csvdocs"
	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// TestPipeline runs a topics job, its Bourdieu map and a refresh in another
// "process" (a second embedder and a State read back from bytes) with the
// fixture model behind the pipeline's Embedder seam.
func TestPipeline(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "..", "shared", "data", "tweets_463.csv"))
	if err != nil {
		t.Skipf("data set not present: %v", err)
	}
	defer f.Close()
	texts, err := csvdocs.Read(f, "text", 0)
	if err != nil {
		t.Fatal(err)
	}
	texts = texts[:150]
	e := newTiny(t, Options{BatchSize: 16})
	p := pipeline.New(pipeline.Config{Embedder: e, Logger: quiet})
	param := topicmap.DefaultTopicParam()
	param.NClusters = 5
	param.CleanTopics = false
	q := topicmap.DefaultBourdieuQuery()
	var pcts []float64
	embedding := 0
	res, st, err := p.Topics(context.Background(), pipeline.Input{Texts: texts, Param: param, Bourdieu: &q}, func(stage string, pct float64) {
		pcts = append(pcts, pct)
		if stage == pipeline.StageEmbedding {
			embedding++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// 150 texts in batches of 16: the progress moves with the batches,
	// inside an embedding stage of about 90% of the run.
	if embedding < 8 || !slices.IsSorted(pcts) || pcts[len(pcts)-1] != 100 {
		t.Errorf("%d reports in the embedding stage, percentages %v: want one a batch, non-decreasing up to 100", embedding, pcts)
	}
	if len(res.Docs) != len(texts) || len(res.Topics) != 5 || res.BourdieuResponse == nil {
		t.Fatalf("%d docs, %d topics, bourdieu %v", len(res.Docs), len(res.Topics), res.BourdieuResponse != nil)
	}
	if st.Embedder != "onnx:tinybert" || len(st.Embeddings) != len(texts) || len(st.Embeddings[0]) != 32 {
		t.Fatalf("state: embedder %q, %d embeddings", st.Embedder, len(st.Embeddings))
	}
	data, err := st.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var st2 pipeline.State
	if err := st2.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	e2 := newTiny(t, Options{})
	q2 := topicmap.BourdieuQuery{XLeftWords: []string{"people"}, XRightWords: []string{"world"}, YTopWords: []string{"love"}, YBottomWords: []string{"war"}, RadiusSize: 0.2}
	br, err := pipeline.New(pipeline.Config{Embedder: e2, Logger: quiet}).Refresh(context.Background(), res, &st2, q2, param)
	if err != nil {
		t.Fatal(err)
	}
	if len(br.Docs) == 0 {
		t.Error("refresh kept no documents")
	}
}
