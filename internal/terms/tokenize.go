package terms

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word or punctuation mark of a cleaned text.
type token struct {
	text    string
	punct   bool // punctuation or symbol: never part of a term, stops n-grams
	mention bool // the word after "@": a user handle, never a term
	tag     string
	noun    bool
	lemma   string
}

// sentence is a run of tokens tagged together.
type sentence []token

// tokenize splits a cleaned text into sentences of tokens. Words keep
// inner hyphens ("e-mail"), inner apostrophes ("O'Brien") and inner
// periods of abbreviations ("U.S.") and numbers ("3.5"); English clitics
// are split as in the Penn Treebank ("do" "n't", "Trump" "'s"), French
// elisions are split after the apostrophe ("l'" "homme") when french is
// true. Every other non-word character is a punctuation token. Sentences
// end after ".", "!", "?", "…" and at line breaks.
func tokenize(text string, french bool) []sentence {
	var (
		sents      []sentence
		cur        sentence
		nextIsNick bool
	)
	flush := func() {
		if len(cur) > 0 {
			sents = append(sents, cur)
			cur = nil
		}
	}
	addWord := func(w string) {
		cur = append(cur, token{text: w, mention: nextIsNick})
		nextIsNick = false
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n':
			flush()
			i += size
		case unicode.IsSpace(r):
			i += size
		case isCJK(r):
			addWord(text[i : i+size]) // one word per character
			i += size
		case isWordRune(r):
			n := wordEnd(text, i)
			if n < len(text) && text[n] == '.' && abbreviations[text[i:n]] {
				n++ // "Mr." does not end a sentence
			}
			word := text[i:n]
			i = n
			for _, w := range splitClitics(word, french) {
				addWord(w)
			}
		default:
			// a run of the same punctuation rune is one token ("...", "!!")
			n := i + size
			for n < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[n:])
				if r2 != r {
					break
				}
				n += s2
			}
			p := text[i:n]
			i = n
			if r == '@' {
				nextIsNick = true
			} else {
				nextIsNick = false
			}
			cur = append(cur, token{text: p, punct: true})
			if r == '.' || r == '!' || r == '?' || r == '…' {
				flush()
			}
		}
	}
	flush()
	return sents
}

// wordEnd returns the end of the word starting at i: word runes, joined
// across a single "-" or "'" between two word runes, a "." or "," between
// two digits ("3.5", "1,000") and the periods of letter abbreviations
// ("U.S.", "e.g.", final period included).
func wordEnd(text string, i int) int {
	j := i
	segLen := 0    // word runes in the current segment
	abbrev := true // every segment so far is a single letter followed by "."
	dots := 0      // periods joined so far
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if isCJK(r) {
			break
		}
		if isWordRune(r) {
			j += size
			segLen++
			continue
		}
		if r != '-' && r != '\'' && r != '.' && r != ',' {
			break
		}
		prev, _ := utf8.DecodeLastRuneInString(text[:j])
		next, nsize := utf8.DecodeRuneInString(text[j+size:])
		single := abbrev && segLen == 1 && unicode.IsLetter(prev)
		if !isWordRune(next) {
			if r == '.' && single && dots > 0 {
				j += size // the final period of "U.S."
			}
			break
		}
		switch r {
		case '.':
			digits := unicode.IsDigit(prev) && unicode.IsDigit(next)
			after, _ := utf8.DecodeRuneInString(text[j+size+nsize:])
			letters := single && unicode.IsLetter(next) && !isWordRune(after)
			if !digits && !letters {
				return j
			}
			abbrev = letters
			dots++
		case ',':
			if !unicode.IsDigit(prev) || !unicode.IsDigit(next) {
				return j
			}
			abbrev = false
		default:
			abbrev = false
		}
		segLen = 0
		j += size
	}
	return j
}

// abbreviations are the titles and short forms after which a period does
// not end the sentence.
var abbreviations = wordSet(`Mr Mrs Ms Dr Prof Sr Jr St Mt Gen Gov Sen Rep
Lt Col Sgt Capt Cmdr Adm Rev Hon Pres Inc Ltd Corp Co vs etc approx Jan Feb
Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec No Nos Fig Vol pp M Mme Mlle MM Me
cf ca`)

var englishClitics = []string{"'s", "'re", "'ll", "'m", "'ve", "'d"}

var frenchElisions = map[string]bool{
	"l": true, "d": true, "j": true, "m": true, "n": true, "s": true, "t": true, "c": true,
	"qu": true, "jusqu": true, "lorsqu": true, "puisqu": true, "quoiqu": true, "presqu": true,
}

// splitClitics splits English clitics off the end of a word and French
// elided articles and pronouns off its start.
func splitClitics(word string, french bool) []string {
	if !strings.ContainsRune(word, '\'') {
		return []string{word}
	}
	if french {
		var out []string
		for {
			k := strings.IndexByte(word, '\'')
			if k <= 0 || k == len(word)-1 || !frenchElisions[strings.ToLower(word[:k])] {
				break
			}
			out = append(out, word[:k+1])
			word = word[k+1:]
		}
		return append(out, word)
	}
	lower := strings.ToLower(word)
	if strings.HasSuffix(lower, "n't") && len(word) > 3 {
		return []string{word[:len(word)-3], word[len(word)-3:]}
	}
	for _, c := range englishClitics {
		if strings.HasSuffix(lower, c) && len(word) > len(c) {
			return []string{word[:len(word)-len(c)], word[len(word)-len(c):]}
		}
	}
	return []string{word}
}
