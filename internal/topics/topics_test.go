package topics

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

func TestSpecificityScores(t *testing.T) {
	// Rows 4, 4; columns 4, 2, 2; total 8; expected 2, 1, 1 in both rows.
	counts := [][]float64{
		{3, 1, 0},
		{1, 1, 2},
	}
	want := [][]float64{
		{0.5, 0, -1}, // (3-2)^2/2, (1-1)^2/1, -(0-1)^2/1
		{-0.5, 0, 1}, // -(1-2)^2/2, 0, (2-1)^2/1
	}
	got := SpecificityScores(counts)
	for i := range want {
		for j := range want[i] {
			if math.Abs(got[i][j]-want[i][j]) > 1e-12 {
				t.Errorf("cell (%d,%d) = %v, want %v", i, j, got[i][j], want[i][j])
			}
		}
	}
	top := TopSpecific(got, 500)
	if !slices.Equal(top[0], []int{0}) || !slices.Equal(top[1], []int{2}) {
		t.Errorf("TopSpecific = %v, want [[0] [2]]", top)
	}
}

func TestTopSpecificTiesAndCut(t *testing.T) {
	scores := [][]float64{{1, 3, 1, -2, 3, 0}}
	if got := TopSpecific(scores, 10); !slices.Equal(got[0], []int{1, 4, 0, 2}) {
		t.Errorf("got %v, want [1 4 0 2]", got[0])
	}
	if got := TopSpecific(scores, 3); !slices.Equal(got[0], []int{1, 4, 0}) {
		t.Errorf("cut: got %v, want [1 4 0]", got[0])
	}
}

func TestCleanTerms(t *testing.T) {
	tests := []struct {
		desc string
		in   []string
		want []string
	}{
		{"drops CUR, one letter, numbers, non-letters",
			[]string{"CUR", "a", "2016", "obama!", "fake news", "e-mail", "trump"},
			[]string{"trump"}},
		{"trims and drops repeats",
			[]string{" hillary ", "hillary", "trump"},
			[]string{"hillary", "trump"}},
		{"case merge keeps the first place and the upper form",
			[]string{"trump", "Trump", "hillary", "TRUMP", "Hillary"},
			[]string{"TRUMP", "hillary"}},
		{"unicode letters", []string{"Été", "été", "ÉTÉ", "café"}, []string{"ÉTÉ", "café"}},
		{"empty", nil, nil},
	}
	for _, tc := range tests {
		if got := CleanTerms(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.desc, got, tc.want)
		}
	}
}

func TestName(t *testing.T) {
	got := Name([]string{"fake news", "trump", "CUR", "Trump", "america", "jobs", "china", "obama"}, 4)
	if want := "trump | america | jobs | china"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func ptr[T any](v T) *T { return &v }

func TestRankTies(t *testing.T) {
	docs := []topicmap.Document{
		{DocID: "d3", Content: "three", TopicID: ptr("bt-0"), TermID: []string{"a", "b"}},
		{DocID: "d2", Content: "two", TopicID: ptr("bt-0"), TermID: []string{"b", "z"}},
		{DocID: "d1", Content: "one", TopicID: ptr("bt-0"), TermID: []string{"a"}},
		{DocID: "d4", Content: "four", TopicID: ptr("bt-0"), TermID: []string{"z"}},
		{DocID: "d0", Content: "zero", TopicID: ptr("bt-0"), TermID: []string{"c"}}, // c is beyond the ranking terms
		{DocID: "d5", Content: "five", TopicID: ptr("bt-1"), TermID: []string{"a", "b"},
			TopicRanking: &topicmap.TopicRanking{TopicID: "old", Rank: ptr(1)}},
	}
	topics := []topicmap.Topic{{TopicID: "bt-0", TermID: []string{"a", "b", "c"}}}
	Rank(docs, topics, 2, 20)
	want := map[string]int{"d3": 1, "d1": 2, "d2": 3}
	for _, d := range docs {
		w, ok := want[d.DocID]
		switch {
		case !ok && d.TopicRanking != nil:
			t.Errorf("%s ranked %+v, want unranked", d.DocID, *d.TopicRanking)
		case ok && (d.TopicRanking == nil || *d.TopicRanking.Rank != w || d.TopicRanking.TopicID != "bt-0"):
			t.Errorf("%s ranking %+v, want rank %d", d.DocID, d.TopicRanking, w)
		}
	}
	if got := topics[0].TopDocID; !slices.Equal(got, []string{"d3", "d1", "d2"}) {
		t.Errorf("TopDocID = %q", got)
	}
	if got := topics[0].TopDocContent; !slices.Equal(got, []string{"three", "one", "two"}) {
		t.Errorf("TopDocContent = %q", got)
	}
	if got := topics[0].TopTermID; !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("TopTermID = %q", got)
	}
	Rank(docs, topics, 2, 2)
	if docs[1].TopicRanking != nil || len(topics[0].TopDocID) != 2 {
		t.Errorf("max 2: d2 ranking %+v, top docs %q", docs[1].TopicRanking, topics[0].TopDocID)
	}
}

// TestRankNeverNull: a topic none of whose documents has its terms (or a
// topic without terms, named by its id) has empty top documents and terms,
// never null: the original frontend lists top_doc_content when a topic is
// clicked (TextContainer.jsx: content.map), and a null stopped it with a
// blank page.
func TestRankNeverNull(t *testing.T) {
	docs := []topicmap.Document{
		{DocID: "d0", Content: "zero", TopicID: ptr("bt-0"), TermID: []string{"x"}},
		{DocID: "d1", Content: "one", TopicID: ptr("bt-1"), TermID: []string{}},
	}
	topics := []topicmap.Topic{
		{TopicID: "bt-0", TermID: []string{"a"}},
		{TopicID: "bt-1"},
	}
	Rank(docs, topics, 2, 20)
	b, err := json.Marshal(topics)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"top_doc_id":null`, `"top_doc_content":null`, `"top_term_id":null`} {
		if strings.Contains(string(b), field) {
			t.Errorf("%s in %s", field, b)
		}
	}
}

// clusteredDocs makes n documents on a circle of radius r around (cx, cy),
// each with the terms that terms(i) gives.
func clusteredDocs(prefix string, n int, cx, cy, r float64, terms func(i int) []string) []topicmap.Document {
	docs := make([]topicmap.Document, n)
	for i := range docs {
		a := 2 * math.Pi * float64(i) / float64(n)
		// every third point inside the circle, so the hull leaves points in.
		rr := r
		if i%3 == 0 {
			rr = r / 2
		}
		docs[i] = topicmap.Document{
			DocID:   prefix + strconv.Itoa(i),
			Content: prefix + " text " + strconv.Itoa(i),
			X:       ptr(cx + rr*math.Cos(a)),
			Y:       ptr(cy + rr*math.Sin(a)),
			TermID:  terms(i),
		}
	}
	return docs
}

func TestAssemble(t *testing.T) {
	war := clusteredDocs("w", 12, 0, 0, 1, func(i int) []string {
		if i%2 == 0 {
			return []string{"war", "army"}
		}
		return []string{"war", "2016"}
	})
	peace := clusteredDocs("p", 12, 10, 10, 2, func(i int) []string {
		if i < 2 {
			return []string{"peace", "war"}
		}
		return []string{"peace", "love", "fake news"}
	})
	small := clusteredDocs("s", 3, -10, 5, 1, func(int) []string { return []string{"tiny"} })
	docs := slices.Concat(war, peace, small)
	labels := make([]int, len(docs))
	for i := range docs {
		switch {
		case i < 12:
			labels[i] = 10
		case i < 24:
			labels[i] = 2
		default:
			labels[i] = 7
		}
	}
	terms := []topicmap.Term{
		{TermID: "war", Ngrams: 1, CountTerms: 14},
		{TermID: "peace", Ngrams: 1, CountTerms: 12},
		{TermID: "love", Ngrams: 1, CountTerms: 10},
		{TermID: "fake news", Ngrams: 2, CountTerms: 10},
		{TermID: "army", Ngrams: 1, CountTerms: 6},
		{TermID: "2016", Ngrams: 1, CountTerms: 6},
		{TermID: "tiny", Ngrams: 1, CountTerms: 3},
	}
	got := Assemble(docs, terms, labels, DefaultOptions())

	// bt-10 sorts before bt-2; bt-7 has 3 documents, under 10.
	ids := []string{}
	for _, tp := range got {
		ids = append(ids, tp.TopicID)
	}
	if !slices.Equal(ids, []string{"bt-10", "bt-2"}) {
		t.Fatalf("topic ids %q, want [bt-10 bt-2]", ids)
	}
	if docs[25].TopicID != nil {
		t.Errorf("small-topic document has topic %q, want none (its topic is not listed)", *docs[25].TopicID)
	}
	// Rows bt-10 24 pairs, bt-2 34, bt-7 3; 61 in all. bt-10: war 12
	// observed, 24*14/61 expected: 7.65; army and 2016 6 observed, 24*6/61
	// expected: 5.61 each, a tie kept in column order (army appears first).
	if got[0].Name != "war | army" {
		t.Errorf("bt-10 name %q, want %q (terms %q)", got[0].Name, "war | army", got[0].TermID)
	}
	if !slices.Equal(got[0].TermID, []string{"war", "army", "2016"}) {
		t.Errorf("bt-10 terms %q", got[0].TermID)
	}
	// bt-2: peace 4.22, love and fake news 3.52, war negative; fake news is
	// a term but not a name.
	if got[1].Name != "peace | love" || !slices.Equal(got[1].TermID, []string{"peace", "love", "fake news"}) {
		t.Errorf("bt-2 name %q terms %q", got[1].Name, got[1].TermID)
	}
	if *got[0].Size != 12 || math.Abs(*got[1].XCentroid-10) > 0.5 || math.Abs(*got[1].YCentroid-10) > 0.5 {
		t.Errorf("size %d centroid (%v, %v)", *got[0].Size, *got[1].XCentroid, *got[1].YCentroid)
	}
	for _, tp := range got {
		h := tp.ConvexHull
		if h == nil {
			t.Fatalf("%s: no hull", tp.TopicID)
		}
		if len(h.XCoordinates) != 50 || len(h.YCoordinates) != 50 {
			t.Fatalf("%s: hull of %d points", tp.TopicID, len(h.XCoordinates))
		}
		if math.Hypot(h.XCoordinates[0]-h.XCoordinates[49], h.YCoordinates[0]-h.YCoordinates[49]) > 1e-9 {
			t.Errorf("%s: hull not closed", tp.TopicID)
		}
		for _, d := range docs {
			if d.TopicID == nil || *d.TopicID != tp.TopicID {
				continue
			}
			if !inside(*d.X, *d.Y, h.XCoordinates, h.YCoordinates) && distToPolygon(*d.X, *d.Y, h.XCoordinates, h.YCoordinates) > 0.05 {
				t.Errorf("%s: point %s (%v, %v) outside its hull", tp.TopicID, d.DocID, *d.X, *d.Y)
			}
		}
		if len(tp.TopDocID) == 0 || len(tp.TopTermID) == 0 {
			t.Errorf("%s: no top documents or terms", tp.TopicID)
		}
	}
}

func TestAssembleOneClusterAndDegenerateHulls(t *testing.T) {
	docs := clusteredDocs("d", 10, 0, 0, 0, func(int) []string { return []string{"same"} })
	labels := make([]int, len(docs))
	got := Assemble(docs, []topicmap.Term{{TermID: "same", Ngrams: 1, CountTerms: 10}, {TermID: "other", Ngrams: 1, CountTerms: 1}},
		labels, DefaultOptions())
	// One topic: observed = expected, no positive cell; the topic is
	// still listed, named by its most frequent term, with an outline
	// around its single point.
	if len(got) != 1 || got[0].TopicID != "bt-0" || got[0].Name != "same" || got[0].ConvexHull == nil {
		t.Fatalf("one cluster at one point: got %+v, want bt-0 named same with an outline", got)
	}
	// Two topics so that cells are positive; topic 0 has every point at (0,0).
	docs = slices.Concat(
		clusteredDocs("a", 10, 0, 0, 0, func(int) []string { return []string{"alpha"} }),
		clusteredDocs("b", 10, 5, 5, 1, func(int) []string { return []string{"beta"} }))
	labels = make([]int, 20)
	for i := 10; i < 20; i++ {
		labels[i] = 1
	}
	got = Assemble(docs, []topicmap.Term{{TermID: "alpha", Ngrams: 1, CountTerms: 10}, {TermID: "beta", Ngrams: 1, CountTerms: 10}},
		labels, DefaultOptions())
	if len(got) != 2 || got[0].ConvexHull == nil || got[1].ConvexHull == nil {
		t.Fatalf("got %d topics, hulls %v %v", len(got), got[0].ConvexHull, got[len(got)-1].ConvexHull)
	}
	// The outline of the one-point topic holds it, and is small beside
	// the map (5 by 5).
	h := got[0].ConvexHull
	if !inside(0, 0, h.XCoordinates, h.YCoordinates) {
		t.Error("the one-point topic is outside its outline")
	}
	for i := range h.XCoordinates {
		if d := math.Hypot(h.XCoordinates[i], h.YCoordinates[i]); d > 0.2 {
			t.Errorf("outline point %d is %v from the topic's point", i, d)
		}
	}
}

func TestAssembleNoTerms(t *testing.T) {
	// No term of the wanted sizes (ngrams longer than any text): the
	// topics are listed, named by their ids, with no terms.
	docs := slices.Concat(
		clusteredDocs("a", 10, 0, 0, 1, func(int) []string { return []string{"alpha"} }),
		clusteredDocs("b", 10, 5, 5, 1, func(int) []string { return []string{"beta"} }))
	labels := make([]int, 20)
	for i := 10; i < 20; i++ {
		labels[i] = 1
	}
	opt := DefaultOptions()
	opt.Ngrams = []int{3}
	got := Assemble(docs, []topicmap.Term{{TermID: "alpha", Ngrams: 1, CountTerms: 10}, {TermID: "beta", Ngrams: 1, CountTerms: 10}},
		labels, opt)
	if len(got) != 2 || got[0].Name != "bt-0" || got[1].Name != "bt-1" || got[0].TermID == nil || len(got[0].TermID) != 0 {
		t.Fatalf("got %+v, want bt-0 and bt-1 named by their ids, with empty term lists", got)
	}
	for _, d := range docs {
		if d.TopicID == nil {
			t.Errorf("document %s has no topic", d.DocID)
		}
	}
}

func TestSelectTerms(t *testing.T) {
	terms := []topicmap.Term{
		{TermID: "a", Ngrams: 1, CountTerms: 1},
		{TermID: "b c", Ngrams: 2, CountTerms: 9},
		{TermID: "d e f", Ngrams: 3, CountTerms: 8},
		{TermID: "g", Ngrams: 1, CountTerms: 5},
		{TermID: "h", Ngrams: 1, CountTerms: 4},
	}
	opt := DefaultOptions()
	opt.MinCountTerms = 2
	opt.TopTermsOverall = 3 // b c, d e f, g: the trigram takes a place, then goes
	got := selectTerms(terms, opt)
	if len(got) != 2 || !got["b c"] || !got["g"] {
		t.Errorf("got %v, want b c and g", got)
	}
}

// inside reports whether (x, y) is inside the polygon (even-odd rule).
func inside(x, y float64, px, py []float64) bool {
	in := false
	for i, j := 0, len(px)-1; i < len(px); j, i = i, i+1 {
		if (py[i] > y) != (py[j] > y) && x < (px[j]-px[i])*(y-py[i])/(py[j]-py[i])+px[i] {
			in = !in
		}
	}
	return in
}

func distToPolygon(x, y float64, px, py []float64) float64 {
	best := math.Inf(1)
	for i, j := 0, len(px)-1; i < len(px); j, i = i, i+1 {
		dx, dy := px[i]-px[j], py[i]-py[j]
		t := 0.0
		if l := dx*dx + dy*dy; l > 0 {
			t = math.Max(0, math.Min(1, ((x-px[j])*dx+(y-py[j])*dy)/l))
		}
		best = math.Min(best, math.Hypot(x-px[j]-t*dx, y-py[j]-t*dy))
	}
	return best
}
