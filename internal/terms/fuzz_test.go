package terms

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDocTerms checks that no input makes the extraction panic or produce
// invalid UTF-8 or malformed terms, in every language path.
func FuzzDocTerms(f *testing.F) {
	for _, s := range []string{
		"The president signed a trade deal with China.",
		"Le président a signé l'accord d'aujourd'hui.",
		"multi-\nline (aside) [x] {y} $5 <b>bold</b> &amp; 😀 https://x.co/a U.S. e.g. Mr.",
		"\xff\xfe\xed\xa0\x80 a\u0301 '''' --- ... @ @@ # 3.5,1,000 n't 's",
		"我们的政府签署了贸易协议。Die Regierung.",
		"",
	} {
		f.Add(s)
	}
	langs := []string{"english", "french", "german", "chinese"}
	if _, err := loadEnglishTagger(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, l := range langs {
			an, err := newAnalyzer(l)
			if err != nil {
				t.Fatal(err)
			}
			for _, dt := range an.docTerms(text, 3) {
				if !utf8.ValidString(dt.text) || !utf8.ValidString(dt.lemma) {
					t.Fatalf("%s: invalid UTF-8 in %+v", l, dt)
				}
				if dt.text == "" || dt.n < 1 || dt.n > 3 || strings.TrimSpace(dt.text) != dt.text {
					t.Fatalf("%s: malformed term %+v", l, dt)
				}
			}
		}
	})
}
