package terms

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Clean applies the original's textacy preprocessing pipeline to one text:
//
//  1. invalid UTF-8 bytes become spaces, then Unicode NFC normalisation
//     (normalize.unicode);
//  2. bullet points at line starts become "-" (normalize.bullet_points);
//  3. curly and other fancy quotation marks become ' and " (normalize.quotation_marks);
//  4. zero-width characters are dropped, line breaks collapse to one "\n",
//     other whitespace runs to one space, ends trimmed (normalize.whitespace);
//  5. words hyphenated across a space or line break are joined:
//     "multi-\nline" -> "multiline", "well-known" is kept (normalize.hyphenated_words);
//  6. text in (), [] and {} is removed with its brackets (remove.brackets);
//  7. currency symbols become a space (replace.currency_symbols; textacy
//     writes "_CUR_", which after punctuation removal would become a
//     spurious word "CUR");
//  8. HTML tags are removed and entities decoded (remove.html_tags);
//  9. emoji are removed (replace.emojis with repl="").
//
// In addition URLs, "pic.twitter.com/..." links and e-mail addresses are
// removed: after textacy's punctuation removal they would become runs of
// junk words ("http www example com"). A URL glued to the word before it,
// as tweets often have them ("episodehttps://t.co/...",
// "monstrositywww.politi.co/..."), is cut off that word, which stays.
//
// Punctuation is kept: the tokenizer drops it and uses it to stop n-grams
// from crossing it, as the original's punctuation-to-space replacement
// followed by spaCy's whitespace tokens does.
func Clean(text string) string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	text = norm.NFC.String(text)
	if strings.ContainsAny(text, bullets) {
		text = reBullet.ReplaceAllString(text, "$1-")
	}
	text = quoteReplacer.Replace(text)
	text = normalizeWhitespace(text)
	text = joinHyphenated(text)
	if strings.ContainsAny(text, "{([") {
		text = reCurly.ReplaceAllString(text, "")
		text = reRound.ReplaceAllString(text, "")
		text = reSquare.ReplaceAllString(text, "")
	}
	text = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Sc, r) {
			return ' '
		}
		return r
	}, text)
	text = removeHTML(text)
	if strings.Contains(text, "://") || strings.Contains(text, "www.") ||
		strings.Contains(text, "pic.twitter") || strings.Contains(text, "@") {
		text = reURL.ReplaceAllString(text, " ")
	}
	if mayHoldDomain(text) {
		text = reDomain.ReplaceAllString(text, " ")
	}
	text = removeEmoji(text)
	return text
}

var (
	reBullet = regexp.MustCompile(`((?:^|\n)\s*?)[\x{2022}\x{2023}\x{2043}\x{204C}\x{204D}\x{2219}\x{25aa}\x{25CF}\x{25E6}\x{29BE}\x{29BF}\x{30fb}]`)
	reCurly  = regexp.MustCompile(`\{[^{}]*?\}`)
	reRound  = regexp.MustCompile(`\([^()]*?\)`)
	reSquare = regexp.MustCompile(`\[[^\[\]]*?\]`)
	// A tag starts with a letter, "/" or "!" right after "<", so that
	// "a < b" and "x<3" survive.
	reHTMLTag = regexp.MustCompile(`(?s)<!--.*?-->|<[A-Za-z/!?][^<>]*>`)
	reURL     = regexp.MustCompile(`(?i)(?:(?:https?|ftp)://|www\.[\w-]+\.|pic\.twitter\.com/)(?:\S*[^\s.,;:!?'"\x{2026}])?|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b`)
	reDomain  = regexp.MustCompile(`(?i)\b(?:[\w-]+\.)+(?:com|org|net|gov|edu|int|info|biz|io|co|ly|me|tv|us|uk|fr|de|eu)\b(?:/(?:\S*[^\s.,;:!?'"\x{2026}])?)?`)
)

const bullets = "\u2022\u2023\u2043\u204C\u204D\u2219\u25aa\u25CF\u25E6\u29BE\u29BF\u30fb"

var topLevelDomains = []string{"com", "org", "net", "gov", "edu", "int", "info", "biz", "io", "co", "ly", "me", "tv", "us", "uk", "fr", "de", "eu"}

// mayHoldDomain reports whether text has a "." followed by a top-level
// domain that reDomain removes, a cheap test before the regular expression.
func mayHoldDomain(text string) bool {
	for i := strings.IndexByte(text, '.'); i >= 0; {
		rest := text[i+1:]
		for _, tld := range topLevelDomains {
			if len(rest) >= len(tld) && strings.EqualFold(rest[:len(tld)], tld) {
				return true
			}
		}
		j := strings.IndexByte(rest, '.')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

var quoteReplacer = strings.NewReplacer(
	// single quotes, primes and angle quotes
	"\u2018", "'", "\u2019", "'", "\u201A", "'", "\u201B", "'",
	"\u2032", "'", "\u2035", "'", "\u2039", "'", "\u203A", "'",
	"`", "'", "\u00B4", "'", "\u02BC", "'",
	// double quotes, primes and guillemets
	"\u201C", `"`, "\u201D", `"`, "\u201E", `"`, "\u201F", `"`,
	"\u2033", `"`, "\u2036", `"`, "\u00AB", `"`, "\u00BB", `"`,
	"\u301D", `"`, "\u301E", `"`, "\u301F", `"`, "\uFF02", `"`,
)

// normalizeWhitespace drops zero-width characters, turns runs of line
// breaks (with any whitespace between them) into one "\n", other runs of
// whitespace into one space, and trims both ends.
func normalizeWhitespace(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	pendingSpace, pendingBreak := false, false
	for _, r := range text {
		switch {
		case r == '\u200B' || r == '\u200C' || r == '\u2060' || r == '\uFEFF':
			continue
		case r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == '\u2028' || r == '\u2029' || r == '\u0085':
			pendingBreak = true
			continue
		case unicode.IsSpace(r):
			pendingSpace = true
			continue
		}
		if b.Len() > 0 {
			if pendingBreak {
				b.WriteByte('\n')
			} else if pendingSpace {
				b.WriteByte(' ')
			}
		}
		pendingSpace, pendingBreak = false, false
		b.WriteRune(r)
	}
	return b.String()
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// joinHyphenated joins a word of two or more word characters that ends
// with "-" followed by whitespace to the next word of two or more word
// characters, unless a digit stands on either side of the break. This is
// textacy's pattern (\w{2,}(?<!\d))\-\s+((?!\d)\w{2,}).
func joinHyphenated(text string) string {
	if !strings.Contains(text, "-") {
		return text
	}
	rs := []rune(text)
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r != '-' {
			out = append(out, r)
			continue
		}
		// the word before: at least two word runes ending in a non-digit
		n := 0
		for j := len(out) - 1; j >= 0 && isWordRune(out[j]); j-- {
			n++
		}
		j := i + 1
		for j < len(rs) && unicode.IsSpace(rs[j]) {
			j++
		}
		m := 0
		for k := j; k < len(rs) && isWordRune(rs[k]); k++ {
			m++
		}
		if n >= 2 && !unicode.IsDigit(out[len(out)-1]) && j > i+1 && m >= 2 && !unicode.IsDigit(rs[j]) {
			i = j - 1 // drop the hyphen and the whitespace
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

// removeHTML strips tags and comments and decodes character references, as
// textacy's parser-based remove.html_tags does for well-formed markup.
func removeHTML(text string) string {
	if strings.ContainsRune(text, '<') {
		text = reHTMLTag.ReplaceAllString(text, "")
	}
	if strings.ContainsRune(text, '&') {
		text = html.UnescapeString(text)
	}
	return text
}

// isEmoji reports whether r belongs to the emoji and pictograph blocks,
// or is one of the joiners and modifiers used inside emoji sequences.
func isEmoji(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF: // mahjong ... symbols & pictographs ext-A, flags, skin tones
		return true
	case r >= 0x2600 && r <= 0x27BF: // miscellaneous symbols, dingbats
		return true
	case r >= 0x2300 && r <= 0x23FF: // miscellaneous technical (watch, hourglass...)
		return true
	case r >= 0x2B00 && r <= 0x2BFF: // arrows and stars
		return true
	case r >= 0xFE00 && r <= 0xFE0F: // variation selectors
		return true
	case r >= 0xE0020 && r <= 0xE007F: // tag characters
		return true
	case r == 0x200D || r == 0x20E3 || r == 0x3030 || r == 0x303D || r == 0x3297 || r == 0x3299:
		return true
	case r == 0x00A9 || r == 0x00AE || r == 0x2122 || r == 0x2139 || r == 0x24C2:
		return true
	case r >= 0x2194 && r <= 0x21AA:
		return true
	}
	return false
}

func removeEmoji(text string) string {
	for _, r := range text {
		if isEmoji(r) {
			return strings.Map(func(r rune) rune {
				if isEmoji(r) {
					return -1
				}
				return r
			}, text)
		}
	}
	return text
}
