package bourdieu

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/embed"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// wordSpace embeds a text as the normalised sum of its known words' vectors.
type wordSpace map[string][]float32

var _ embed.Space = wordSpace(nil)

func (s wordSpace) Dim() int { return 5 }

func (s wordSpace) MarshalBinary() ([]byte, error) { return nil, nil }

func (s wordSpace) embed(text string) ([]float32, bool) {
	v := make([]float32, s.Dim())
	for _, w := range strings.Fields(strings.ToLower(text)) {
		for i, x := range s[w] {
			v[i] += x
		}
	}
	return v, vecmath.Normalize(v)
}

func (s wordSpace) EmbedQueries(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v, ok := s.embed(t)
		if !ok {
			return nil, fmt.Errorf("query %q: %w", t, embed.ErrUnknownText)
		}
		out[i] = v
	}
	return out, nil
}

var space = wordSpace{
	"war":   {1, 0, 0, 0, 0},
	"army":  {1, 0, 0, 0, 0.2},
	"peace": {0, 1, 0, 0, 0},
	"calm":  {0, 1, 0, 0, 0.2},
	"men":   {0, 0, 1, 0, 0},
	"women": {0, 0, 0, 1, 0},
	"cat":   {0, 0, 0, 0, 1},
}

func testDocs() ([]topicmap.Document, [][]float32, []topicmap.Term) {
	var docs []topicmap.Document
	var emb [][]float32
	add := func(kind, text string, terms []string) {
		for i := 0; i < 25; i++ {
			docs = append(docs, topicmap.Document{
				DocID:   fmt.Sprintf("%s-%02d", kind, i),
				Content: text,
				TermID:  terms,
			})
			v, _ := space.embed(text)
			// spread the points a little so that hulls have an inside.
			v[4] += float32(i%5) * 0.01
			v[2] += float32(i/5) * 0.01
			emb = append(emb, v)
		}
	}
	add("war", "war army", []string{"war", "army"})
	add("peace", "peace calm", []string{"peace", "calm"})
	add("cat", "cat", []string{"cat"})
	terms := []topicmap.Term{
		{TermID: "war", Ngrams: 1, CountTerms: 25}, {TermID: "army", Ngrams: 1, CountTerms: 25},
		{TermID: "peace", Ngrams: 1, CountTerms: 25}, {TermID: "calm", Ngrams: 1, CountTerms: 25},
		{TermID: "cat", Ngrams: 1, CountTerms: 25},
	}
	return docs, emb, terms
}

func TestMapSign(t *testing.T) {
	docs, emb, terms := testDocs()
	opt := TopicOptions(topicmap.TopicParam{NClusters: 2})
	res, err := Map(context.Background(), docs, emb, terms, space, topicmap.DefaultBourdieuQuery(), opt)
	if err != nil {
		t.Fatal(err)
	}
	nWar, nPeace := 0, 0
	for _, d := range res.Docs {
		switch {
		case strings.HasPrefix(d.DocID, "war"):
			nWar++
			if *d.X <= 0 {
				t.Errorf("%s: x = %v, want > 0 (the war side)", d.DocID, *d.X)
			}
		case strings.HasPrefix(d.DocID, "peace"):
			nPeace++
			if *d.X >= 0 {
				t.Errorf("%s: x = %v, want < 0 (the peace side)", d.DocID, *d.X)
			}
		default:
			t.Errorf("%s: inside the radius, should be left out", d.DocID)
		}
		if len(d.BourdieuDimensions) != 2 || d.BourdieuDimensions[0].Continuum.ID != "cont1" ||
			d.BourdieuDimensions[1].Continuum.ID != "cont2" || d.BourdieuDimensions[0].Distance != *d.X ||
			d.BourdieuDimensions[1].Distance != *d.Y || d.BourdieuDimensions[0].Continuum.LeftWords[0] != "war" {
			t.Errorf("%s: dimensions %+v", d.DocID, d.BourdieuDimensions)
		}
		if d.Embedding != nil || d.TopicID == nil {
			t.Errorf("%s: embedding %v topic %v", d.DocID, d.Embedding, d.TopicID)
		}
	}
	if nWar != 25 || nPeace != 25 {
		t.Errorf("kept %d war and %d peace documents, want 25 each", nWar, nPeace)
	}
	if len(res.Topics) != 2 {
		t.Fatalf("got %d topics, want 2", len(res.Topics))
	}
	names := map[string]bool{}
	for _, tp := range res.Topics {
		names[tp.Name] = true
	}
	if !names["war | army"] && !names["army | war"] {
		t.Errorf("topic names %v, want a war topic", names)
	}
	if docs[0].X != nil || docs[0].BourdieuDimensions != nil {
		t.Errorf("input documents changed: %+v", docs[0])
	}
	if res.Query.XLeftWords[0] != "war" || res.Query.RadiusSize != 0.5 {
		t.Errorf("query %+v", res.Query)
	}
}

func TestMapErrors(t *testing.T) {
	docs, emb, terms := testDocs()
	opt := TopicOptions(topicmap.TopicParam{NClusters: 2})
	tests := []struct {
		desc   string
		mutate func(q *topicmap.BourdieuQuery)
		want   error
	}{
		{"empty x left", func(q *topicmap.BourdieuQuery) { q.XLeftWords = nil }, ErrInvalidQuery},
		{"empty y bottom", func(q *topicmap.BourdieuQuery) { q.YBottomWords = []string{} }, ErrInvalidQuery},
		{"unknown word", func(q *topicmap.BourdieuQuery) { q.YTopWords = []string{"zzyzx"} }, embed.ErrUnknownText},
		{"same ends", func(q *topicmap.BourdieuQuery) { q.XRightWords = []string{"war"} }, ErrInvalidQuery},
	}
	for _, tc := range tests {
		q := topicmap.DefaultBourdieuQuery()
		tc.mutate(&q)
		_, err := Map(context.Background(), docs, emb, terms, space, q, opt)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.desc, err, tc.want)
		}
	}
	if _, err := Map(context.Background(), docs, emb, terms, space, topicmap.DefaultBourdieuQuery(),
		TopicOptions(topicmap.TopicParam{NClusters: len(docs) + 1})); !errors.Is(err, ErrTooFewDocuments) {
		t.Errorf("more clusters than documents: got %v, want %v", err, ErrTooFewDocuments)
	}
}

// TestMapRadiusShrinks: a radius that leaves fewer documents than the
// topics need (n_clusters times 20) keeps the farthest documents instead,
// and the response's query says the radius size used. It was an error,
// and an empty Bourdieu view in the original frontend.
func TestMapRadiusShrinks(t *testing.T) {
	docs, emb, terms := testDocs()
	q := topicmap.DefaultBourdieuQuery()
	q.RadiusSize = 100
	res, err := Map(context.Background(), docs, emb, terms, space, q, TopicOptions(topicmap.TopicParam{NClusters: 2}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Docs) < 40 || len(res.Topics) == 0 {
		t.Fatalf("%d documents, %d topics; want 40 documents at least (2 clusters of 20) and topics", len(res.Docs), len(res.Topics))
	}
	if r := res.Query.RadiusSize; r <= 0 || r >= 100 {
		t.Errorf("radius size %v, want the one used, in (0, 100)", r)
	}
	listed := map[string]bool{}
	for _, tp := range res.Topics {
		listed[tp.TopicID] = true
	}
	for _, d := range res.Docs {
		if d.TopicID != nil && !listed[*d.TopicID] {
			t.Errorf("%s: topic %s not listed", d.DocID, *d.TopicID)
		}
	}
	// The radius used keeps the same documents through Outside.
	x, y := make([]float64, len(docs)), make([]float64, len(docs))
	kept := map[string]bool{}
	for _, d := range res.Docs {
		kept[d.DocID] = true
	}
	q0 := q
	q0.RadiusSize = 0
	all, err := Map(context.Background(), docs, emb, terms, space, q0, TopicOptions(topicmap.TopicParam{NClusters: 2}))
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range all.Docs {
		x[i], y[i] = *d.X, *d.Y
	}
	for i, out := range Outside(x, y, res.Query.RadiusSize) {
		if out != kept[all.Docs[i].DocID] {
			t.Errorf("%s: Outside with the radius used says %v, the map %v", all.Docs[i].DocID, out, kept[all.Docs[i].DocID])
		}
	}
}

func TestKeep(t *testing.T) {
	// distances 1, 0.1, 0.2, 0.3, 0.25 (the first far out, the rest near
	// the centre); max(x) = 1.
	x := []float64{1, 0.1, 0, -0.3, 0.15}
	y := []float64{0, 0, 0.2, 0, 0.2}
	tests := []struct {
		radius float64
		need   int
		want   []bool
		used   float64
	}{
		{0.5, 1, []bool{true, false, false, false, false}, 0.5}, // enough outside: the original rule
		{0.5, 3, []bool{true, false, false, true, true}, 0.25},  // 3 farthest
		{0.5, 9, []bool{true, true, true, true, true}, 0.1},     // need > documents: all
		{0.05, 3, []bool{true, true, true, true, true}, 0.05},   // all outside already
	}
	for _, tc := range tests {
		got, used := Keep(x, y, tc.radius, tc.need)
		if !slices.Equal(got, tc.want) || math.Abs(used-tc.used) > 1e-12 {
			t.Errorf("Keep(radius %v, need %d) = %v, %v; want %v, %v", tc.radius, tc.need, got, used, tc.want, tc.used)
		}
	}
}

func TestOutside(t *testing.T) {
	x := []float64{0.8, 0.1, -0.5, 0.2}
	y := []float64{0, 0.1, 0, 0.35}
	// radius 0.8 * 0.5 = 0.4: distances 0.8, 0.14, 0.5, 0.403
	got := Outside(x, y, 0.5)
	want := []bool{true, false, true, true}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("doc %d: outside %v, want %v", i, got[i], want[i])
		}
	}
}

func TestCosine(t *testing.T) {
	got := Cosine([][]float32{{1, 0}, {1, 1}, {0, 0}, {-2, 0}}, []float64{2, 0})
	want := []float64{1, 0.7071067811865475, 0, -1}
	for i := range want {
		if d := got[i] - want[i]; d > 1e-7 || d < -1e-7 {
			t.Errorf("row %d: %v, want %v", i, got[i], want[i])
		}
	}
}

// TestMapNullTopicIDs: the documents of a topics result may carry
// topic_id null (topics under the minimum size) or ids of the topic map;
// the Bourdieu map ignores both and gives each kept document a topic of
// its own map, or null, never an id it does not list.
func TestMapNullTopicIDs(t *testing.T) {
	docs, emb, terms := testDocs()
	stale := "topic-map-7"
	for i := range docs {
		if i%2 == 0 {
			docs[i].TopicID = &stale
		}
	}
	res, err := Map(context.Background(), docs, emb, terms, space, topicmap.DefaultBourdieuQuery(), TopicOptions(topicmap.TopicParam{NClusters: 2}))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, tp := range res.Topics {
		listed[tp.TopicID] = true
	}
	if len(res.Docs) == 0 || len(listed) == 0 {
		t.Fatalf("%d documents, %d topics", len(res.Docs), len(listed))
	}
	for _, d := range res.Docs {
		if d.TopicID != nil && !listed[*d.TopicID] {
			t.Errorf("%s: topic %q is not in the map's topics", d.DocID, *d.TopicID)
		}
	}
	if docs[0].TopicID != &stale || docs[1].TopicID != nil {
		t.Errorf("input documents changed: %v, %v", docs[0].TopicID, docs[1].TopicID)
	}
}
