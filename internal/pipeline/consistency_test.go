package pipeline

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// checkTopicIDs reports the topic ids that documents carry and topics
// lack, and the topics without an outline or a term list.
func checkTopicIDs(t *testing.T, what string, docs []topicmap.Document, tps []topicmap.Topic) {
	t.Helper()
	if tps == nil {
		t.Errorf("%s: topics null", what)
	}
	listed := map[string]bool{}
	for _, tp := range tps {
		listed[tp.TopicID] = true
		if tp.ConvexHull == nil || len(tp.ConvexHull.XCoordinates) == 0 {
			t.Errorf("%s: topic %s has no convex_hull", what, tp.TopicID)
		}
		if tp.TermID == nil {
			t.Errorf("%s: topic %s has term_id null", what, tp.TopicID)
		}
	}
	for _, d := range docs {
		if d.TopicID != nil && !listed[*d.TopicID] {
			t.Errorf("%s: document %s in topic %s, which is not among the %d topics", what, d.DocID, *d.TopicID, len(tps))
		}
		if d.TopicRanking != nil && !listed[d.TopicRanking.TopicID] {
			t.Errorf("%s: document %s ranked in topic %s, which is not listed", what, d.DocID, d.TopicRanking.TopicID)
		}
	}
}

// randomCorpus returns n texts of 1 to 12 words drawn from a small
// vocabulary, some repeated, some of one word.
func randomCorpus(rng *rand.Rand, n int) []string {
	vocab := strings.Fields("war peace army treaty battle garden city river king queen bread water " +
		"school teacher music song computer network server package library debian kernel driver " +
		"future past positive negative men women")
	texts := make([]string, n)
	for i := range texts {
		if i > 0 && rng.IntN(8) == 0 {
			texts[i] = texts[rng.IntN(i)]
			continue
		}
		w := make([]string, 1+rng.IntN(12))
		for k := range w {
			w[k] = vocab[rng.IntN(len(vocab))]
		}
		texts[i] = strings.Join(w, " ")
	}
	return texts
}

// TestTopicIDsConsistent is a property test over random inputs and every
// kind of parameter the API accepts: each topic id that a document
// carries, in the topic map and in the Bourdieu map, is among the listed
// topics, and each listed topic has an outline.
func TestTopicIDsConsistent(t *testing.T) {
	p := New(Config{Logger: quiet()})
	rng := rand.New(rand.NewPCG(12, 8))
	cases := 24
	if testing.Short() {
		cases = 6
	}
	for c := range cases {
		n := 3 + rng.IntN(60)
		texts := randomCorpus(rng, n)
		param := topicmap.DefaultTopicParam()
		switch rng.IntN(4) {
		case 0:
			param.NClusters = 1
		case 1:
			param.NClusters = n // as many clusters as documents
		default:
			param.NClusters = 1 + rng.IntN(n)
		}
		param.Ngrams = []int{1 + rng.IntN(5)}
		if rng.IntN(2) == 0 {
			param.Ngrams = append(param.Ngrams, 1+rng.IntN(20)) // longer than any text, at times
		}
		param.NameLength = 1 + rng.IntN(10)
		param.TopTermsOverall = 1 + rng.IntN(3000)
		param.MinCountTerms = 1 + rng.IntN(5)
		q := topicmap.DefaultBourdieuQuery()
		q.XLeftWords, q.XRightWords = []string{"war"}, []string{"peace"}
		q.YTopWords, q.YBottomWords = []string{"men"}, []string{"women"}
		q.RadiusSize = rng.Float64() * 0.8
		name := fmt.Sprintf("case %d (%d docs, n_clusters %d, ngrams %v, min_count_terms %d, top_terms_overall %d, radius %.2f)",
			c, n, param.NClusters, param.Ngrams, param.MinCountTerms, param.TopTermsOverall, q.RadiusSize)
		in := Input{Texts: texts, Param: param, Bourdieu: &q}
		res, _, err := p.Topics(context.Background(), in, nil)
		if err != nil {
			t.Errorf("%s: topics: %v", name, err)
			continue
		}
		checkTopicIDs(t, name+" topic map", res.Docs, res.Topics)
		if br := res.BourdieuResponse; br == nil || br.Docs == nil {
			t.Errorf("%s: bourdieu_response %+v, want a map (empty when it cannot be drawn)", name, br)
		} else {
			checkTopicIDs(t, name+" bourdieu map of the topics job", br.Docs, br.Topics)
		}
		in.Bourdieu = &q
		br, err := p.Bourdieu(context.Background(), in, nil)
		if err != nil {
			continue // a Bourdieu job may be refused (fewer documents than clusters)
		}
		checkTopicIDs(t, name+" bourdieu job", br.Docs, br.Topics)
	}
}
