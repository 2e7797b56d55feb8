// Package lsa is the builtin embedder: latent semantic analysis (S.
// Deerwester et al., "Indexing by latent semantic analysis", JASIS 41(6),
// 1990) in pure Go, deterministic and needing no model download. It plays
// the part of the reference embedder in ../shared/anchors/embed_tfidf_svd.py
// (scikit-learn's TfidfVectorizer + TruncatedSVD + L2 normalisation).
//
// Terms. A text is lower-cased and cut into words of Unicode letters,
// digits and combining marks; words of one character, words of digits only
// and stopwords (English, French, or both, by Options.Language) are
// dropped. The terms are the words and, unless Options.NoBigrams, the pairs
// of kept words that stand next to each other ("source code"); a dropped
// word or a punctuation mark other than a hyphen or apostrophe breaks a
// pair. Texts are NFKC-normalised first (golang.org/x/text/unicode/norm);
// accents are kept.
//
// Vocabulary. Terms found in fewer than MinDF documents (2) or in more than
// MaxDF (0.9) of them are dropped; of the rest, the MaxFeatures (50,000)
// found in the most documents are kept, ties to the smaller term in byte
// order.
//
// TF-IDF. Document d's weight for term t is (1 + ln tf(t, d))·idf(t), with
// scikit-learn's smooth idf ln((1+n)/(1+df(t))) + 1, each row scaled to
// unit length. The matrix A (documents × terms) is stored in CSR form with
// float32 values.
//
// SVD. The top k = Dims (128) right singular vectors V_k of A come from a
// randomized range finder (N. Halko, P.-G. Martinsson and J. A. Tropp,
// "Finding structure with randomness", SIAM Review 53(2), 2011, algorithms
// 4.4 and 5.1) with scikit-learn's TruncatedSVD settings (10 extra columns,
// 5 power iterations): a Gaussian test matrix Ω of k+10 columns from PCG
// streams seeded by Options.Seed, Y = AΩ, then five power iterations
// Y = A(AᵀQ), Q being Y's columns re-orthonormalised after each step by
// Cholesky QR (twice at the end; Gram–Schmidt applied twice when Y is rank
// deficient); then the small matrix B = QᵀA, whose BBᵀ is diagonalised by
// the cyclic Jacobi method, gives V_k = BᵀU_BΣ⁻¹. The top singular values
// are exact to rounding; towards the 128th, where the spectrum of a TF-IDF
// matrix is flat, they come out up to a few per cent low, as with
// scikit-learn. k is lowered to the vocabulary size − 1 (at least 1) or
// the number of documents when those are smaller; singular values at the
// rounding level count as zero and get zero vectors. Each component's sign
// makes its largest document coordinate positive (as scikit-learn's
// svd_flip).
//
// Large corpora. Above Options.SVDSample documents (20,000) the range
// finder runs on a sample of that many rows of A (drawn with the seed), and
// the result is extended to the whole corpus by half a power iteration on
// all of A: W = AV_kΣ_s⁻²·s/n (the sample's singular values grow by √(n/s)
// over n documents), then V_k = AᵀW, so that V_k = AᵀW holds exactly, as
// for a whole fit, and every vocabulary term has a row on the corpus's
// scale. This takes the embedding's sparse-times-dense products from 15
// of A to 14 of the sample's and 3 of A's (2.6 times less work at 100,000
// documents, 4.6 times at 1,000,000), and the range finder's dense
// n × (k+10) matrices from n rows to 20,000. On 100,000 perturbed Debian descriptions
// (scripts/bench_service.sh) the topics' NMI against the sections went from
// 0.4445 to 0.452; corpora up to 20,000 documents are fitted whole, as
// before.
//
// Vectors. A document's vector is its TF-IDF row times V_k (≈ U_kΣ_k,
// what TruncatedSVD.fit_transform returns), scaled to unit length. A query
// of the Space (a Bourdieu axis word) is projected the same way, with the
// corpus idf, so that queries and documents are comparable by cosine. A
// document with no term of the vocabulary gets a zero vector, left for the
// pipeline to deal with; a query with no known term is an error wrapping
// embed.ErrUnknownText.
//
// Folding in. A word of the corpus left out of the vocabulary for being in
// fewer than MinDF documents, or beyond MaxFeatures, is still known to
// queries: it is folded in as in LSI (M. W. Berry, S. T. Dumais and G. W.
// O'Brien, "Using linear algebra for intelligent information retrieval",
// SIAM Review 37(4), 1995), its row being cᵀU_kΣ_k⁻¹, c its
// TF-IDF column (weight (1 + ln tf)·idf in each document that has it,
// times that document's own TF-IDF scale). For a vocabulary term this is
// exactly its row of V_k (V_k = AᵀU_kΣ_k⁻¹), so folded words and
// vocabulary terms mix in a query on one scale. Folding in adds nothing
// to the documents: their TF-IDF rows, the SVD and their vectors are the
// vocabulary's alone. Pairs of words are not folded in (a phrase is known
// by its words), nor are terms cut for being in more than MaxDF of the
// documents (near-stopwords, in almost every document).
//
// Subwords. A query none of whose words is in the corpus (say the
// original frontend's default axis word "past" on a corpus that never uses
// it) is placed by its words' character n-grams, as fastText places
// out-of-vocabulary words (P. Bojanowski et al., "Enriching word vectors
// with subword information", TACL 5, 2017), with vectors fitted on the
// corpus vocabulary instead of trained: an n-gram's vector (3 to 5
// characters of the word between "<" and ">") is the mean row of the
// vocabulary and folded words that hold it, and the word's vector is the
// mean of its n-grams' vectors weighted by ln(1 + words / words holding
// the n-gram). The index is built from the Space on the first such query;
// nothing is stored, and a query with a known word is projected as before
// (its unknown words left out), so that the documents and every query
// placed before keep their vectors. The placement follows spelling, not
// meaning: "women" may land near "moment" as well as near "woman" (the
// MiniLM embedder places words by meaning). On debian_en_2k, a vocabulary
// word's subword vector computed without it has a mean cosine of 0.20
// with its own row, against 0.04 with another word's. A word that shares
// no n-gram with the corpus (one of another script) stays unknown.
//
// Space. The Space keeps the vocabulary, the idf and V_k with each term's
// row stored as 8-bit integers and one float32 scale; its binary form
// (front-coded terms, then the numbers, little-endian) takes about
// 8 + k bytes per term plus the terms: 4.9 MB for 10,000 Debian package
// descriptions (34,567 terms). For the folded words it keeps their
// postings (document, count) and, for the documents that have one, the
// document's row of U_kΣ_k⁻¹ times its TF-IDF scale, quantised the same
// way (most folded words are in one document: a few bytes per word beside
// k + 4 per document); the words' rows are rebuilt when the Space is made
// or loaded. The 18,396 folded words of the 10,000 Debian descriptions
// (in 6,406 of them) add 1.0 MB (6.0 MB in all, 1.2 times); the 1,876 of
// the 463 tweets take the Space from 129 kB to 210 kB (1.6 times). Format
// version 2; LoadSpace still reads version 1 (vocabulary only).
//
// All products are parallel over rows in fixed blocks whose results do not
// depend on the number of workers: the vectors are the same bit for bit for
// a given Seed.
package lsa
