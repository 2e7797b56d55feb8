package terms

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/bunkatopics/bunka-go/internal/lang"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// Options configures Extract. The zero value means the original's defaults.
type Options struct {
	Language   string // "english", "french", ... or a code ("en"); "" means English
	SampleSize int    // documents sampled for term extraction; 0 means 1000
	Seed       int64  // sampling seed; 0 means 42, the original's
	MaxNgram   int    // longest n-gram in words; 0 means 3
	Workers    int    // documents processed in parallel; 0 means GOMAXPROCS
}

// Result holds the terms of a corpus.
type Result struct {
	// Terms are sorted by count_terms, then term_id.
	Terms []topicmap.Term
	// DocTerms[i] holds the term_ids found in texts[i], in order of first
	// appearance; it is empty (not nil) for documents without terms or
	// left out of the sample.
	DocTerms [][]string
}

const (
	defaultSampleSize = 1000
	defaultSeed       = 42
	defaultMaxNgram   = 3
)

// Extract finds the noun n-grams of texts, as the original's
// TextacyTermsExtractor does on the documents that BunkaTopics.fit samples
// for it: when there are at least SampleSize texts, SampleSize of them are
// drawn as Python's random.seed(Seed); random.sample(...) draws them, else
// all are used. Every sampled text is cleaned (see Clean), tokenized and
// tagged; its terms are the runs of 1 to MaxNgram consecutive common nouns
// (no proper noun, stop word, number or punctuation).
//
// Invalid UTF-8 is replaced by spaces. Extract returns ctx's error when ctx
// ends before the work is done.
func Extract(ctx context.Context, texts []string, opt Options) (*Result, error) {
	if opt.SampleSize < 0 || opt.MaxNgram < 0 || opt.Workers < 0 {
		return nil, fmt.Errorf("terms: negative option in %+v", opt)
	}
	sampleSize := cmp.Or(opt.SampleSize, defaultSampleSize)
	seed := cmp.Or(opt.Seed, defaultSeed)
	maxNgram := cmp.Or(opt.MaxNgram, defaultMaxNgram)
	workers := cmp.Or(opt.Workers, runtime.GOMAXPROCS(0))
	language := lang.Normalize(opt.Language)
	if language == "" {
		language = lang.English
	}

	var idx []int
	if len(texts) >= sampleSize {
		idx = pySample(len(texts), sampleSize, seed)
		slices.Sort(idx)
	} else {
		idx = make([]int, len(texts))
		for i := range idx {
			idx[i] = i
		}
	}

	an, err := newAnalyzer(language)
	if err != nil {
		return nil, err
	}
	perDoc := make([][]docTerm, len(idx))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for k, i := range idx {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			perDoc[k] = an.docTerms(texts[i], maxNgram)
			return nil
		})
	}
	if err := cmp.Or(g.Wait(), ctx.Err()); err != nil {
		return nil, fmt.Errorf("terms: extract: %w", err)
	}
	an.finish(perDoc)

	res := &Result{DocTerms: make([][]string, len(texts))}
	for i := range res.DocTerms {
		res.DocTerms[i] = []string{}
	}
	byID := make(map[string]*topicmap.Term)
	for k, dts := range perDoc {
		ids := make([]string, 0, len(dts))
		for _, dt := range dts {
			ids = append(ids, dt.text)
			t, ok := byID[dt.text]
			if !ok {
				t = &topicmap.Term{TermID: dt.text, Lemma: dt.lemma, Ent: "", Ngrams: dt.n}
				byID[dt.text] = t
			} else if dt.lemma < t.Lemma {
				t.Lemma = dt.lemma // the same text lemmatised differently: keep one, whatever the order
			}
			t.CountTerms++
		}
		res.DocTerms[idx[k]] = ids
	}
	res.Terms = make([]topicmap.Term, 0, len(byID))
	for _, t := range byID {
		res.Terms = append(res.Terms, *t)
	}
	slices.SortFunc(res.Terms, func(a, b topicmap.Term) int {
		return cmp.Or(cmp.Compare(b.CountTerms, a.CountTerms), strings.Compare(a.TermID, b.TermID))
	})
	return res, nil
}

// docTerm is one distinct term of a document.
type docTerm struct {
	text  string
	lemma string
	n     int
}

// analyzer finds the nouns of one language.
type analyzer struct {
	language string
	english  *englishTagger
}

func newAnalyzer(language string) (*analyzer, error) {
	an := &analyzer{language: language}
	if language == lang.English {
		t, err := loadEnglishTagger()
		if err != nil {
			return nil, err
		}
		an.english = t
	}
	return an, nil
}

// docTerms returns the distinct terms of one text: unigrams in order of
// appearance, then bigrams, then trigrams, as textacy lists them.
func (an *analyzer) docTerms(text string, maxNgram int) []docTerm {
	sents := tokenize(Clean(text), an.language == lang.French)
	for _, s := range sents {
		an.tag(s)
	}
	var out []docTerm
	seen := make(map[string]bool)
	for n := 1; n <= maxNgram; n++ {
		for _, s := range sents {
			for i := 0; i+n <= len(s); i++ {
				if !allNouns(s[i : i+n]) {
					continue
				}
				text, lemma := joinTokens(s[i : i+n])
				if seen[text] {
					continue
				}
				seen[text] = true
				out = append(out, docTerm{text: text, lemma: lemma, n: n})
			}
		}
	}
	return out
}

// lemmaWords splits a lemma into its words, characters of unsegmented
// scripts apart.
func lemmaWords(lemma string) []string {
	var out []string
	for _, f := range strings.Fields(lemma) {
		r, _ := utf8.DecodeRuneInString(f)
		if !isCJK(r) {
			out = append(out, f)
			continue
		}
		for _, c := range f {
			out = append(out, string(c))
		}
	}
	return out
}

// joinTokens returns the text and the lemma of a run of tokens: words
// joined by spaces, characters of unsegmented scripts without.
func joinTokens(ts []token) (text, lemma string) {
	var tb, lb strings.Builder
	for k, t := range ts {
		if k > 0 && !(isCJKToken(ts[k-1]) && isCJKToken(t)) {
			tb.WriteByte(' ')
			lb.WriteByte(' ')
		}
		tb.WriteString(t.text)
		lb.WriteString(t.lemma)
	}
	return tb.String(), lb.String()
}

func isCJKToken(t token) bool {
	r, size := utf8.DecodeRuneInString(t.text)
	return size == len(t.text) && isCJK(r)
}

func allNouns(ts []token) bool {
	for _, t := range ts {
		if !t.noun {
			return false
		}
	}
	return true
}

// finish applies corpus-level filters once every document is done. For
// languages without stop-word list it drops the terms holding a word found
// in more than a tenth of 20 or more documents: in any language the most
// widespread words are function words.
func (an *analyzer) finish(perDoc [][]docTerm) {
	if an.language == lang.English || an.language == lang.French || len(perDoc) < 20 {
		return
	}
	df := make(map[string]int)
	for _, dts := range perDoc {
		for _, dt := range dts {
			if dt.n == 1 {
				df[dt.lemma]++
			}
		}
	}
	for k, dts := range perDoc {
		kept := dts[:0]
		for _, dt := range dts {
			stop := false
			for _, w := range lemmaWords(dt.lemma) {
				if df[w]*10 > len(perDoc) {
					stop = true
					break
				}
			}
			if !stop {
				kept = append(kept, dt)
			}
		}
		perDoc[k] = kept
	}
}

// tag sets tag, noun and lemma on the tokens of s.
func (an *analyzer) tag(s sentence) {
	switch an.language {
	case lang.English:
		an.tagEnglish(s)
	case lang.French:
		tagFrench(s)
	default:
		tagOther(s, an.language)
	}
}

func (an *analyzer) tagEnglish(s sentence) {
	words := make([]string, len(s))
	caps, cased := 0, 0
	for i, t := range s {
		words[i] = t.text
		if !t.punct && hasLetter(t.text) {
			cased++
			if isAllCaps(t.text) {
				caps++
			}
		}
	}
	// A shouted sentence ("OUR GREAT COUNTRY MUST HAVE BORDER SECURITY")
	// is tagged in lower case; else every word would look like a name.
	if cased >= 3 && caps*5 >= cased*4 {
		for i := range words {
			words[i] = strings.ToLower(words[i])
		}
	}
	an.english.tagSentence(s, words)
	for i := range s {
		t := &s[i]
		if t.punct || t.mention || (t.tag != "NN" && t.tag != "NNS") {
			continue
		}
		lower := strings.ToLower(t.text)
		if n := len([]rune(lower)); n < 2 || n > maxTermWordRunes || englishStopwords[lower] || !hasLetter(lower) {
			continue
		}
		if englishInterjections[lower] || isCamelCase(t.text) || (lower == "right" && !nounBefore(s, i)) {
			continue
		}
		t.noun = true
		if t.tag == "NNS" {
			t.lemma = englishSingular(lower)
		} else {
			t.lemma = lower
		}
	}
}

// isCamelCase reports whether w has an upper-case letter right after a
// lower-case one ("TaxReform", "realDonaldTrump", "JavaScript", "getValue"):
// a hashtag, a handle, a product name or an identifier, which spaCy tags
// PROPN or X, never a common noun.
func isCamelCase(w string) bool {
	prevLower := false
	for _, r := range w {
		if prevLower && unicode.IsUpper(r) {
			return true
		}
		prevLower = unicode.IsLower(r)
	}
	return false
}

// nounBefore reports whether the token before s[i] can open or modify a
// noun phrase (a determiner, a possessive, a number, an adjective or a
// noun: "a right", "their right", "constitutional right"). The tagger tags
// "right" NN where it is an adverb or an adjective ("right now", "you are
// right"), the readings it has without such a word before it.
func nounBefore(s sentence, i int) bool {
	if i == 0 || s[i-1].punct {
		return false
	}
	switch s[i-1].tag {
	case "DT", "PDT", "PRP$", "POS", "CD", "JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS":
		return true
	}
	return false
}
