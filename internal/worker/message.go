package worker

import "strings"

// clientMessage returns the message that a client reads for a job error
// caused by its data (one that wraps pipeline.ErrInvalidInput): the error
// without its chain of package prefixes ("pipeline: ", "lsa: ") and
// sentinel texts ("invalid input"), which say where the error passed, not
// what is wrong. Errors of any other kind reach the client as "internal
// error" alone, and the log in full.
func clientMessage(err error) string {
	var kept []string
	for _, part := range strings.Split(err.Error(), ": ") {
		if !chainParts[strings.TrimSpace(part)] {
			kept = append(kept, part)
		}
	}
	if len(kept) == 0 {
		return "the request's data cannot be processed"
	}
	return strings.Join(kept, ": ")
}

// chainParts are the operation prefixes of the packages that a job's errors
// pass through, and the texts of the sentinel errors wrapped for callers to
// branch on.
var chainParts = map[string]bool{
	"pipeline": true, "lsa": true, "embed": true, "onnx": true, "knn": true, "umap": true,
	"cluster": true, "topics": true, "terms": true, "bourdieu": true, "hull": true, "csvdocs": true,
	"store": true, "lang": true, "llm": true, "refresh": true, "state": true,
	"invalid input": true, "invalid Bourdieu query": true,
}
