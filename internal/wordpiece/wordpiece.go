package wordpiece

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Tokenizer turns texts into token ids. It is immutable once made and safe
// for concurrent use.
type Tokenizer struct {
	vocab    map[string]int64
	cont     map[string]int64 // continuation pieces, keyed without the prefix
	maxPiece int              // longest key of vocab or cont, in bytes
	unk      int64
	prefix   string // continuing_subword_prefix, "##"
	maxChars int    // max_input_chars_per_word, 100

	cleanText, chinese, stripAccents, lowercase bool

	begin, end []int64 // special ids put before and after the text ([CLS], [SEP])
	pad        int64

	added   []string // added tokens matched in the raw text, longest first
	addedID map[string]int64
}

// Load reads a tokenizer from a Hugging Face tokenizer.json, or from a BERT
// vocab.txt (one token a line, the id is the line number) with the
// bert-base-uncased settings, depending on the file name.
func Load(path string) (*Tokenizer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("wordpiece: %w", err)
	}
	defer f.Close()
	if filepath.Ext(path) == ".txt" {
		return FromVocab(f)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("wordpiece: read %s: %w", path, err)
	}
	t, err := FromJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return t, nil
}

// FromVocab reads a vocab.txt and uses the settings of bert-base-uncased:
// clean text, CJK spacing, accents stripped, lowercase, "##" pieces, words of
// at most 100 characters, [CLS] text [SEP].
func FromVocab(r io.Reader) (*Tokenizer, error) {
	vocab := make(map[string]int64)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), 1<<20)
	var n int64
	for sc.Scan() {
		tok := strings.TrimRight(sc.Text(), "\r\n")
		if _, dup := vocab[tok]; !dup {
			vocab[tok] = n
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("wordpiece: read vocab: %w", err)
	}
	t := &Tokenizer{
		vocab: vocab, prefix: "##", maxChars: 100,
		cleanText: true, chinese: true, stripAccents: true, lowercase: true,
		addedID: make(map[string]int64),
	}
	for _, s := range []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"} {
		if id, ok := vocab[s]; ok {
			t.addedID[s] = id
		}
	}
	if err := t.finish("[UNK]", []string{"[CLS]"}, []string{"[SEP]"}); err != nil {
		return nil, err
	}
	return t, nil
}

// tokenizerJSON is the part of tokenizer.json that a BERT tokenizer uses.
type tokenizerJSON struct {
	AddedTokens []struct {
		ID         int64  `json:"id"`
		Content    string `json:"content"`
		Normalized bool   `json:"normalized"`
	} `json:"added_tokens"`
	Normalizer *struct {
		Type               string `json:"type"`
		CleanText          bool   `json:"clean_text"`
		HandleChineseChars bool   `json:"handle_chinese_chars"`
		StripAccents       *bool  `json:"strip_accents"`
		Lowercase          bool   `json:"lowercase"`
	} `json:"normalizer"`
	PreTokenizer *struct {
		Type string `json:"type"`
	} `json:"pre_tokenizer"`
	PostProcessor *struct {
		Type   string            `json:"type"`
		Single []json.RawMessage `json:"single"` // TemplateProcessing
		CLS    []json.RawMessage `json:"cls"`    // BertProcessing: ["[CLS]", 101]
		SEP    []json.RawMessage `json:"sep"`
	} `json:"post_processor"`
	Model struct {
		Type                    string           `json:"type"`
		UnkToken                string           `json:"unk_token"`
		ContinuingSubwordPrefix *string          `json:"continuing_subword_prefix"`
		MaxInputCharsPerWord    int              `json:"max_input_chars_per_word"`
		Vocab                   map[string]int64 `json:"vocab"`
	} `json:"model"`
}

// FromJSON reads a Hugging Face tokenizer.json. It accepts only what it can
// reproduce exactly: a WordPiece model, a BertNormalizer (or none), a
// BertPreTokenizer and a TemplateProcessing or BertProcessing post-processor.
func FromJSON(data []byte) (*Tokenizer, error) {
	var j tokenizerJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("wordpiece: parse tokenizer.json: %w", err)
	}
	if j.Model.Type != "WordPiece" {
		return nil, fmt.Errorf("wordpiece: model type %q is not WordPiece", j.Model.Type)
	}
	if len(j.Model.Vocab) == 0 {
		return nil, errors.New("wordpiece: empty vocabulary")
	}
	t := &Tokenizer{vocab: j.Model.Vocab, prefix: "##", maxChars: j.Model.MaxInputCharsPerWord, addedID: make(map[string]int64)}
	if j.Model.ContinuingSubwordPrefix != nil {
		t.prefix = *j.Model.ContinuingSubwordPrefix
	}
	if t.maxChars <= 0 {
		t.maxChars = 100
	}
	if n := j.Normalizer; n != nil {
		if n.Type != "BertNormalizer" {
			return nil, fmt.Errorf("wordpiece: unsupported normalizer %q", n.Type)
		}
		t.cleanText, t.chinese, t.lowercase = n.CleanText, n.HandleChineseChars, n.Lowercase
		t.stripAccents = n.Lowercase
		if n.StripAccents != nil {
			t.stripAccents = *n.StripAccents
		}
	}
	if p := j.PreTokenizer; p == nil || p.Type != "BertPreTokenizer" {
		typ := "none"
		if p != nil {
			typ = p.Type
		}
		return nil, fmt.Errorf("wordpiece: unsupported pre-tokenizer %q", typ)
	}
	for _, a := range j.AddedTokens {
		if !a.Normalized {
			t.addedID[a.Content] = a.ID
		}
	}
	// No post-processor (null): no special tokens around the text, as in
	// the Rust crate.
	var begin, end []string
	if pp := j.PostProcessor; pp != nil {
		var err error
		switch pp.Type {
		case "TemplateProcessing":
			begin, end, err = template(pp.Single)
		case "BertProcessing":
			begin, end = nil, nil
			var a, b string
			if len(pp.CLS) > 0 && len(pp.SEP) > 0 {
				err = errors.Join(json.Unmarshal(pp.CLS[0], &a), json.Unmarshal(pp.SEP[0], &b))
				begin, end = []string{a}, []string{b}
			}
		default:
			err = fmt.Errorf("unsupported post-processor %q", pp.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("wordpiece: %w", err)
		}
	}
	unk := j.Model.UnkToken
	if unk == "" {
		unk = "[UNK]"
	}
	if err := t.finish(unk, begin, end); err != nil {
		return nil, err
	}
	return t, nil
}

// template reads the special tokens before and after "$A" in a
// TemplateProcessing "single" template.
func template(single []json.RawMessage) (begin, end []string, err error) {
	seen := false
	for _, raw := range single {
		var piece struct {
			SpecialToken *struct{ ID string } `json:"SpecialToken"`
			Sequence     *struct{ ID string } `json:"Sequence"`
		}
		if err := json.Unmarshal(raw, &piece); err != nil {
			return nil, nil, fmt.Errorf("post-processor template: %w", err)
		}
		switch {
		case piece.Sequence != nil:
			seen = true
		case piece.SpecialToken != nil && seen:
			end = append(end, piece.SpecialToken.ID)
		case piece.SpecialToken != nil:
			begin = append(begin, piece.SpecialToken.ID)
		}
	}
	return begin, end, nil
}

// finish indexes the vocabulary and resolves the special tokens to ids.
func (t *Tokenizer) finish(unk string, begin, end []string) error {
	t.cont = make(map[string]int64)
	for tok, id := range t.vocab {
		key := tok
		if rest, ok := strings.CutPrefix(tok, t.prefix); ok && t.prefix != "" {
			if old, dup := t.cont[rest]; !dup || id < old {
				t.cont[rest] = id
			}
			key = rest
		}
		t.maxPiece = max(t.maxPiece, len(key), len(tok))
	}
	id := func(s string) (int64, error) {
		if v, ok := t.addedID[s]; ok {
			return v, nil
		}
		if v, ok := t.vocab[s]; ok {
			return v, nil
		}
		return 0, fmt.Errorf("wordpiece: special token %q not in the vocabulary", s)
	}
	var err error
	if t.unk, err = id(unk); err != nil {
		return err
	}
	for _, s := range begin {
		v, err := id(s)
		if err != nil {
			return err
		}
		t.begin = append(t.begin, v)
	}
	for _, s := range end {
		v, err := id(s)
		if err != nil {
			return err
		}
		t.end = append(t.end, v)
	}
	if v, err := id("[PAD]"); err == nil {
		t.pad = v
	}
	for s := range t.addedID {
		if s != "" {
			t.added = append(t.added, s)
		}
	}
	// Longest first, so that a token containing another one wins.
	sort.Slice(t.added, func(i, j int) bool {
		if len(t.added[i]) != len(t.added[j]) {
			return len(t.added[i]) > len(t.added[j])
		}
		return t.added[i] < t.added[j]
	})
	return nil
}

// VocabSize is the number of tokens in the vocabulary.
func (t *Tokenizer) VocabSize() int { return len(t.vocab) }

// PadID is the id of [PAD] (0 when the vocabulary has none).
func (t *Tokenizer) PadID() int64 { return t.pad }

// ID returns the id of a token and whether the vocabulary has it.
func (t *Tokenizer) ID(token string) (int64, bool) {
	if v, ok := t.addedID[token]; ok {
		return v, true
	}
	v, ok := t.vocab[token]
	return v, ok
}

// Encode returns the ids of text with the special tokens around it ([CLS]
// ... [SEP]), at most maxLen of them in all when maxLen > 0: the text's
// tokens are cut at the end, the special tokens are always there.
func (t *Tokenizer) Encode(text string, maxLen int) []int64 {
	ids := append([]int64(nil), t.begin...)
	keep := -1
	if maxLen > 0 {
		keep = max(maxLen-len(t.begin)-len(t.end), 0)
	}
	t.each(text, func(id int64, _ string) bool {
		if keep == 0 {
			return false
		}
		ids = append(ids, id)
		keep--
		return true
	})
	return append(ids, t.end...)
}

// Tokens returns the word pieces of text, without special tokens around
// them (and [UNK] for unknown words).
func (t *Tokenizer) Tokens(text string) []string {
	var toks []string
	t.each(text, func(_ int64, tok string) bool {
		toks = append(toks, tok)
		return true
	})
	return toks
}

// each calls f with the id and text of every token of text in order, until
// f returns false.
func (t *Tokenizer) each(text string, f func(id int64, tok string) bool) {
	for text != "" {
		i, tok := t.nextAdded(text)
		if !t.words(t.normalize(text[:i]), f) {
			return
		}
		if tok == "" {
			return
		}
		if !f(t.addedID[tok], tok) {
			return
		}
		text = text[i+len(tok):]
	}
}

// nextAdded finds the first added token in s: its byte offset and text, or
// len(s) and "".
func (t *Tokenizer) nextAdded(s string) (int, string) {
	best, tok := len(s), ""
	for _, a := range t.added {
		if i := strings.Index(s[:min(len(s), best+len(a))], a); i >= 0 && i < best {
			best, tok = i, a
		}
	}
	return best, tok
}

// normalize applies the BertNormalizer steps.
func (t *Tokenizer) normalize(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		if t.cleanText {
			if r == 0 || r == utf8.RuneError || isControl(r) {
				continue
			}
			if isWhitespace(r) {
				r = ' '
			}
		}
		if t.chinese && isCJK(r) {
			b.WriteByte(' ')
			b.WriteRune(r)
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(r)
	}
	s = b.String()
	if isASCII(s) {
		if t.lowercase {
			s = strings.ToLower(s)
		}
		return s
	}
	if t.stripAccents {
		s = norm.NFD.String(s)
		s = strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Mn, r) {
				return -1
			}
			return r
		}, s)
	}
	if t.lowercase {
		s = strings.ToLower(s)
	}
	return s
}

// words applies the BertPreTokenizer and WordPiece to normalised text.
func (t *Tokenizer) words(s string, f func(int64, string) bool) bool {
	start := -1
	flush := func(end int) bool {
		if start < 0 {
			return true
		}
		w := s[start:end]
		start = -1
		return t.pieces(w, f)
	}
	for i, r := range s {
		switch {
		case isWhitespace(r):
			if !flush(i) {
				return false
			}
		case isPunct(r):
			if !flush(i) || !t.pieces(s[i:i+utf8.RuneLen(r)], f) {
				return false
			}
		default:
			if start < 0 {
				start = i
			}
		}
	}
	return flush(len(s))
}

// pieces splits one word into WordPiece tokens, greedy longest match first.
func (t *Tokenizer) pieces(w string, f func(int64, string) bool) bool {
	if utf8.RuneCountInString(w) > t.maxChars {
		return f(t.unk, "[UNK]")
	}
	type piece struct {
		id  int64
		tok string
	}
	var out []piece
	for start := 0; start < len(w); {
		end, found := len(w), false
		// No piece is longer than maxPiece bytes: start there, at a rune
		// boundary.
		if end-start > t.maxPiece {
			end = start + t.maxPiece
			for end > start && !utf8.RuneStart(w[end]) {
				end--
			}
		}
		for end > start {
			var (
				id int64
				ok bool
			)
			if start == 0 {
				id, ok = t.vocab[w[:end]]
			} else {
				id, ok = t.cont[w[start:end]]
			}
			if ok {
				tok := w[start:end]
				if start > 0 {
					tok = t.prefix + tok
				}
				out = append(out, piece{id, tok})
				found = true
				break
			}
			_, size := utf8.DecodeLastRuneInString(w[start:end])
			end -= size
		}
		if !found {
			return f(t.unk, "[UNK]")
		}
		start = end
	}
	for _, p := range out {
		if !f(p.id, p.tok) {
			return false
		}
	}
	return true
}

func isWhitespace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r >= '\t' && r <= '\r'
	}
	return unicode.Is(unicode.White_Space, r)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isControl is Rust's char::is_other (categories Cc, Cf, Cs, Co and Cn)
// except for tab, newline and carriage return.
func isControl(r rune) bool {
	switch r {
	case '\t', '\n', '\r':
		return false
	}
	if r < utf8.RuneSelf {
		return r < ' ' || r == 0x7f
	}
	if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs) {
		return true
	}
	// Unassigned (Cn): in no category at all.
	return !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z)
}

// isPunct is BERT's punctuation: any ASCII punctuation character (some of
// which Unicode files as symbols) and any Unicode P* character.
func isPunct(r rune) bool {
	if r < 128 {
		return r >= 33 && r <= 47 || r >= 58 && r <= 64 || r >= 91 && r <= 96 || r >= 123 && r <= 126
	}
	return unicode.IsPunct(r)
}

// isCJK reports whether r is in the CJK Unified Ideographs blocks that BERT
// spaces out.
func isCJK(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF ||
		r >= 0x3400 && r <= 0x4DBF ||
		r >= 0x20000 && r <= 0x2A6DF ||
		r >= 0x2A700 && r <= 0x2B73F ||
		r >= 0x2B740 && r <= 0x2B81F ||
		r >= 0x2B920 && r <= 0x2CEAF ||
		r >= 0xF900 && r <= 0xFAFF ||
		r >= 0x2F800 && r <= 0x2FA1F
}
