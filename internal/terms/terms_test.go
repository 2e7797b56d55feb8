package terms

import (
	"context"
	"errors"
	"github.com/bunkatopics/bunka-go/internal/testenv"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

func extract(t *testing.T, texts []string, opt Options) *Result {
	t.Helper()
	res, err := Extract(context.Background(), texts, opt)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if len(res.DocTerms) != len(texts) {
		t.Fatalf("len(DocTerms) = %d, want %d", len(res.DocTerms), len(texts))
	}
	return res
}

func termIDs(ts []topicmap.Term) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.TermID
	}
	return out
}

func find(ts []topicmap.Term, id string) (topicmap.Term, bool) {
	for _, t := range ts {
		if t.TermID == id {
			return t, true
		}
	}
	return topicmap.Term{}, false
}

func TestExtractEnglishNouns(t *testing.T) {
	texts := []string{
		"The president signed a trade deal with China.",
		"Our trade deals are the worst in history! Jobs are leaving the country.",
		"Thank you to the great people of Iowa. Tonight we start the campaign.",
	}
	res := extract(t, texts, Options{})
	ids := termIDs(res.Terms)
	for _, want := range []string{"president", "trade", "deal", "trade deal", "trade deals", "history", "country", "people", "campaign"} {
		if !slices.Contains(ids, want) {
			t.Errorf("term %q missing from %q", want, ids)
		}
	}
	for _, bad := range []string{"China", "Iowa", "signed", "great", "The", "the", "with", "deal China", "worst"} {
		if slices.Contains(ids, bad) {
			t.Errorf("term %q should not be extracted (proper noun, verb, adjective or stop word): %q", bad, ids)
		}
	}
	deals, _ := find(res.Terms, "trade deals")
	want := topicmap.Term{TermID: "trade deals", Lemma: "trade deal", Ent: "", Ngrams: 2, CountTerms: 1}
	if deals != want {
		t.Errorf("trade deals = %+v, want %+v", deals, want)
	}
	if !slices.Contains(res.DocTerms[0], "trade deal") || slices.Contains(res.DocTerms[0], "history") {
		t.Errorf("DocTerms[0] = %q", res.DocTerms[0])
	}
	for _, tm := range res.Terms {
		for _, w := range strings.Fields(strings.ToLower(tm.TermID)) {
			if englishStopwords[w] {
				t.Errorf("term %q holds stop word %q", tm.TermID, w)
			}
		}
		if tm.Ngrams != len(strings.Fields(tm.TermID)) || tm.Ngrams > 3 {
			t.Errorf("term %+v: bad ngrams", tm)
		}
	}
}

// TestExtractEnglishNonNouns checks the words the tagger tags as common
// nouns but that are no topic: interjections, a sentence's first verb or
// adjective, "right" as an adverb or adjective, camel-case names.
func TestExtractEnglishNonNouns(t *testing.T) {
	cases := []struct {
		desc string
		text string
		bad  []string // must not be terms
		good []string // must still be terms
	}{
		{desc: "thanks and congratulations", text: "Thanks! Congratulations to the team on the win. Congrats on the victory.",
			bad: []string{"Thanks", "Congratulations", "Congrats"}, good: []string{"team", "victory"}},
		{desc: "thank you", text: "Great, thank you. THANK YOU to the voters!",
			bad: []string{"thank", "THANK"}, good: []string{"voters"}},
		{desc: "greetings and exclamations", text: "Greetings from the convention! Wow, what a crowd. Yeah! lol, hey folks",
			bad: []string{"Greetings", "Wow", "Yeah", "lol", "hey", "hey folks"}, good: []string{"convention", "crowd", "folks"}},
		{desc: "sentence-initial imperatives", text: "Enjoy! Look at the ratings. Hope you watch the debate.",
			bad: []string{"Enjoy", "Look", "Hope"}, good: []string{"ratings", "debate"}},
		{desc: "first word after a handle", text: "@ john : Enjoy! @mary: Looks like a landslide.",
			bad: []string{"Enjoy", "Looks"}, good: []string{"landslide"}},
		{desc: "description openings", text: "Creates plots from the data. Simple library for parsing files.",
			bad: []string{"Creates", "Creates plots", "Simple", "Simple library"}, good: []string{"plots", "library", "files"}},
		{desc: "noun openings stay", text: "Package clock provides a clock. Set of tools for the shell. Transport is cheap. Package for the shell.",
			good: []string{"Package", "Package clock", "Set", "tools", "Transport"}},
		{desc: "right as adverb or adjective", text: "The game is on right now. You are 100% right.",
			bad: []string{"right"}, good: []string{"game"}},
		{desc: "right as a noun", text: "Free speech is a right, not a privilege.",
			good: []string{"right", "privilege"}},
		{desc: "camel case", text: "Vote for tax cuts with the TaxReform bill and realDonaldTrump fans. It is like iPhone apps.",
			bad: []string{"TaxReform", "TaxReform bill", "realDonaldTrump", "iPhone"}, good: []string{"tax cuts", "bill", "fans"}},
		{desc: "url glued to a noun", text: "Tune in to another amazing episodehttps://t.co/xyz123 tonight",
			bad: []string{"episodehttps", "episodehttp"}, good: []string{"episode"}},
	}
	for _, c := range cases {
		ids := termIDs(extract(t, []string{c.text}, Options{}).Terms)
		for _, b := range c.bad {
			if slices.Contains(ids, b) {
				t.Errorf("%s: %q is a term: %q", c.desc, b, ids)
			}
		}
		for _, g := range c.good {
			if !slices.Contains(ids, g) {
				t.Errorf("%s: %q is missing: %q", c.desc, g, ids)
			}
		}
	}
}

func TestExtractNoNgramAcrossPunctuation(t *testing.T) {
	res := extract(t, []string{"I love the garden. Water is good for the flowers, trees and grass."}, Options{})
	for _, tm := range res.Terms {
		if tm.TermID == "garden Water" || tm.TermID == "flowers trees" {
			t.Errorf("n-gram %q crosses punctuation", tm.TermID)
		}
	}
}

func TestExtractCountsDocuments(t *testing.T) {
	texts := []string{
		"The garden needs water. The garden is big.",
		"My garden is small.",
		"The house has no garden and no water.",
		"Nothing here.",
	}
	res := extract(t, texts, Options{})
	got := map[string]int{}
	for _, tm := range res.Terms {
		got[tm.TermID] = tm.CountTerms
	}
	if got["garden"] != 3 || got["water"] != 2 || got["house"] != 1 {
		t.Errorf("counts = %v, want garden 3, water 2, house 1", got)
	}
	if res.Terms[0].TermID != "garden" {
		t.Errorf("first term = %q, want the most frequent, garden", res.Terms[0].TermID)
	}
	seen := map[string]bool{}
	for _, id := range res.DocTerms[0] {
		if seen[id] {
			t.Errorf("DocTerms[0] repeats %q", id)
		}
		seen[id] = true
	}
	if len(res.DocTerms[0]) == 0 {
		t.Error("DocTerms[0] is empty")
	}
	if res.DocTerms[3] == nil || len(res.DocTerms[3]) != 0 {
		t.Errorf("DocTerms[3] = %#v, want empty and not nil", res.DocTerms[3])
	}
}

func TestExtractSampling(t *testing.T) {
	texts := make([]string, 25)
	for i := range texts {
		texts[i] = "The garden is nice."
	}
	res := extract(t, texts, Options{SampleSize: 10, Seed: 7})
	want := pySample(25, 10, 7)
	slices.Sort(want)
	var got []int
	for i, ids := range res.DocTerms {
		if len(ids) > 0 {
			got = append(got, i)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("documents with terms = %v, want the sample %v", got, want)
	}
	if len(res.Terms) != 1 || res.Terms[0].CountTerms != 10 {
		t.Errorf("terms = %+v, want garden counted in 10 documents", res.Terms)
	}
	again := extract(t, texts, Options{SampleSize: 10, Seed: 7, Workers: 1})
	if !reflect.DeepEqual(res, again) {
		t.Error("same seed, different results")
	}
	other := extract(t, texts, Options{SampleSize: 10, Seed: 8})
	if reflect.DeepEqual(res.DocTerms, other.DocTerms) {
		t.Error("another seed drew the same sample")
	}
	// fewer documents than the sample size: all are used
	all := extract(t, texts[:9], Options{SampleSize: 10})
	if all.Terms[0].CountTerms != 9 {
		t.Errorf("count = %d, want all 9 documents", all.Terms[0].CountTerms)
	}
}

func TestExtractDefaultCap(t *testing.T) {
	texts := make([]string, 1200)
	for i := range texts {
		texts[i] = "The water is cold."
	}
	res := extract(t, texts, Options{})
	if len(res.Terms) != 1 || res.Terms[0].CountTerms != 1000 {
		t.Errorf("terms = %+v, want water in the 1,000 sampled documents", res.Terms)
	}
}

func TestExtractDeterministicAcrossWorkers(t *testing.T) {
	texts := []string{
		"The economy is strong and the stock market is at a record high.",
		"Fake news media coverage of the border wall is a disgrace.",
		"Big rally tonight in Ohio with thousands of great people!",
		"Le président a signé un accord.",
		"",
	}
	texts = repeatTo(texts, 60)
	a := extract(t, texts, Options{Workers: 1})
	b := extract(t, texts, Options{Workers: 4})
	if !reflect.DeepEqual(a, b) {
		t.Error("results differ between 1 and 4 workers")
	}
}

func TestExtractConcurrentCalls(t *testing.T) {
	texts := repeatTo([]string{"The economy is strong and the stock market is at a record high."}, 30)
	want := extract(t, texts, Options{})
	errs := make(chan error, 4)
	results := make(chan *Result, 4)
	for range 4 {
		go func() {
			res, err := Extract(context.Background(), texts, Options{Workers: 2})
			errs <- err
			results <- res
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		if got := <-results; !reflect.DeepEqual(got, want) {
			t.Error("concurrent calls gave different results")
		}
	}
}

func TestExtractFrench(t *testing.T) {
	texts := []string{
		"Le président a signé un accord commercial avec la Chine.",
		"Les travailleurs demandent une augmentation des salaires et de meilleures conditions de travail.",
		"Il faut protéger la planète pour les générations futures.",
		"Nous avons visité un petit village de montagne où les habitants vivent de l'agriculture.",
		"Il pleut depuis trois jours et deux cents salariés attendent dans la région.",
	}
	res := extract(t, texts, Options{Language: "french"})
	ids := termIDs(res.Terms)
	for _, want := range []string{"président", "accord", "travailleurs", "augmentation", "salaires", "conditions", "travail", "planète", "générations",
		"village", "montagne", "habitants", "agriculture", "jours", "salariés", "région"} {
		if !slices.Contains(ids, want) {
			t.Errorf("term %q missing from %q", want, ids)
		}
	}
	for _, bad := range []string{"Chine", "signé", "commercial", "demandent", "protéger", "faut", "futures", "Le", "les", "meilleures",
		"visité", "petit", "vivent", "cents", "pleut", "attendent", "l'agriculture"} {
		if slices.Contains(ids, bad) {
			t.Errorf("term %q should not be extracted: %q", bad, ids)
		}
	}
	if tm, _ := find(res.Terms, "salaires"); tm.Lemma != "salaire" {
		t.Errorf("lemma of salaires = %q, want salaire", tm.Lemma)
	}
}

func TestExtractOtherLanguage(t *testing.T) {
	res := extract(t, []string{"El presidente firmó un acuerdo comercial con China."}, Options{Language: "es"})
	ids := termIDs(res.Terms)
	if !slices.Contains(ids, "presidente") || slices.Contains(ids, "China") || slices.Contains(ids, "un") {
		t.Errorf("terms = %q", ids)
	}
}

func TestExtractGermanAndChinese(t *testing.T) {
	res := extract(t, []string{"Die Regierung hat gestern ein neues Gesetz beschlossen."}, Options{Language: "de"})
	ids := termIDs(res.Terms)
	for _, want := range []string{"Regierung", "Gesetz"} {
		if !slices.Contains(ids, want) {
			t.Errorf("German: %q missing from %q", want, ids)
		}
	}
	if slices.Contains(ids, "Die") || slices.Contains(ids, "gestern") {
		t.Errorf("German: terms = %q", ids)
	}
	res = extract(t, []string{"我们的政府签署了贸易协议。"}, Options{Language: "zh"})
	for _, tm := range res.Terms {
		if tm.Ngrams > 3 || len([]rune(tm.TermID)) > 5 {
			t.Errorf("Chinese: term %q is not a character n-gram", tm.TermID)
		}
	}
	if !slices.Contains(termIDs(res.Terms), "政府") {
		t.Errorf("Chinese: terms %q lack 政府", termIDs(res.Terms))
	}
}

func TestExtractOddInput(t *testing.T) {
	res := extract(t, nil, Options{})
	if len(res.Terms) != 0 || len(res.DocTerms) != 0 {
		t.Errorf("empty input: %+v", res)
	}
	res = extract(t, []string{"", "   ", "!!! ???", "\xff\xfe garden\xc3( water \xed\xa0\x80", "😀😀", strings.Repeat("garden ", 5000), strings.Repeat("x", 100) + " forest"}, Options{})
	for _, tm := range res.Terms {
		if !utf8.ValidString(tm.TermID) || !utf8.ValidString(tm.Lemma) {
			t.Errorf("invalid UTF-8 in %+v", tm)
		}
	}
	if !slices.Contains(termIDs(res.Terms), "garden") {
		t.Errorf("terms = %q, want garden", termIDs(res.Terms))
	}
	if _, err := Extract(context.Background(), []string{"a"}, Options{SampleSize: -1}); err == nil {
		t.Error("negative sample size: no error")
	}
}

func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Extract(ctx, []string{"The garden is nice."}, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestExtractTweetsAreNouns(t *testing.T) {
	texts := testenv.DataColumns(t, "tweets_463.csv", "text")[0]
	res := extract(t, texts, Options{})
	if len(res.Terms) < 200 {
		t.Fatalf("only %d terms", len(res.Terms))
	}
	top := termIDs(res.Terms[:10])
	for _, want := range []string{"people", "country", "time"} {
		if !slices.Contains(top, want) {
			t.Errorf("top terms %q lack %q", top, want)
		}
	}
}
