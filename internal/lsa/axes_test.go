package lsa_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/bourdieu"
	"github.com/bunkatopics/bunka-go/internal/csvdocs"
	"github.com/bunkatopics/bunka-go/internal/embed"
	"github.com/bunkatopics/bunka-go/internal/lsa"
	"github.com/bunkatopics/bunka-go/internal/testenv"
)

// defaultAxes are the Bourdieu axes that clients send by default: the
// original frontend's (web/src/QueryView.jsx: past/future and
// positive/negative) and the README's, which are the API's defaults
// (war/peace and men/women).
var defaultAxes = []struct {
	name        string
	left, right string
}{
	{"frontend x", "past", "future"},
	{"frontend y", "positive", "negative"},
	{"README x", "war", "peace"},
	{"README y", "men", "women"},
}

// TestDefaultAxesPlaced fits the builtin embedder on each shared corpus
// and on the French corpus of examples/ and checks that every word of the default axes can be placed, and each
// axis drawn (its two ends embed to different vectors). Run with -v for
// the table of docs/BENCHMARKS.md.
func TestDefaultAxesPlaced(t *testing.T) {
	if testing.Short() {
		t.Skip("fits four corpora")
	}
	type corpusFile struct{ name, path, language string }
	var corpora []corpusFile
	for _, name := range []string{"tweets_463.csv", "debian_en_2k.csv", "debian_en_10k.csv"} {
		corpora = append(corpora, corpusFile{name, testenv.DataFile(t, name), "english"})
	}
	// The frontend sends its English axis words whatever the language.
	corpora = append(corpora, corpusFile{"debian_fr_1k.csv", filepath.Join("..", "..", "examples", "debian_fr_1k.csv"), "french"})
	for _, c := range corpora {
		corpus := c.name
		f, err := os.Open(c.path)
		if err != nil {
			t.Fatal(err)
		}
		texts, err := csvdocs.Read(f, "text", 0)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		_, space, err := lsa.New(lsa.Options{Language: c.language, Seed: 42}).EmbedDocuments(context.Background(), texts)
		if err != nil {
			t.Fatal(err)
		}
		var words, axes []string
		placed, drawn := 0, 0
		for _, ax := range defaultAxes {
			for _, w := range []string{ax.left, ax.right} {
				_, err := space.EmbedQueries(context.Background(), []string{w})
				switch {
				case err == nil:
					placed++
					words = append(words, w)
				case !errorsIsUnknown(err):
					t.Fatalf("%s: %q: %v", corpus, w, err)
				default:
					words = append(words, w+" (no)")
				}
			}
			if _, err := bourdieu.Continuum(context.Background(), space, []string{ax.left}, []string{ax.right}); err == nil {
				drawn++
				axes = append(axes, ax.name)
			}
		}
		t.Logf("%s: words placed %d/8 [%s]; axes drawn %d/4 [%s]", corpus, placed, strings.Join(words, ", "), drawn, strings.Join(axes, ", "))
		if placed != 8 || drawn != 4 {
			t.Errorf("%s: %d of 8 default axis words placed, %d of 4 axes drawn", corpus, placed, drawn)
		}
	}
}

func errorsIsUnknown(err error) bool { return errors.Is(err, embed.ErrUnknownText) }
