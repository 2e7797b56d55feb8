// Package pipeline turns documents into a topic map and a Bourdieu map, as
// the Python library bunkatopics does behind the original API
// (api/bunka_api/processing_functions.py process_topics: Bunka.fit,
// Bunka.get_topics, get_clean_topic_name, then BourdieuAPI.fit_transform).
//
// Topics runs these stages, reporting each start and its progress to a
// ProgressFunc as an overall percentage that never decreases. The shares
// below are the stages' measured times on 10,000 documents with the builtin
// embedder; with any other embedder not on a GPU (the onnx MiniLM on the
// CPU) embedding takes about 90% of the run and the other stages share the
// rest in the same proportions (see stageWeights). Within the embedding
// stage the progress moves with the embedder's own reports when it is an
// embed.ProgressEmbedder, as lsa's and onnx's are; within the projection,
// with UMAP's epochs.
//
//   - language (0-1%): the input is validated; ids are made unique (the
//     first kept) before empty texts are dropped, as pandas' drop_duplicates
//     then the NaN filter in Bunka.fit; without ids each document gets a
//     20-character id shaped as the original's str(uuid.uuid4())[:20], drawn
//     from the seed so that runs repeat. The language is the request's, or
//     detected on a sample (package lang).
//   - embedding (1-41%): Config.Embedder (default: the builtin TF-IDF + SVD
//     embedder, package lsa), unless the input brings pre-computed
//     embeddings (Bunka.fit's pre_computed_embeddings).
//   - projection (41-86%): UMAP to 2-D (package umap, 15 neighbours,
//     min_dist 0.1, euclidean, seed 42) gives each document its x and y.
//   - terms (86-94%): noun n-grams of 1 to 3 words on a sample of 1,000
//     documents (package terms).
//   - topics (94-96%): k-means on (x, y), specificity names, sizes,
//     centroids, hulls and document ranking (package topics), with
//     min_count_terms falling back to 1 for 500 documents or fewer as in
//     get_topics; then the Namer when clean_topics is set.
//   - bourdieu (96-100%), when asked: the Bourdieu map (package bourdieu) on
//     the same embeddings and terms, its topics named the same way.
//
// Bourdieu computes the Bourdieu map alone (the original's deprecated
// bourdieu_api_task). It skips the projection and the topic map, whose x, y
// and topic ids the Bourdieu map overwrites anyway.
//
// Refresh recomputes the Bourdieu map of a finished job for a new query from
// its JSON result and its State (embedder name, embedding space, document
// embeddings), without embedding the documents again; it gives the same map
// as Topics would for that query.
//
// Errors caused by the request (no documents, all empty, invalid UTF-8,
// more clusters than documents, an empty or unknown axis word) wrap
// ErrInvalidInput.
package pipeline
