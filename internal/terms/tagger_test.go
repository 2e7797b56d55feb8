package terms

import (
	"slices"
	"testing"

	"github.com/jdkato/prose/tag"
)

// TestTaggerAgreesWithLibrary checks the feature templates against the
// library that trained the weights: tags must agree but for prose's own
// special cases (trace symbols, handles, a first word's lower-case
// look-up) and the rare ties it breaks in random map order.
func TestTaggerAgreesWithLibrary(t *testing.T) {
	texts := []string{
		"The president signed a trade deal with China yesterday.",
		"Big protests in Iran. The people are finally getting wise as to how their money and wealth is being stolen.",
		"This package provides a command line tool to convert image files between formats.",
		"The quick brown fox jumps over the lazy dog while the farmer watches from the barn.",
		"Salmon is a wicked-fast program to produce highly-accurate transcript-level quantification estimates from RNA-seq data.",
		"We will make our economy strong again, and our borders will be secure!",
	}
	mine, err := loadEnglishTagger()
	if err != nil {
		t.Fatal(err)
	}
	lib := tag.NewPerceptronTagger()
	same, total := 0, 0
	for _, text := range texts {
		for _, s := range tokenize(Clean(text), false) {
			words := make([]string, len(s))
			for i, tk := range s {
				words[i] = tk.text
			}
			mine.tagSentence(s, words)
			ref := lib.Tag(words)
			for i := 1; i < len(s); i++ {
				total++
				if s[i].tag == ref[i].Tag {
					same++
				} else {
					t.Logf("%q: %s, library %s", s[i].text, s[i].tag, ref[i].Tag)
				}
			}
		}
	}
	if same*100 < total*98 {
		t.Errorf("agreement %d/%d, want at least 98%%", same, total)
	}
}

func TestTaggerIsDeterministic(t *testing.T) {
	tg, err := loadEnglishTagger()
	if err != nil {
		t.Fatal(err)
	}
	text := "Fake news media coverage of the border wall is a disgrace to journalism."
	var first []string
	for range 20 {
		s := tokenize(text, false)[0]
		words := make([]string, len(s))
		for i, tk := range s {
			words[i] = tk.text
		}
		tg.tagSentence(s, words)
		var tags []string
		for _, tk := range s {
			tags = append(tags, tk.tag)
		}
		if first == nil {
			first = tags
		} else if !slices.Equal(first, tags) {
			t.Fatalf("tags changed: %v then %v", first, tags)
		}
	}
}
