// Package topics turns a clustered topic map into named topics, as the
// Python library bunkatopics does in BunkaTopicModeling.fit_transform
// (topic_modeling/topic_model_builder.py), specificity
// (topic_modeling/utils.py), clean_terms and DocumentRanker
// (topic_modeling/document_topic_ranker.py).
//
// The method, step by step:
//
//  1. k-means on the documents' (x, y) gives each document a topic id
//     "bt-<label>" (Fit; Assemble takes the labels ready-made).
//  2. Terms counted fewer than MinCountTerms times are dropped; the rest are
//     ranked by count, cut to TopTermsOverall, then to the wanted n-gram
//     sizes (in that order, as the original).
//  3. The (document, term) pairs of the kept terms form a topic x term
//     contingency table. The specificity of a cell is
//     (observed - expected)^2 / expected with the sign of
//     (observed - expected), expected = row total * column total / grand
//     total: a signed chi-square contribution. Each topic keeps its
//     positive cells, best first, at most TermsPerTopic (500) of them; those
//     terms are the topic's term_id.
//     A topic with no positive cell (a single topic, or terms spread
//     evenly) takes its most frequent terms instead, and a topic with no
//     term of the wanted sizes (ngrams longer than any text) gets an empty
//     list; the original left both out while their documents kept the id.
//  4. The name is the first NameLength of the first 100 terms that survive
//     CleanTerms, joined with " | " (the topic id when that leaves nothing).
//  5. Size and centroid (mean x, mean y) per topic; topics with fewer than
//     MinDocsPerCluster documents are left out of the list, and their
//     documents get no topic id (null): every topic id that a document
//     carries is a listed topic (the original kept the ids of topics it
//     left out).
//  6. A smooth closed hull of HullPoints points around each topic's
//     documents (package hull); a topic of fewer than three distinct or
//     non-collinear points gets a small circle or stadium around them
//     (hull.Outline, radius 1% of the map's larger side) where the original
//     had null.
//  7. Documents are ranked within their topic by how many of the topic's
//     first RankingTerms terms they contain (DocumentRanker): rank 1 is the
//     best, ties go by doc_id in string order (the order pandas' groupby
//     leaves them in), at most MaxDocPerTopic per topic.
//
// Topics come out in the order of their ids as strings ("bt-0", "bt-1",
// "bt-10", "bt-2", ...), the order of pandas' groupby in the original.
package topics
