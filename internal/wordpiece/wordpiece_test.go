package wordpiece

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const fixture = "../onnx/testdata/tinybert"

type expected struct {
	Cases []struct {
		Text   string   `json:"text"`
		Tokens []string `json:"tokens"`
		IDs    []int64  `json:"ids"`
	} `json:"cases"`
	Truncated struct {
		Text  string `json:"text"`
		Cases []struct {
			MaxTokens int     `json:"max_tokens"`
			IDs       []int64 `json:"ids"`
		} `json:"cases"`
	} `json:"truncated"`
}

func readExpected(t *testing.T) expected {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixture, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e expected
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestFixture checks both loaders against the ids computed by the Python
// tokenizer of gen_tiny_bert.py.
func TestFixture(t *testing.T) {
	e := readExpected(t)
	for _, file := range []string{"tokenizer.json", "vocab.txt"} {
		tok, err := Load(filepath.Join(fixture, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range e.Cases {
			if got := tok.Encode(c.Text, 256); !slices.Equal(got, c.IDs) {
				t.Errorf("%s: Encode(%q) = %v, want %v", file, c.Text, got, c.IDs)
			}
			want := c.Tokens[1 : len(c.Tokens)-1]
			if got := tok.Tokens(c.Text); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("%s: Tokens(%q) = %q, want %q", file, c.Text, got, want)
			}
		}
		for _, c := range e.Truncated.Cases {
			if got := tok.Encode(e.Truncated.Text, c.MaxTokens); !slices.Equal(got, c.IDs) {
				t.Errorf("%s: Encode(long, %d) = %v, want %v", file, c.MaxTokens, got, c.IDs)
			}
		}
	}
}

// TestBertFacts checks, on a hand-made vocabulary, what bert-base-uncased's
// tokenizer is known to do.
func TestBertFacts(t *testing.T) {
	vocab := []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
		"hello", "world", "!", ",", "'", "$", "cafe", "un", "##aff", "##able", "want", "##ed",
		"a", "##a", "s", "e", "大", "."}
	tok, err := FromVocab(strings.NewReader(strings.Join(vocab, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		desc, text string
		want       []string
	}{
		{"lowercase and punctuation split", "Hello, World!", []string{"hello", ",", "world", "!"}},
		{"accents stripped", "Café CAFÉ cafe\u0301", []string{"cafe", "cafe", "cafe"}},
		{"continuation pieces", "unaffable wanted", []string{"un", "##aff", "##able", "want", "##ed"}},
		{"no piece fits: the whole word is unknown", "unaffablez", []string{"[UNK]"}},
		{"ascii symbols are punctuation", "$hello", []string{"$", "hello"}},
		{"apostrophe splits", "world's", []string{"world", "'", "s"}},
		{"100 characters is a word", strings.Repeat("a", 100), append([]string{"a"}, slices.Repeat([]string{"##a"}, 99)...)},
		{"101 characters is unknown", strings.Repeat("a", 101), []string{"[UNK]"}},
		{"CJK ideographs are words", "hello大world", []string{"hello", "大", "world"}},
		{"controls dropped, whitespace splits", "hel\u0000lo\u200b\u00a0world\u2003!", []string{"hello", "world", "!"}},
		{"ascii controls dropped", "hel\x0blo\x7f\x1f world\x0c", []string{"hello", "world"}},
		{"special tokens kept", "hello[MASK]world", []string{"hello", "[MASK]", "world"}},
		{"special tokens are case-sensitive", "[mask]", []string{"[UNK]", "[UNK]", "[UNK]"}},
		{"empty", "  \t\n ", nil},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			if got := tok.Tokens(tc.text); !slices.Equal(got, tc.want) {
				t.Errorf("Tokens(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
	if got, want := tok.Encode("hello world", 0), []int64{2, 5, 6, 3}; !slices.Equal(got, want) {
		t.Errorf("Encode = %v, want %v", got, want)
	}
	if got, want := tok.Encode("hello world", 3), []int64{2, 5, 3}; !slices.Equal(got, want) {
		t.Errorf("Encode(3) = %v, want %v", got, want)
	}
	if got, want := tok.Encode("hello world", 1), []int64{2, 3}; !slices.Equal(got, want) {
		t.Errorf("Encode(1) = %v, want %v", got, want)
	}
}

// TestMiniLM checks known bert-base-uncased ids with the real tokenizer,
// when make model has been run.
func TestMiniLM(t *testing.T) {
	path := filepath.Join("..", "..", "models", "all-MiniLM-L6-v2", "tokenizer.json")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("real tokenizer not present (%s); run make model", path)
	}
	tok, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	// [CLS] hello world [SEP] in bert-base-uncased.
	if got, want := tok.Encode("Hello World", 256), []int64{101, 7592, 2088, 102}; !slices.Equal(got, want) {
		t.Errorf("Encode = %v, want %v", got, want)
	}
	if n := tok.VocabSize(); n != 30522 {
		t.Errorf("VocabSize = %d, want 30522", n)
	}
}

func TestNoPostProcessor(t *testing.T) {
	tok, err := FromJSON([]byte(`{"post_processor":null,"model":{"type":"WordPiece","vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2,"hi":3}},"pre_tokenizer":{"type":"BertPreTokenizer"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Encode("hi", 0); !slices.Equal(got, []int64{3}) {
		t.Errorf("Encode = %v, want [3]", got)
	}
}

func TestFromJSONRejects(t *testing.T) {
	for _, tc := range []struct{ desc, json string }{
		{"bpe", `{"model":{"type":"BPE","vocab":{"a":0}},"pre_tokenizer":{"type":"BertPreTokenizer"}}`},
		{"other normalizer", `{"normalizer":{"type":"NFC"},"model":{"type":"WordPiece","vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2}},"pre_tokenizer":{"type":"BertPreTokenizer"}}`},
		{"no unk", `{"model":{"type":"WordPiece","vocab":{"a":0,"[CLS]":1,"[SEP]":2}},"pre_tokenizer":{"type":"BertPreTokenizer"}}`},
		{"garbage", `{`},
	} {
		if _, err := FromJSON([]byte(tc.json)); err == nil {
			t.Errorf("%s: no error", tc.desc)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	tok, err := Load(filepath.Join(fixture, "tokenizer.json"))
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("The quick dog runs to the old school, unbelievably happy. ", 10)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		tok.Encode(text, 256)
	}
}
