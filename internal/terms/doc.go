// Package terms extracts the noun terms of a corpus, as the original's
// TextacyTermsExtractor (bunkatopics/topic_modeling/term_extractor.py)
// does with textacy and spaCy, on the documents BunkaTopics.fit samples
// for it (bunkatopics/_bunkatopics.py).
//
// # Method
//
// Sampling: when there are at least SampleSize (1,000) documents, SampleSize
// of them are drawn exactly as Python's random.seed(42);
// random.sample(docs, 1000) draws them (a Mersenne Twister, Matsumoto and
// Nishimura 1998, with CPython's seeding and sampling algorithms), else all
// are used. Documents left out get no terms.
//
// Cleaning (Clean): textacy's preprocessing pipeline (Unicode NFC, bullet
// points, quotation marks, whitespace, words hyphenated across a line
// break, bracketed text, currency symbols, HTML tags, emoji) plus the
// removal of URLs (also when glued to the word before them, as in tweets:
// "episodehttps://t.co/..." leaves "episode") and e-mail addresses.
// Punctuation stays for the tagger and then stops n-grams, where the original replaces it by spaces before
// spaCy and drops n-grams that hold the resulting whitespace tokens (so
// that there too an n-gram does not cross ". " or ", "). Words keep their
// inner hyphens and apostrophes ("e-mail", "O'Brien") and abbreviations
// their periods ("U.S."), which the original's punctuation removal splits
// into "e mail", "O Brien", "U S".
//
// Nouns: textacy.extract.ngrams with include_pos=["NOUN"], filter_stops
// and filter_punct keeps the runs of 1 to 3 tokens that spaCy tags NOUN
// (common nouns, not PROPN) and that do not start or end with a stop word.
// Here:
//   - English: an averaged-perceptron tagger with Penn Treebank tags
//     (Collins 2002; Honnibal 2013, the TextBlob tagger, with the weights
//     github.com/jdkato/prose/tag ships); NN and NNS are common nouns, NNP
//     and NNPS proper nouns. Sentences in capitals are tagged in lower case.
//     Three corrections bring it closer to spaCy, and to topic names that
//     are nouns (see tagger.go and terms.go): a sentence's first word
//     (handles and quotes aside), which the model, trained on news, tags
//     NN far too readily, takes the class its own weights favour when
//     that is an adjective, an adverb, an interjection or, in a verb's
//     context, a verb ("Enjoy !", "Look at", "Hope you", "Creates
//     plots", "Simple library"); "right" is a noun only after a
//     determiner, a possessive, a number, an adjective or a noun ("a
//     right", not "right now" or "you are right"); words in camel case
//     ("TaxReform", "realDonaldTrump", "iPhone") are names or hashtags,
//     as spaCy's PROPN, never common nouns.
//   - Interjections and greetings ("thanks", "thank", "congratulations",
//     "congrats", "hello", "hi", "wow", "lol", "yeah" ...; the list is
//     englishInterjections in stopwords.go) are never English terms.
//     spaCy often tags "Thanks" and "Congratulations" NOUN, and textacy
//     would keep them, but they name no topic; this is a deliberate
//     departure from the original.
//   - French: no tagger is at hand; rules on context and form (after a
//     determiner, after a preposition unless the word looks like an
//     infinitive, or with a noun suffix; never a capitalised word inside a
//     sentence) keep mostly common nouns. See french.go.
//   - Other languages, a best effort (see other.go): in German the
//     capitalised words; in Chinese, Japanese and Thai every character is
//     a word; elsewhere the words of three or more letters not capitalised
//     inside a sentence. In all of them, words found in more than a tenth
//     of 20 or more documents are dropped: in any language those are the
//     function words.
//
// No word of a term may be a stop word (spaCy's lists for English and
// French, written out in stopwords.go), a number or a user handle.
//
// Fields, as the original builds them from each textacy span: term_id is
// the span's text with its case ("America"); lemma the lower-cased lemmas
// joined by spaces (the singular for plural nouns, from rules and a table
// of irregular plurals, see lemma.go); ent is "" (an n-gram span has no
// entity label, and the original leaves entity extraction off); ngrams the
// number of words; count_terms the number of sampled documents that hold
// the term. (The original counts distinct spans, so a term twice in one
// document counts twice there; the issue asks for documents.)
//
// Extract is deterministic: the same texts and options give the same
// result whatever Workers is.
package terms
