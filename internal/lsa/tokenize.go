package lsa

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// tokenizer splits texts into terms, after NFKC normalisation (so that
// composed and decomposed accents, ligatures and full-width forms meet):
// lower-case words of Unicode letters,
// digits and combining marks, at least two characters long, not purely
// digits, not stopwords; and, unless bigrams is false, the pairs of such
// words that stand next to each other in the text (joined by one space). A
// stopword, a dropped token or a punctuation mark other than a hyphen or an
// apostrophe breaks a pair.
type tokenizer struct {
	stop    map[string]bool
	bigrams bool
}

// terms appends the terms of text to dst, words and pairs in text order.
func (tk *tokenizer) terms(dst []string, text string) []string {
	var b strings.Builder
	text = norm.NFKC.String(text)
	prev := "" // the previous kept word, "" after a break
	flush := func() {
		if b.Len() == 0 {
			return
		}
		w := b.String()
		b.Reset()
		if !keep(w) || tk.stop[w] {
			prev = ""
			return
		}
		dst = append(dst, w)
		if tk.bigrams && prev != "" {
			dst = append(dst, prev+" "+w)
		}
		prev = w
	}
	for _, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsSpace(r) || r == '-' || r == '\'' || r == '’' || r == '‐':
			flush()
		default:
			flush()
			prev = ""
		}
	}
	flush()
	return dst
}

// keep reports whether a lower-cased word may be a term: two characters or
// more and not only digits.
func keep(w string) bool {
	n, digits := 0, true
	for _, r := range w {
		n++
		if !unicode.IsDigit(r) {
			digits = false
		}
	}
	return n >= 2 && !digits
}

// stopwords returns the stopword set for a language: "english" or "en"
// (and ""), "french" or "fr", or for any other language both lists.
func stopwords(language string) map[string]bool {
	var lists []string
	switch strings.ToLower(strings.TrimSpace(language)) {
	case "", "english", "en":
		lists = []string{englishStop}
	case "french", "fr", "français", "francais":
		lists = []string{frenchStop}
	default:
		lists = []string{englishStop, frenchStop}
	}
	m := make(map[string]bool)
	for _, l := range lists {
		for _, w := range strings.Fields(l) {
			m[w] = true
		}
	}
	return m
}
