// Package lang names the language of a corpus.
//
// The original (bunkatopics/topic_modeling/utils.py, detect_language) runs
// langdetect on a random 1% of the documents and keeps the most common
// answer, mapped to a name by detect_language_to_language_name, English
// when nothing is found. Detect does the same on a deterministic sample of
// at most 100 documents with github.com/abadojack/whatlanggo, a trigram
// detector after Whatlang (Sergey Potapov) and Franc (Titus Wormer),
// restricted to the languages the original supports, and returns lower-case
// names ("english", "french", ...), the form the API takes in its
// "language" field.
package lang
