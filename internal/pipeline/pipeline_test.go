package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bunkatopics/bunka-go/internal/csvdocs"
	"github.com/bunkatopics/bunka-go/internal/device"
	"github.com/bunkatopics/bunka-go/internal/embed"
	"github.com/bunkatopics/bunka-go/internal/testenv"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// wordEmbedder embeds a text as the normalised sum of its known words'
// vectors; unknown texts get a zero vector.
type wordEmbedder struct{ vocab map[string][]float32 }

var (
	_ embed.Embedder = wordEmbedder{}
	_ embed.Space    = wordEmbedder{}
)

func (e wordEmbedder) Name() string { return "words" }
func (e wordEmbedder) Dim() int     { return 4 }

func (e wordEmbedder) vec(text string) ([]float32, bool) {
	v := make([]float32, e.Dim())
	for _, w := range strings.Fields(strings.ToLower(text)) {
		for i, x := range e.vocab[strings.Trim(w, ".,!")] {
			v[i] += x
		}
	}
	return v, vecmath.Normalize(v)
}

func (e wordEmbedder) EmbedDocuments(_ context.Context, texts []string) ([][]float32, embed.Space, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i], _ = e.vec(t)
	}
	return out, e, nil
}

func (e wordEmbedder) EmbedQueries(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v, ok := e.vec(t)
		if !ok {
			return nil, fmt.Errorf("words: %q: %w", t, embed.ErrUnknownText)
		}
		out[i] = v
	}
	return out, nil
}

func (e wordEmbedder) MarshalBinary() ([]byte, error)          { return []byte("words"), nil }
func (e wordEmbedder) LoadSpace(b []byte) (embed.Space, error) { return e, nil }

var words = wordEmbedder{vocab: map[string][]float32{
	"war": {1, 0, 0, 0}, "army": {0.9, 0, 0.1, 0}, "battle": {0.9, 0, 0, 0.1},
	"peace": {0, 1, 0, 0}, "treaty": {0, 0.9, 0.1, 0}, "garden": {0, 0.9, 0, 0.1},
	"men": {0, 0, 1, 0}, "women": {0, 0, 0, 1},
}}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// warPeaceInput is 60 short English documents, half about war, half about peace.
func warPeaceInput(nClusters int) Input {
	var texts []string
	for i := 0; i < 30; i++ {
		texts = append(texts, fmt.Sprintf("The army won the battle of the war number %d in the valley.", i))
		texts = append(texts, fmt.Sprintf("The treaty brought peace to the garden of the city number %d.", i))
	}
	p := topicmap.DefaultTopicParam()
	p.NClusters = nClusters
	return Input{Texts: texts, Param: p}
}

func TestInputErrors(t *testing.T) {
	p := New(Config{Embedder: words, Logger: quiet()})
	ok := warPeaceInput(2)
	tests := []struct {
		desc   string
		mutate func(in *Input)
	}{
		{"no documents", func(in *Input) { in.Texts = nil }},
		{"all empty", func(in *Input) { in.Texts = []string{"", "  ", "\n"} }},
		{"more clusters than documents", func(in *Input) { in.Param.NClusters = 61 }},
		{"invalid UTF-8", func(in *Input) { in.Texts = slices.Clone(in.Texts); in.Texts[3] = "bad \xff byte" }},
		{"ids of another length", func(in *Input) { in.IDs = []string{"a"} }},
		{"embeddings of another length", func(in *Input) { in.Embeddings = [][]float32{{1}} }},
		{"negative n_clusters", func(in *Input) { in.Param.NClusters = -1 }},
		{"empty axis", func(in *Input) { q := topicmap.DefaultBourdieuQuery(); q.YTopWords = nil; in.Bourdieu = &q }},
		{"unknown axis word", func(in *Input) {
			q := topicmap.DefaultBourdieuQuery()
			q.XLeftWords = []string{"zzyzx"}
			in.Bourdieu = &q
		}},
	}
	for _, tc := range tests {
		in := ok
		tc.mutate(&in)
		var err error
		if in.Bourdieu != nil {
			_, err = p.Bourdieu(context.Background(), in, nil)
		} else {
			_, _, err = p.Topics(context.Background(), in, nil)
		}
		if !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: got %v, want an error wrapping ErrInvalidInput", tc.desc, err)
		}
	}
	if _, err := p.Bourdieu(context.Background(), ok, nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("Bourdieu without a query: got %v", err)
	}
}

func TestTopicsKeepsMapOnUnplaceableQuery(t *testing.T) {
	// A topics job whose Bourdieu axes the embedder cannot place keeps its
	// topic map and gives an empty Bourdieu map with the query, never
	// null; a Bourdieu job fails.
	p := New(Config{Embedder: words, Logger: quiet()})
	in := warPeaceInput(2)
	q := topicmap.DefaultBourdieuQuery()
	q.XLeftWords = []string{"zzyzx"}
	in.Bourdieu = &q
	resp, st, err := p.Topics(context.Background(), in, nil)
	if err != nil {
		t.Fatalf("Topics: %v", err)
	}
	br := resp.BourdieuResponse
	if br == nil || br.Docs == nil || br.Topics == nil || len(br.Docs) != 0 || len(br.Topics) != 0 ||
		!slices.Equal(br.Query.XLeftWords, []string{"zzyzx"}) || br.Query.RadiusSize != q.RadiusSize {
		t.Errorf("bourdieu_response = %+v, want the query with empty docs and topics", br)
	}
	if len(resp.Docs) != len(in.Texts) || len(resp.Topics) == 0 || st == nil {
		t.Errorf("topic map lost: %d docs, %d topics, state %v", len(resp.Docs), len(resp.Topics), st != nil)
	}
	if _, err := p.Bourdieu(context.Background(), in, nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("Bourdieu: got %v, want ErrInvalidInput", err)
	}
}

func TestTopicsWithoutQueryNotNull(t *testing.T) {
	// A topics job that asked for no Bourdieu map (process_bourdieu=false,
	// or POST /topics/ without a query) gives the empty map of the empty
	// query: never null, and every list [] rather than null, as the
	// original frontend's Bourdieu view needs.
	p := New(Config{Embedder: words, Logger: quiet()})
	resp, _, err := p.Topics(context.Background(), warPeaceInput(2), nil)
	if err != nil {
		t.Fatalf("Topics: %v", err)
	}
	b, err := json.Marshal(resp.BourdieuResponse)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"docs":[],"topics":[],"query":{"x_left_words":[],"x_right_words":[],"y_top_words":[],"y_bottom_words":[],"radius_size":0}}`
	if string(b) != want {
		t.Errorf("bourdieu_response = %s, want %s", b, want)
	}
}

func TestNoSharedWords(t *testing.T) {
	// The builtin embedder needs words found in at least two documents.
	param := topicmap.DefaultTopicParam()
	param.NClusters = 2
	_, _, err := New(Config{Logger: quiet()}).Topics(context.Background(),
		Input{Texts: []string{"alpha", "beta", "gamma", "delta"}, Param: param}, nil)
	if !errors.Is(err, ErrInvalidInput) {
		t.Errorf("got %v, want an error wrapping ErrInvalidInput", err)
	}
}

func TestPrepareIDs(t *testing.T) {
	in := Input{
		Texts: []string{"a", "b", "", "c", "d"},
		IDs:   []string{"1", "1", "2", "3", "2"},
		Param: topicmap.TopicParam{NClusters: 1},
	}
	j, err := prepare(in, 42)
	if err != nil {
		t.Fatal(err)
	}
	// "1" twice: the first kept; "2" first with an empty text: dropped,
	// and its repeat with it, as pandas drops duplicates before NaNs.
	var got []string
	for _, d := range j.docs {
		got = append(got, d.DocID+"="+d.Content)
	}
	if want := []string{"1=a", "3=c"}; !slices.Equal(got, want) {
		t.Errorf("docs %q, want %q", got, want)
	}
	if j.dropped != 1 || j.duplicates != 2 {
		t.Errorf("dropped %d duplicates %d, want 1 and 2", j.dropped, j.duplicates)
	}
}

func TestGeneratedIDs(t *testing.T) {
	texts := make([]string, 1000)
	for i := range texts {
		texts[i] = fmt.Sprintf("text %d", i%300) // repeated texts too
	}
	ids := generateIDs(texts, 42)
	if len(ids[0]) != 20 || ids[0][8] != '-' || ids[0][14] != '4' || !slices.Equal(ids, generateIDs(slices.Clone(texts), 42)) {
		t.Errorf("generated id %q (want uuid4 shape, 20 chars, the same for the same data and seed)", ids[0])
	}
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		t.Error("generated ids repeat")
	}
	if other := generateIDs(texts, 43); other[0] == ids[0] {
		t.Error("ids do not depend on the seed")
	}
	// Another dataset, even one differing only in its last text, gets
	// other ids from the first one on.
	changed := slices.Clone(texts)
	changed[len(changed)-1] += "!"
	if other := generateIDs(changed, 42); other[0] == ids[0] {
		t.Errorf("two datasets share their first id %q", ids[0])
	}
	if other := generateIDs([]string{"a", "b"}, 42); other[0] == generateIDs([]string{"c", "d"}, 42)[0] {
		t.Error("two small datasets share their first id")
	}
}

func TestBourdieuSign(t *testing.T) {
	p := New(Config{Embedder: words, Logger: quiet()})
	in := warPeaceInput(2)
	q := topicmap.DefaultBourdieuQuery()
	in.Bourdieu = &q
	res, err := p.Bourdieu(context.Background(), in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Docs) != 60 {
		t.Errorf("kept %d documents, want 60", len(res.Docs))
	}
	for _, d := range res.Docs {
		war := strings.Contains(d.Content, "war")
		if war && *d.X <= 0 || !war && *d.X >= 0 {
			t.Errorf("%q at x = %v: wrong side", d.Content, *d.X)
		}
	}
	if len(res.Topics) != 2 {
		t.Fatalf("got %d topics, want 2", len(res.Topics))
	}
}

func TestPrecomputedEmbeddings(t *testing.T) {
	p := New(Config{Embedder: words, Logger: quiet()})
	in := warPeaceInput(2)
	for _, txt := range in.Texts {
		v, _ := words.vec(txt)
		in.Embeddings = append(in.Embeddings, v)
	}
	q := topicmap.DefaultBourdieuQuery()
	in.Bourdieu = &q
	res, st, err := p.Topics(context.Background(), in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Embeddings) != 60 || st.Embedder != "words" || res.BourdieuResponse == nil {
		t.Errorf("state %q with %d rows, bourdieu %v", st.Embedder, len(st.Embeddings), res.BourdieuResponse != nil)
	}
	in.Embeddings[5] = []float32{1, 2}
	if _, _, err := p.Topics(context.Background(), in, nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("ragged embeddings: got %v", err)
	}
}

type fakeNamer struct{ err error }

func (n fakeNamer) NameTopics(_ context.Context, tps []topicmap.Topic, language string) (map[string]string, error) {
	if n.err != nil {
		return nil, n.err
	}
	return map[string]string{tps[0].TopicID: "Renamed in " + language}, nil
}

func TestNamer(t *testing.T) {
	in := warPeaceInput(2)
	in.Param.Language = "english"
	res, _, err := New(Config{Embedder: words, Logger: quiet(), Namer: fakeNamer{}}).Topics(context.Background(), in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Topics[0].Name != "Renamed in english" || strings.HasPrefix(res.Topics[1].Name, "Renamed") {
		t.Errorf("names %q, %q", res.Topics[0].Name, res.Topics[1].Name)
	}
	res, _, err = New(Config{Embedder: words, Logger: quiet(), Namer: fakeNamer{err: errors.New("down")}}).Topics(context.Background(), in, nil)
	if err != nil || strings.HasPrefix(res.Topics[0].Name, "Renamed") || res.Topics[0].Name == "" {
		t.Errorf("failing namer: err %v, name %q", err, res.Topics[0].Name)
	}
	in.Param.CleanTopics = false
	res, _, _ = New(Config{Embedder: words, Logger: quiet(), Namer: fakeNamer{}}).Topics(context.Background(), in, nil)
	if strings.HasPrefix(res.Topics[0].Name, "Renamed") {
		t.Error("namer used without clean_topics")
	}
}

func TestStateBinary(t *testing.T) {
	st := &State{Embedder: "builtin", Space: []byte{1, 2, 3}, Embeddings: [][]float32{{1, -2.5, 3}, {0, 1e-30, -0}}}
	b, err := st.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got State
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if got.Embedder != st.Embedder || !bytes.Equal(got.Space, st.Space) || len(got.Embeddings) != 2 ||
		!slices.Equal(got.Embeddings[0], st.Embeddings[0]) || !slices.Equal(got.Embeddings[1], st.Embeddings[1]) {
		t.Errorf("round trip: got %+v", got)
	}
	for _, bad := range [][]byte{nil, []byte("BKS"), []byte("XXXX"), b[:len(b)-1], append(slices.Clone(b), 0)} {
		if err := new(State).UnmarshalBinary(bad); !errors.Is(err, ErrBadState) {
			t.Errorf("%q: got %v, want ErrBadState", bad, err)
		}
	}
	if _, err := (&State{Embeddings: [][]float32{{1}, {1, 2}}}).MarshalBinary(); err == nil {
		t.Error("ragged rows: no error")
	}
	empty, _ := (&State{}).MarshalBinary()
	if err := got.UnmarshalBinary(empty); err != nil || got.Embeddings != nil {
		t.Errorf("empty state: %v %+v", err, got)
	}
}

func FuzzStateUnmarshal(f *testing.F) {
	good, _ := (&State{Embedder: "builtin", Space: []byte{9}, Embeddings: [][]float32{{1, 2}, {3, 4}}}).MarshalBinary()
	f.Add(good)
	f.Add([]byte("BKS\x01\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\x7f\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var st State
		if err := st.UnmarshalBinary(b); err != nil {
			return
		}
		again, err := st.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var st2 State
		if err := st2.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-encoded state: %v", err)
		}
		if st2.Embedder != st.Embedder || !bytes.Equal(st2.Space, st.Space) || len(st2.Embeddings) != len(st.Embeddings) {
			t.Errorf("round trip of a decoded state differs")
		}
	})
}

func TestProgress(t *testing.T) {
	var mu sync.Mutex
	var stages []string
	var pcts []float64
	f := func(s string, pct float64) {
		mu.Lock()
		defer mu.Unlock()
		stages = append(stages, s)
		pcts = append(pcts, pct)
	}
	in := warPeaceInput(2)
	q := topicmap.DefaultBourdieuQuery()
	in.Bourdieu = &q
	if _, _, err := New(Config{Embedder: words, Logger: quiet()}).Topics(context.Background(), in, f); err != nil {
		t.Fatal(err)
	}
	if !slices.IsSorted(pcts) || pcts[len(pcts)-1] != 100 {
		t.Errorf("percentages %v: want non-decreasing up to 100", pcts)
	}
	want := []string{StageLanguage, StageEmbedding, StageProjection, StageTerms, StageTopics, StageBourdieu, StageDone}
	if got := slices.Compact(slices.Clone(stages)); !slices.Equal(got, want) {
		t.Errorf("stages %q, want %q", got, want)
	}
}

// progressWords is words reporting the given fractions while it embeds.
type progressWords struct {
	wordEmbedder
	reports []float64
}

var _ embed.ProgressEmbedder = progressWords{}

func (e progressWords) EmbedDocumentsProgress(ctx context.Context, texts []string, progress func(float64)) ([][]float32, embed.Space, error) {
	for _, f := range e.reports {
		progress(f)
	}
	return e.EmbedDocuments(ctx, texts)
}

// stageReport is one call of a ProgressFunc.
type stageReport struct {
	stage string
	pct   float64
}

func recordProgress() (ProgressFunc, func() []stageReport) {
	var mu sync.Mutex
	var got []stageReport
	return func(s string, pct float64) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, stageReport{s, pct})
		}, func() []stageReport {
			mu.Lock()
			defer mu.Unlock()
			return slices.Clone(got)
		}
}

// TestProgressWithinEmbedding: an embed.ProgressEmbedder's reports move
// the progress inside the embedding stage, whose share depends on the
// embedder.
func TestProgressWithinEmbedding(t *testing.T) {
	for _, tc := range []struct {
		desc     string
		e        embed.Embedder
		dev      device.Device
		weights  map[string]float64
		fraction []float64 // within embedding, reported after its start
	}{
		{"model embedder", progressWords{words, []float64{0.1, 0.25, 0.5, 0.75, 1}}, "", modelWeights, []float64{0.1, 0.25, 0.5, 0.75, 1}},
		{"reports closer than half a percent are merged", progressWords{words, []float64{0.001, 0.002, 0.5}}, device.CPU, modelWeights, []float64{0.5, 1}},
		{"plain embedder", words, device.CPU, modelWeights, []float64{1}},
		{"on a GPU", words, device.CUDA, builtinWeights, []float64{1}},
		{"builtin", nil, device.CPU, builtinWeights, nil},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			f, reports := recordProgress()
			in := warPeaceInput(2)
			if _, _, err := New(Config{Embedder: tc.e, Devices: Devices{Embedding: tc.dev}, Logger: quiet()}).Topics(context.Background(), in, f); err != nil {
				t.Fatal(err)
			}
			got := reports()
			var pcts []float64
			var emb []float64
			for _, r := range got {
				pcts = append(pcts, r.pct)
				if r.stage == StageEmbedding {
					emb = append(emb, r.pct)
				}
			}
			if !slices.IsSorted(pcts) || pcts[len(pcts)-1] != 100 {
				t.Errorf("percentages %v: want non-decreasing up to 100", pcts)
			}
			var total float64
			for _, s := range []string{StageLanguage, StageEmbedding, StageProjection, StageTerms, StageTopics} {
				total += tc.weights[s]
			}
			start := 100 * tc.weights[StageLanguage] / total
			width := 100 * tc.weights[StageEmbedding] / total
			if len(emb) == 0 || math.Abs(emb[0]-start) > 1e-9 {
				t.Fatalf("embedding reports %v: want the first at %.3f", emb, start)
			}
			if tc.fraction == nil {
				// The builtin embedder reports its own steps.
				if len(emb) < 3 || emb[len(emb)-1] < start+width-1e-9 {
					t.Errorf("builtin embedding reports %v: want its steps, up to %.3f", emb, start+width)
				}
				return
			}
			var want []float64
			for _, fr := range tc.fraction {
				want = append(want, start+fr*width)
			}
			if diff := cmp.Diff(want, emb[1:], cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("embedding reports after its start (-want +got):\n%s", diff)
			}
		})
	}
}

// tweets reads the shared test corpus, or skips.
func tweets(t *testing.T) []string {
	f, err := os.Open(testenv.DataFile(t, "tweets_463.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	texts, err := csvdocs.Read(f, "text", 0)
	if err != nil {
		t.Fatal(err)
	}
	return texts
}

// tweetQuery is a Bourdieu query whose words the builtin embedder knows
// from the tweets.
var tweetQuery = topicmap.BourdieuQuery{
	XLeftWords: []string{"china", "trade"}, XRightWords: []string{"obama"},
	YTopWords: []string{"hillary"}, YBottomWords: []string{"america"},
	RadiusSize: 0.1,
}

func TestTweets(t *testing.T) {
	texts := tweets(t)
	p := New(Config{Logger: quiet()})
	param := topicmap.DefaultTopicParam()
	param.NClusters = 5
	q := tweetQuery
	in := Input{Texts: texts, Param: param, Bourdieu: &q}
	res, st, err := p.Topics(context.Background(), in, nil)
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("deterministic", func(t *testing.T) {
		res2, _, err := p.Topics(context.Background(), in, nil)
		if err != nil {
			t.Fatal(err)
		}
		js2, _ := json.Marshal(res2)
		if !bytes.Equal(js, js2) {
			t.Error("two runs gave different JSON")
		}
	})

	t.Run("names are noun terms", func(t *testing.T) {
		known := map[string]bool{}
		for _, tm := range res.Terms {
			known[tm.TermID] = true
		}
		if len(res.Topics) == 0 {
			t.Fatal("no topics")
		}
		for _, tp := range res.Topics {
			t.Logf("%s (%d): %s", tp.TopicID, *tp.Size, tp.Name)
			parts := strings.Split(tp.Name, " | ")
			if len(parts) == 0 || len(parts) > param.NameLength {
				t.Errorf("%s: name %q", tp.TopicID, tp.Name)
			}
			for _, w := range parts {
				if !known[w] || !slices.Contains(tp.TermID, w) || strings.ContainsAny(w, " 0123456789") {
					t.Errorf("%s: name part %q is not one of its noun terms", tp.TopicID, w)
				}
			}
		}
	})

	t.Run("JSON fields", func(t *testing.T) {
		var v any
		if err := json.Unmarshal(js, &v); err != nil {
			t.Fatal(err)
		}
		checkKeys(t, "TopicsResponse", v, topicsResponseKeys)
		top := v.(map[string]any)
		if top["bourdieu_response"] == nil {
			t.Fatal("no bourdieu_response")
		}
		for _, d := range top["docs"].([]any) {
			dm := d.(map[string]any)
			if dm["embedding"] != nil || dm["term_id"] == nil || dm["bourdieu_dimensions"] == nil {
				t.Fatalf("document %v: want embedding null, term_id and bourdieu_dimensions lists", dm["doc_id"])
			}
		}
	})

	t.Run("refresh reproduces the map", func(t *testing.T) {
		var prev topicmap.TopicsResponse
		if err := json.Unmarshal(js, &prev); err != nil {
			t.Fatal(err)
		}
		b, err := st.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var st2 State
		if err := st2.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		got, err := p.Refresh(context.Background(), &prev, &st2, q, param)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.BourdieuResponse.Topics) == 0 {
			t.Error("the Bourdieu map has no topic")
		}
		want, _ := json.Marshal(res.BourdieuResponse)
		gotJS, _ := json.Marshal(got)
		if !bytes.Equal(gotJS, want) {
			t.Errorf("refresh differs from the fresh map (%d vs %d bytes)", len(gotJS), len(want))
		}
		alone, err := p.Bourdieu(context.Background(), in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if aloneJS, _ := json.Marshal(alone); !bytes.Equal(aloneJS, want) {
			t.Errorf("Bourdieu alone differs from the map of Topics (%d vs %d bytes)", len(aloneJS), len(want))
		}
		q2 := q
		q2.XRightWords = nil
		if _, err := p.Refresh(context.Background(), &prev, &st2, q2, param); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("empty axis: got %v", err)
		}
		q2.XRightWords = []string{"жжжж"} // no character n-gram in common with the corpus
		if _, err := p.Refresh(context.Background(), &prev, &st2, q2, param); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("unknown word: got %v", err)
		}
	})
}

// The JSON fields of the original's models (bunkatopics/datamodel.py,
// api/bunka_api/datamodel.py): object keys, and the keys of nested objects
// by field name.
type keySet struct {
	keys   []string
	nested map[string]*keySet // for objects, or lists of objects
}

var (
	continuumKeys    = &keySet{keys: []string{"id", "left_words", "right_words"}}
	bourdieuDimKeys  = &keySet{keys: []string{"continuum", "distance"}, nested: map[string]*keySet{"continuum": continuumKeys}}
	topicRankingKeys = &keySet{keys: []string{"topic_id", "rank"}}
	documentKeys     = &keySet{
		keys: []string{"doc_id", "content", "size", "x", "y", "topic_id", "topic_ranking", "term_id",
			"embedding", "bourdieu_dimensions", "metadata"},
		nested: map[string]*keySet{"topic_ranking": topicRankingKeys, "bourdieu_dimensions": bourdieuDimKeys},
	}
	topicKeys = &keySet{
		keys: []string{"topic_id", "name", "lemma_name", "term_id", "x_centroid", "y_centroid", "size",
			"top_doc_id", "top_doc_content", "top_term_id", "convex_hull"},
		nested: map[string]*keySet{"convex_hull": {keys: []string{"x_coordinates", "y_coordinates"}}},
	}
	termKeys           = &keySet{keys: []string{"term_id", "lemma", "ent", "ngrams", "count_terms"}}
	queryKeys          = &keySet{keys: []string{"x_left_words", "x_right_words", "y_top_words", "y_bottom_words", "radius_size"}}
	bourdieuKeys       = &keySet{keys: []string{"docs", "topics", "query"}, nested: map[string]*keySet{"docs": documentKeys, "topics": topicKeys, "query": queryKeys}}
	topicsResponseKeys = &keySet{
		keys:   []string{"docs", "topics", "bourdieu_response", "terms"},
		nested: map[string]*keySet{"docs": documentKeys, "topics": topicKeys, "bourdieu_response": bourdieuKeys, "terms": termKeys},
	}
)

func checkKeys(t *testing.T, path string, v any, ks *keySet) {
	t.Helper()
	switch x := v.(type) {
	case nil:
	case []any:
		for i, e := range x {
			checkKeys(t, fmt.Sprintf("%s[%d]", path, i), e, ks)
			if i > 50 {
				break
			}
		}
	case map[string]any:
		var got []string
		for k := range x {
			got = append(got, k)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(ks.keys))
		if !slices.Equal(got, want) {
			t.Fatalf("%s: keys %q, want %q", path, got, want)
		}
		for k, sub := range ks.nested {
			checkKeys(t, path+"."+k, x[k], sub)
		}
	default:
		t.Fatalf("%s: a %T, want an object", path, v)
	}
}

// TestFrontendDefaultAxes: a topics job as the original frontend sends it
// (web/src/QueryView.jsx: 15 clusters, name length 3, min count 1, radius
// 0.5, x past/future, y positive/negative, in English or French) draws a
// Bourdieu map with documents and topics on the tweets and on the French
// Debian descriptions of examples/. Before the radius kept at least the
// documents that the topics need, both maps were empty (10 of the 463
// tweets lay outside the radius), and the frontend's Bourdieu view showed
// bare axes.
func TestFrontendDefaultAxes(t *testing.T) {
	french, err := os.Open(filepath.Join("..", "..", "examples", "debian_fr_1k.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer french.Close()
	frenchTexts, err := csvdocs.Read(french, "text", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, language string
		texts          []string
	}{
		{"tweets", "english", tweets(t)},
		{"debian_fr_1k", "french", frenchTexts},
	} {
		t.Run(tc.name, func(t *testing.T) {
			param := topicmap.DefaultTopicParam()
			param.NClusters, param.NameLength, param.MinCountTerms, param.Language = 15, 3, 1, tc.language
			q := topicmap.BourdieuQuery{
				XLeftWords: []string{"past"}, XRightWords: []string{"future"},
				YTopWords: []string{"positive"}, YBottomWords: []string{"negative"},
				RadiusSize: 0.5,
			}
			res, _, err := New(Config{Logger: quiet()}).Topics(context.Background(), Input{Texts: tc.texts, Param: param, Bourdieu: &q}, nil)
			if err != nil {
				t.Fatal(err)
			}
			br := res.BourdieuResponse
			t.Logf("Bourdieu map: %d documents, %d topics, radius size %.3f", len(br.Docs), len(br.Topics), br.Query.RadiusSize)
			if len(br.Docs) < min(len(tc.texts), 15*20) || len(br.Topics) == 0 {
				t.Fatalf("Bourdieu map of %d documents and %d topics; want %d documents at least and topics", len(br.Docs), len(br.Topics), min(len(tc.texts), 15*20))
			}
			if r := br.Query.RadiusSize; r <= 0 || r > 0.5 {
				t.Errorf("radius size used %v, want in (0, 0.5]", r)
			}
			listed := map[string]bool{}
			for _, tp := range br.Topics {
				listed[tp.TopicID] = true
				if tp.ConvexHull == nil || tp.XCentroid == nil || tp.YCentroid == nil {
					t.Errorf("topic %s: hull or centroid missing", tp.TopicID)
				}
			}
			for _, d := range br.Docs {
				if d.X == nil || d.Y == nil || math.IsNaN(*d.X) || math.IsNaN(*d.Y) {
					t.Fatalf("%s: coordinates %v, %v", d.DocID, d.X, d.Y)
				}
				if d.TopicID != nil && !listed[*d.TopicID] {
					t.Errorf("%s: topic %s not listed", d.DocID, *d.TopicID)
				}
			}
		})
	}
}
