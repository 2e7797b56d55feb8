package terms

import (
	"strings"
	"unicode"
)

// maxTermWordRunes bounds the length of a word that can be part of a term:
// longer "words" are identifiers, hashes or unsegmented text.
const maxTermWordRunes = 40

// germanStopwords are the articles, pronouns and particles that start
// German sentences with a capital.
var germanStopwords = wordSet(`der die das den dem des ein eine einen einem
einer eines und oder aber ich du er sie es wir ihr man nicht auch noch wie
was wer wo wenn dann so da hier dort heute sehr mit von zu im in auf für an
bei nach aus um über unter vor dass ist sind war waren wird werden hat haben
dies diese dieser dieses jeder jede jedes kein keine alle viele mein meine
unser unsere sein seine ihre`)

// isCJK reports whether r belongs to a script written without spaces
// between words.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Thai, r)
}

// tagOther is the best effort for languages without a tagger or rules:
//   - German: the capitalised words, since German capitalises its nouns
//     (proper nouns included), articles and pronouns aside;
//   - Chinese, Japanese, Thai: every character is a word, so that terms are
//     runs of 1 to 3 characters;
//   - others: words of three or more letters, not capitalised inside a
//     sentence (proper nouns).
//
// Words in more than a tenth of the documents are dropped later (finish).
func tagOther(s sentence, language string) {
	for i := range s {
		t := &s[i]
		if t.punct || t.mention {
			continue
		}
		rs := []rune(t.text)
		if len(rs) > maxTermWordRunes || !lettersOnly(rs) {
			continue
		}
		switch {
		case len(rs) == 1 && isCJK(rs[0]):
			// a character of an unsegmented script
		case len(rs) < 3:
			continue
		case language == "german":
			if !unicode.IsUpper(rs[0]) || germanStopwords[strings.ToLower(t.text)] {
				continue
			}
		case i > 0 && unicode.IsUpper(rs[0]) && !isAllCaps(t.text):
			continue
		}
		t.noun = true
		t.lemma = strings.ToLower(t.text)
	}
}

func lettersOnly(rs []rune) bool {
	for _, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && r != '-' && r != '\'' {
			return false
		}
	}
	return true
}
