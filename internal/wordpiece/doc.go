// Package wordpiece tokenises text for BERT-style models as the Hugging Face
// tokenizers library does for a tokenizer.json with a BertNormalizer, a
// BertPreTokenizer, a WordPiece model and a "[CLS] $A [SEP]" post-processor
// (the tokenizer of sentence-transformers/all-MiniLM-L6-v2 and of every
// bert-base-uncased derivative).
//
// The steps, in order:
//
//  1. Added tokens: special tokens written in the text ("[SEP]") are kept
//     whole and not normalised.
//  2. BertNormalizer: drop NUL, U+FFFD and control characters and map every
//     whitespace character to a space (clean_text); put spaces around CJK
//     ideographs (handle_chinese_chars); decompose (NFD) and drop nonspacing
//     marks (strip_accents, on by default when lowercasing); lowercase.
//  3. BertPreTokenizer: split on whitespace and isolate every punctuation
//     character (Unicode P* and ASCII punctuation such as $ + < = > ^ ` |).
//  4. WordPiece: greedy longest match from the left, pieces after the first
//     prefixed with "##"; a word longer than max_input_chars_per_word (100)
//     characters, or with any part not in the vocabulary, becomes [UNK].
//  5. [CLS] and [SEP] around the result, truncated so that the whole fits in
//     the maximum length.
//
// Sources: the BERT paper's tokenisation (Devlin et al. 2019, and the
// original tokenization.py), and the tokenizers crate (normalizers/bert.rs,
// pre_tokenizers/bert.rs, models/wordpiece). The package is written from
// their descriptions; the tests check it against token ids computed by an
// independent Python implementation (internal/onnx/testdata), by Hugging
// Face's JavaScript port of tokenizers (testdata/hfjs_crosscheck.mjs, on
// accents, scripts, CJK, controls, whitespace and punctuation) and against
// facts of bert-base-uncased.
//
// Lowercasing is per character, as in the Rust crate (a final capital
// sigma becomes σ, not ς as Python's and JavaScript's string lowercasing
// give).
package wordpiece
