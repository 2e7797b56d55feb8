// Package bourdieu places documents on a Bourdieu map, two axes each defined
// by words at its ends, as the Python library bunkatopics does in
// BourdieuAPI.fit_transform and _get_continuum
// (bunkatopics/bourdieu/bourdieu_api.py).
//
// For each axis, the continuum vector is the mean embedding of its left (or
// top) words minus the mean embedding of its right (or bottom) words, the
// words embedded in the space of the documents (embed.Space). A document's
// coordinate on the axis is the cosine similarity of its embedding with the
// continuum vector: positive towards the left (top) words. The x axis is
// continuum "cont1" (x_left_words, x_right_words), the y axis "cont2"
// (y_top_words, y_bottom_words); both are stored in the document's
// bourdieu_dimensions and replace its x and y.
//
// Documents near the centre say little about either axis: those with
// sqrt(x^2 + y^2) < max(x) * radius_size are left out (max over the x
// coordinates of all documents, as the original). Unlike the original, the
// map keeps at least as many documents as its topics need (n_clusters times
// 20): when the radius leaves fewer, as it does in the builtin embedder's
// sparse space where most documents lack the axis words and lie near the
// centre, the farthest documents are kept and the response's query holds
// the smaller radius size used (the original fails, or draws a map without
// topics). The kept documents are clustered into topics on their new (x, y)
// by package topics, with at least 20 documents per listed topic and terms
// counted at least once.
package bourdieu
