package worker

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// The result is written one document at a time into the store's
// compressor: the bytes must be json.Marshal's of the result without
// embeddings, for both result types, with and without documents.
func TestWriteClientJSONIsMarshal(t *testing.T) {
	docs := func(n int) []topicmap.Document {
		ds := make([]topicmap.Document, n)
		for i := range ds {
			x, y := float64(i)/3, -float64(i)
			tid := fmt.Sprint("bt-", i%3)
			ds[i] = topicmap.Document{DocID: fmt.Sprint("d", i), Content: fmt.Sprintf("text <%d> & \"quoted\" é", i),
				X: &x, Y: &y, TopicID: &tid, TermID: []string{"a", "b"}, Embedding: []float32{1, 2},
				Metadata: map[string]any{"k": i}}
		}
		return ds
	}
	q := topicmap.BourdieuQuery{XLeftWords: []string{"war"}, XRightWords: []string{"peace"}}
	for _, tc := range []struct {
		desc string
		res  func() any
	}{
		{"topics", func() any {
			return &topicmap.TopicsResponse{Docs: docs(50), Topics: []topicmap.Topic{{TopicID: "bt-0", Name: "a | b"}},
				BourdieuResponse: &topicmap.BourdieuResponse{Docs: docs(4), Topics: []topicmap.Topic{}, Query: q},
				Terms:            []topicmap.Term{{TermID: "a"}}}
		}},
		{"topics without documents", func() any {
			return &topicmap.TopicsResponse{Docs: []topicmap.Document{}, Topics: []topicmap.Topic{}}
		}},
		{"topics with nil documents", func() any { return &topicmap.TopicsResponse{} }},
		{"bourdieu", func() any {
			return &topicmap.BourdieuResponse{Docs: docs(7), Topics: []topicmap.Topic{}, Query: q}
		}},
	} {
		want := tc.res()
		switch r := want.(type) {
		case *topicmap.TopicsResponse:
			noEmbeddings(r.Docs)
			if r.BourdieuResponse != nil {
				noEmbeddings(r.BourdieuResponse.Docs)
			}
			if r.Docs == nil {
				r.Docs = []topicmap.Document{} // written as [] rather than null
			}
		case *topicmap.BourdieuResponse:
			noEmbeddings(r.Docs)
		}
		wantJSON, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := clientJSON(tc.res())
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if !bytes.Equal(got, wantJSON) {
			t.Errorf("%s: clientJSON\n%s\nwant json.Marshal's\n%s", tc.desc, got, wantJSON)
		}
		compressed, _, err := marshalResult(jobResult{res: tc.res()})
		if err != nil {
			t.Fatal(err)
		}
		d, err := zstd.NewReader(bytes.NewReader(compressed))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(d)
		d.Close()
		if err != nil || !bytes.Equal(plain, wantJSON) {
			t.Errorf("%s: marshalResult decompresses to %d bytes (%v), want json.Marshal's %d", tc.desc, len(plain), err, len(wantJSON))
		}
	}
}
