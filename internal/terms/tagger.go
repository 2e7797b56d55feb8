package terms

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/jdkato/prose/tag"
)

// englishTagger is an averaged-perceptron part-of-speech tagger with Penn
// Treebank tags (Collins 2002; Honnibal's "A good part-of-speech tagger in
// about 200 lines of Python", 2013, as packaged in TextBlob). Its weights
// are those that github.com/jdkato/prose/tag ships; inference is done here
// over a compact copy of them so that it is deterministic (a fixed order
// of summation, ties broken by the larger tag name as in the Python
// original; the library sums over Go maps in random order) and allocates
// little.
type englishTagger struct {
	classes  []string          // sorted tag names
	tagdict  map[string]uint8  // unambiguous frequent words -> class
	features map[string]weight // feature -> span of entries
	entries  []entry
}

type weight struct{ off, n uint32 }

type entry struct {
	class uint8
	w     float32
}

var (
	englishOnce sync.Once
	englishTag  *englishTagger
	englishErr  error
)

// loadEnglishTagger decodes the model once (about 0.2 s and 30 MB of
// transient allocations) and keeps a compact copy (a few MB).
func loadEnglishTagger() (*englishTagger, error) {
	englishOnce.Do(func() {
		englishTag, englishErr = compactTaggerFromLibrary()
	})
	return englishTag, englishErr
}

func compactTagger(pt *tag.PerceptronTagger) (*englishTagger, error) {
	classes := slices.Clone(pt.Classes())
	slices.Sort(classes)
	if len(classes) == 0 || len(classes) > 256 {
		return nil, fmt.Errorf("terms: English tagger has %d classes", len(classes))
	}
	index := make(map[string]uint8, len(classes))
	for i, c := range classes {
		index[c] = uint8(i)
	}
	t := &englishTagger{
		classes:  classes,
		tagdict:  make(map[string]uint8, len(pt.TagMap())),
		features: make(map[string]weight, len(pt.Weights())),
	}
	for w, c := range pt.TagMap() {
		if i, ok := index[c]; ok {
			t.tagdict[w] = i
		}
	}
	// Features are visited in sorted order so that the layout, and with it
	// everything downstream, is the same on every run.
	weights := pt.Weights()
	feats := make([]string, 0, len(weights))
	for f := range weights {
		feats = append(feats, f)
	}
	slices.Sort(feats)
	for _, f := range feats {
		off := len(t.entries)
		for c, w := range weights[f] {
			if i, ok := index[c]; ok && w != 0 {
				t.entries = append(t.entries, entry{class: i, w: float32(w)})
			}
		}
		slices.SortFunc(t.entries[off:], func(a, b entry) int { return int(a.class) - int(b.class) })
		if n := len(t.entries) - off; n > 0 {
			t.features[f] = weight{off: uint32(off), n: uint32(n)}
		}
	}
	return t, nil
}

// tagSentence sets the tag of every token of s. words are the forms to tag
// (the tokens' texts, possibly lower-cased for all-caps sentences).
func (t *englishTagger) tagSentence(s sentence, words []string) {
	ctx := make([]string, len(words)+4)
	ctx[0], ctx[1] = "-START-", "-START2-"
	for i, w := range words {
		ctx[i+2] = normalizeForTagger(w)
	}
	ctx[len(ctx)-2], ctx[len(ctx)-1] = "-END-", "-END2-"
	scores := make([]float64, len(t.classes))
	buf := make([]byte, 0, 64)
	p1, p2 := "-START-", "-START2-"
	first := true // no word yet but handles: "@ user : Enjoy !" starts at "Enjoy"
	for i, w := range words {
		var tg string
		if c, ok := t.lookup(w, first); ok {
			tg = t.classes[c]
		} else {
			j := i + 2
			best := t.predict(scores, buf, w, p1, p2, ctx[j-2:j+3])
			tg = t.classes[best]
			if first && (tg == "NN" || tg == "NNS") {
				tg = t.firstWordTag(scores, buf, ctx[j], ctx[j+1], tg)
			}
		}
		s[i].tag = tg
		if !s[i].punct && !s[i].mention {
			first = false
		}
		p2, p1 = p1, tg
	}
}

// predict returns the best class for word w at the centre of the window
// ctx (the normalised words from i-2 to i+2), after the tags p1 and p2.
func (t *englishTagger) predict(scores []float64, buf []byte, w, p1, p2 string, ctx []string) int {
	clear(scores)
	t.add(scores, append(buf[:0], "bias"...))
	t.add(scores, feature(buf, "i suffix", lastRunes(w, 3)))
	t.add(scores, feature(buf, "i pref1", firstRune(w)))
	t.add(scores, feature(buf, "i-1 tag", p1))
	t.add(scores, feature(buf, "i-2 tag", p2))
	t.add(scores, feature(buf, "i tag+i-2 tag", p1, p2))
	t.add(scores, feature(buf, "i word", ctx[2]))
	t.add(scores, feature(buf, "i-1 tag+i word", p1, ctx[2]))
	t.add(scores, feature(buf, "i-1 word", ctx[1]))
	t.add(scores, feature(buf, "i-1 suffix", lastRunes(ctx[1], 3)))
	t.add(scores, feature(buf, "i-2 word", ctx[0]))
	t.add(scores, feature(buf, "i+1 word", ctx[3]))
	t.add(scores, feature(buf, "i+1 suffix", lastRunes(ctx[3], 3)))
	t.add(scores, feature(buf, "i+2 word", ctx[4]))
	best := 0
	for c := 1; c < len(scores); c++ {
		if scores[c] >= scores[best] { // ties: the larger tag name, as max((score, label))
			best = c
		}
	}
	return best
}

// firstWordTag corrects the tag of a sentence's first word that the model
// tags tg, a common noun. The model, trained on news text, has learnt that
// a sentence opens on a noun far more often than it does in tweets and
// package descriptions, which open on imperatives, verbs without subject
// and interjections ("Enjoy !", "Look at the deal", "Hope you are well",
// "Creates a report", "Simple library for ...", "Yeah !"): they come out
// NN or NNS. The weights of the word itself (the "i word" feature; lw is
// its normalised form, next the normalised word after it) decide:
//   - when they favour an adjective, adverb or interjection, that tag is
//     taken;
//   - when they favour a verb, that tag is taken if it beats tg's own
//     weight by 1 or more, or if the next word is a function word or ends
//     a clause, as after an imperative ("Look at", "Hope you", "Enjoy !"),
//     but never before "of" or a finite verb ("Set of tools", "Transport
//     is ..."): a word about as often a noun as a verb stays a noun
//     there and before a word or a name ("Package clock provides ...");
//   - when they favour a noun ("Vote", "Work", "Time"), tg stays.
func (t *englishTagger) firstWordTag(scores []float64, buf []byte, lw, next, tg string) string {
	if strings.HasPrefix(lw, "!") { // !HYPHEN, !DIGITS, !YEAR: classes of words, not a word
		return tg
	}
	wt, ok := t.features[string(feature(buf, "i word", lw))]
	if !ok {
		return tg
	}
	clear(scores)
	for _, e := range t.entries[wt.off : wt.off+wt.n] {
		scores[e.class] += float64(e.w)
	}
	best := 0
	for c := 1; c < len(scores); c++ {
		if scores[c] >= scores[best] {
			best = c
		}
	}
	lt := t.classes[best]
	if scores[best] <= 0 || strings.HasPrefix(lt, "NN") {
		return tg
	}
	if !strings.HasPrefix(lt, "VB") {
		return lt
	}
	if next == "of" || t.finiteVerb(next) {
		return tg
	}
	own := 0.0
	if c, ok := slices.BinarySearch(t.classes, tg); ok {
		own = scores[c]
	}
	if scores[best]-max(own, 0) >= 1 || t.functionWord(next) {
		return lt
	}
	return tg
}

// finiteVerb reports whether the model always tags w, a normalised word,
// as a finite verb or a modal.
func (t *englishTagger) finiteVerb(w string) bool {
	c, ok := t.tagdict[w]
	if !ok {
		return false
	}
	switch t.classes[c] {
	case "VBZ", "VBP", "VBD", "MD":
		return true
	}
	return false
}

// functionWord reports whether w, a normalised word of the tagger's
// context, is the end of the sentence, a mark that ends a clause, or a word
// that the model always tags as a determiner, a pronoun, a preposition
// (but "to" and "for", which follow nouns as often: "Package to manage
// ...", "package for ...") or a particle.
func (t *englishTagger) functionWord(w string) bool {
	switch w {
	case "-END-", ".", "!", "?", ",", ":", ";", "...", "!!":
		return true
	case "to", "for":
		return false
	}
	c, ok := t.tagdict[w]
	if !ok {
		return false
	}
	switch t.classes[c] {
	case "DT", "PDT", "PRP", "PRP$", "IN", "RP", "WDT", "WP", "WRB", "CC":
		return true
	}
	return false
}

// lookup returns the class of a frequent unambiguous word. A capitalised
// first word of a sentence is also looked up in lower case ("Great" as
// "great"), since its capital says nothing of its part of speech.
func (t *englishTagger) lookup(w string, first bool) (uint8, bool) {
	if c, ok := t.tagdict[w]; ok {
		return c, true
	}
	if first && w != "" && w[0] >= 'A' && w[0] <= 'Z' && !isAllCaps(w) {
		c, ok := t.tagdict[strings.ToLower(w)]
		return c, ok
	}
	return 0, false
}

// feature writes the name of a feature, its parts joined by spaces, into buf.
func feature(buf []byte, name string, parts ...string) []byte {
	buf = append(buf[:0], name...)
	for _, p := range parts {
		buf = append(buf, ' ')
		buf = append(buf, p...)
	}
	return buf
}

// add adds the weights of feature f to scores.
func (t *englishTagger) add(scores []float64, f []byte) {
	if wt, ok := t.features[string(f)]; ok {
		for _, e := range t.entries[wt.off : wt.off+wt.n] {
			scores[e.class] += float64(e.w)
		}
	}
}

// normalizeForTagger maps a word to the form the model was trained on.
func normalizeForTagger(w string) string {
	if w == "" {
		return w
	}
	first, _ := utf8.DecodeRuneInString(w)
	switch {
	case strings.Contains(w, "-") && first != '-':
		return "!HYPHEN"
	case len(w) == 4 && isAllDigits(w):
		return "!YEAR"
	case unicode.IsDigit(first):
		return "!DIGITS"
	}
	return strings.ToLower(w)
}

func isAllDigits(w string) bool {
	_, err := strconv.Atoi(w)
	return err == nil && w[0] != '-' && w[0] != '+'
}

func lastRunes(w string, n int) string {
	i := len(w)
	for k := 0; k < n && i > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(w[:i])
		i -= size
	}
	return w[i:]
}

func firstRune(w string) string {
	_, size := utf8.DecodeRuneInString(w)
	return w[:size]
}

func compactTaggerFromLibrary() (t *englishTagger, err error) {
	defer func() {
		if r := recover(); r != nil { // prose panics on a corrupt model
			err = fmt.Errorf("terms: load English tagger: %v", r)
		}
	}()
	return compactTagger(tag.NewPerceptronTagger())
}
